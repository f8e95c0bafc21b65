// Microsoft's SARIF validator (@microsoft/sarif-multitool, the one GitHub's docs point to) with
// the SARIF spec rules and the GitHub ingestion rules (`--rule-kind Sarif;Gh`), plus the location
// rules GitHub's docs state and the validator does not check: every result needs a physical
// location with an artifact URI (relative, or a file: URI) and a start line, or code scanning
// rejects the whole upload ("expected artifact location").
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Log, ReportingDescriptor, Result } from 'sarif';

const run = promisify(execFile);
const MULTITOOL = createRequire(import.meta.url)('@microsoft/sarif-multitool') as string;

export interface SarifProblem {
  file: string;
  rule: string;
  level: string;
  message: string;
}

/** Validate each SARIF text (named for messages); errors and warnings of every kind, none is fine. */
export async function validateSarif(logs: Record<string, string>): Promise<SarifProblem[]> {
  const dir = await mkdtemp(join(tmpdir(), 'storyctl-sarif-'));
  try {
    const names = Object.keys(logs);
    const files = names.map((name, i) => join(dir, `${i}.sarif`));
    await Promise.all(files.map((f, i) => writeFile(f, logs[names[i] as string] as string)));
    const out = join(dir, 'validation.sarif');
    // Its exit code is 1 on findings; the output log says which.
    await run(
      MULTITOOL,
      ['validate', '--rule-kind', 'Sarif;Gh', '--threads', '1', '--output', out, ...files],
      {
        maxBuffer: 16 << 20,
      },
    ).catch((error: { stdout?: string; stderr?: string }) => {
      if (!('stdout' in error)) throw error;
    });
    const log = JSON.parse(await readFile(out, 'utf8')) as Log;
    const problems: SarifProblem[] = [];
    for (const r of log.runs.flatMap((x) => x.results ?? [])) {
      const rules: ReportingDescriptor[] = log.runs[0]?.tool.driver.rules ?? [];
      const level = r.level ?? rules.find((d) => d.id === r.ruleId)?.defaultConfiguration?.level ?? 'warning';
      if (level !== 'error' && level !== 'warning') continue;
      const uri = r.locations?.[0]?.physicalLocation?.artifactLocation?.uri ?? '';
      const index = files.findIndex((f) => uri.endsWith(f.slice(f.lastIndexOf('/') + 1)));
      problems.push({
        file: names[index] ?? uri,
        rule: r.ruleId ?? '',
        level,
        message: messageText(r, rules),
      });
    }
    for (const [name, text] of Object.entries(logs)) problems.push(...githubLocationProblems(name, text));
    return problems;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** The validator words its results as message ids with arguments; spell them out. */
function messageText(r: Result, rules: ReportingDescriptor[]): string {
  const template = r.message.id
    ? rules.find((d) => d.id === r.ruleId)?.messageStrings?.[r.message.id]?.text
    : undefined;
  const args = r.message.arguments ?? [];
  if (!template) return r.message.text ?? args.join(' | ');
  return template.replace(/\{(\d+)\}/g, (_, i: string) => args[Number(i)] ?? '');
}

function githubLocationProblems(name: string, text: string): SarifProblem[] {
  const log = JSON.parse(text) as Log;
  const out: SarifProblem[] = [];
  const bad = (r: Result, i: number, message: string): void => {
    out.push({
      file: name,
      rule: 'github-location',
      level: 'error',
      message: `results[${i}] (${r.ruleId}): ${message}`,
    });
  };
  (log.runs[0]?.results ?? []).forEach((r, i) => {
    const phys = r.locations?.[0]?.physicalLocation;
    const uri = phys?.artifactLocation?.uri;
    if (!uri) bad(r, i, 'no physicalLocation.artifactLocation.uri');
    else if (/^[a-z][a-z0-9+.-]*:/i.test(uri) && !uri.startsWith('file:'))
      bad(r, i, `uri ${uri} is neither relative nor file:`);
    if (!(phys?.region?.startLine !== undefined && phys.region.startLine >= 1))
      bad(r, i, 'no region.startLine');
    if (!r.partialFingerprints?.['primaryLocationLineHash'])
      bad(r, i, 'no partialFingerprints.primaryLocationLineHash');
  });
  return out;
}
