// Pieces shared by the commands that produce a report (doctor, lint): flags, rule selection,
// rendering and writing the outputs.
import { Option, type Command } from 'commander';
import { StoryctlError } from '../model/errors.js';
import type { Report } from '../model/report.js';
import { loadGithubStepSummary, reporters } from '../report/index.js';
import type { ReporterOptions } from '../report/types.js';
import { findRule } from '../rules/index.js';
import type { Rule, RuleMeta } from '../rules/types.js';
import {
  collect,
  DEFAULT_FLAGS,
  FAIL_ON,
  OUTPUT_FORMATS,
  parseFailOn,
  parseFormat,
  parseNowOption,
  stopBudgetOption,
  type CommonFlags,
} from './options.js';
import { writeFileAtomic, type OutputTarget } from './outputs.js';
import type { Settings } from '../config/settings.js';
import { useColor, type CliIO } from './io.js';
import { VERSION } from './version.js';
import { appendFile } from 'node:fs/promises';

import { README_URL } from './links.js';

export { README_URL };

export function addReportOptions(cmd: Command): Command {
  return cmd
    .addOption(
      new Option('-o, --output <format>', `${OUTPUT_FORMATS.join('|')} (repeatable)`)
        .choices(OUTPUT_FORMATS)
        .argParser(parseFormat),
    )
    .option(
      '--output-file <file>',
      'write the -o just before it to FILE instead of stdout (repeatable)',
      collect,
    )
    .addOption(
      new Option('--fail-on <severity>', `exit 1 when a finding is at or above: ${FAIL_ON.join('|')}`)
        .choices(FAIL_ON)
        .default(DEFAULT_FLAGS.failOn)
        .argParser(parseFailOn),
    )
    .option('--rule <id>', 'run only this rule (repeatable)', collect)
    .option('--skip-rule <id>', 'do not run this rule (repeatable)', collect)
    .addOption(stopBudgetOption())
    .addOption(
      new Option('--now <time>', 'evaluate as of this RFC3339 time (reproducible evidence)').argParser(
        parseNowOption,
      ),
    )
    .option('--config <file>', 'read settings from FILE (default: .storyctl.yaml here or up to the git root)')
    .option('--no-config', 'ignore any .storyctl.yaml')
    .option('--baseline <file>', 'only findings not in this baseline count for --fail-on')
    .option('--write-baseline <file>', 'record the findings of this run as a baseline')
    .option('--no-suppressions', 'audit mode: ignore suppressions in annotations and in the config')
    .option('--show-pii', 'show lk.pii.* values and participant identities (masked by default)')
    .option('-q, --quiet', 'no progress output')
    .option('--no-color', 'no colours (NO_COLOR is honoured too)');
}

/**
 * The rules a command runs: every rule it can run, narrowed by --rule / --skip-rule. An unknown ID
 * is a usage error, and so is `--rule` naming a rule this command cannot run (`lint --rule SR101`
 * would otherwise run nothing and pass); `cannotRun` says why for that rule. A rule the config
 * turns off does not run unless `--rule` names it (flags override the file).
 */
export function selectRules<R extends Rule>(
  flags: Pick<CommonFlags, 'rule' | 'skipRule'>,
  runnable: readonly R[],
  cannotRun: (rule: Rule) => string,
  settings?: Pick<Settings, 'rules'>,
): R[] {
  const resolve = (id: string): Rule => {
    const hit = findRule(id);
    if (!hit) throw new StoryctlError('usage', `unknown rule "${id}" (storyctl rules lists them)`);
    return hit;
  };
  const include = (flags.rule ?? []).map(resolve);
  const exclude = new Set((flags.skipRule ?? []).map((id) => resolve(id).meta.id));
  for (const r of include) {
    if (!runnable.some((x) => x.meta.id === r.meta.id)) throw new StoryctlError('usage', cannotRun(r));
  }
  const wanted = new Set(include.map((r) => r.meta.id));
  const off = (id: string): boolean => settings?.rules.get(id)?.enabled?.value === false;
  return runnable.filter(
    (r) => (wanted.size === 0 ? !off(r.meta.id) : wanted.has(r.meta.id)) && !exclude.has(r.meta.id),
  );
}

/**
 * `rules` are the rules that ran: SARIF declares them and JUnit lists each as a suite, with the
 * severity the config gives them. The outputs are the settings' (flags, else the config, else table).
 */
export async function emitReport(
  report: Report,
  flags: CommonFlags,
  io: CliIO,
  settings: Pick<Settings, 'outputs' | 'rules'>,
  ruleMetas: RuleMeta[],
): Promise<void> {
  const targets: OutputTarget[] = settings.outputs.value;
  const rules = ruleMetas.map((m) => {
    const severity = settings.rules.get(m.id)?.severity?.value;
    return severity === undefined ? m : { ...m, severity };
  });
  const base: ReporterOptions = {
    color: false,
    rules,
    readmeUrl: README_URL,
    toolVersion: VERSION,
    cwd: io.cwd,
  };
  if (io.stdout.columns) base.width = io.stdout.columns;
  for (const t of targets) {
    const options = {
      ...base,
      color:
        t.file === undefined && (t.format === 'table' || t.format === 'wide')
          ? useColor(io, flags.color)
          : false,
    };
    const text = (await reporters[t.format]())(report, options);
    if (t.file === undefined) io.stdout.write(text);
    else await writeFileAtomic(t.file, text);
    const summaryFile = io.env['GITHUB_STEP_SUMMARY'];
    if (t.format === 'github' && summaryFile) {
      const summary = (await loadGithubStepSummary())(report, options);
      await appendFile(summaryFile, summary).catch((error: unknown) => {
        throw new StoryctlError(
          'input',
          `cannot write GITHUB_STEP_SUMMARY: ${error instanceof Error ? error.message : String(error)}`,
          { file: summaryFile },
        );
      });
    }
  }
}
