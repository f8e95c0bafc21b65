// Writes deploy/prometheus/storyctl.prometheusrule.yaml from storyctl.rules.yaml; `--check` fails when
// the committed file has drifted (test/deploy/prometheus-rules.test.ts checks the same in `npm test`).
import { readFile, writeFile } from 'node:fs/promises';
import { PROMETHEUS_RULE_FILE, prometheusRuleManifest, RULES_FILE } from './prometheus-rule-manifest.js';

async function main(): Promise<void> {
  const check = process.argv.includes('--check');
  const next = await prometheusRuleManifest(await readFile(RULES_FILE, 'utf8'));
  if (check) {
    const current = await readFile(PROMETHEUS_RULE_FILE, 'utf8').catch(() => '');
    if (current !== next) {
      console.error(
        `${PROMETHEUS_RULE_FILE} differs from ${RULES_FILE}: run \`npx tsx scripts/prometheus-rules.ts\` and commit the result`,
      );
      process.exit(1);
    }
    console.log(`${PROMETHEUS_RULE_FILE} matches ${RULES_FILE}`);
    return;
  }
  await writeFile(PROMETHEUS_RULE_FILE, next);
  console.log(`${PROMETHEUS_RULE_FILE} written from ${RULES_FILE}`);
}

await main();
