// After the rules ran: the settings applied to the report (config/apply.ts), the baseline read
// (`--baseline`) and written (`--write-baseline`), and a warning on stderr for each suppression
// that no longer applies, so an expired one is seen where CI prints.
import { readFile } from 'node:fs/promises';
import { applySettings, ruleCoversOwnedRuns, type ApplyContext } from '../config/apply.js';
import type { Settings } from '../config/settings.js';
import { baselineOf, type Baseline } from '../model/baseline.js';
import { StoryctlError } from '../model/errors.js';
import { redactReport, type Report } from '../model/report.js';
import type { AnnotationIndex } from '../model/suppress.js';
import { inertText } from '../report/escape.js';
import type { RuleMeta } from '../rules/types.js';
import { emitReport } from './common.js';
import { exitCodeForReport } from './exit.js';
import type { CliIO } from './io.js';
import type { CommonFlags } from './options.js';
import { writeFileAtomic } from './outputs.js';

/**
 * The end of doctor and lint: the settings, redaction and baseline (finishReport), every output
 * the settings ask for, and the exit code for the report.
 */
export async function publishReport(
  built: Report,
  settings: Settings,
  flags: CommonFlags,
  io: CliIO,
  rules: readonly { meta: RuleMeta }[],
  annotations?: AnnotationIndex,
): Promise<number> {
  const report = await finishReport(built, settings, flags, io, annotations);
  await emitReport(
    report,
    flags,
    io,
    settings,
    rules.map((r) => r.meta),
  );
  return exitCodeForReport(report, settings.failOn.value);
}

/** The report as the CLI emits it: settings applied to the unredacted report, then redacted. */
export async function finishReport(
  report: Report,
  settings: Settings,
  flags: Pick<CommonFlags, 'baseline' | 'writeBaseline' | 'showPii'>,
  io: CliIO,
  annotations?: AnnotationIndex,
): Promise<Report> {
  const context: ApplyContext = {
    coversOwnedRuns: ruleCoversOwnedRuns,
    today: io.now(),
  };
  if (annotations) context.annotations = annotations;
  if (flags.baseline !== undefined) context.baseline = await readBaseline(flags.baseline);
  // Settings first, on the real subjects and file names; then the report is masked, before anything
  // (the baseline file included) is written from it.
  const out = redactReport(applySettings(report, settings, context), { showPii: flags.showPii === true });
  for (const i of out.ineffectiveSuppressions ?? []) {
    const why = i.problem === 'expired' ? `expired${i.expires ? ` on ${i.expires}` : ''}` : 'has no reason';
    io.stderr.write(
      `storyctl: warning: ${inertText(i.source)}: the suppression of ${i.ruleId} ${why}; it does not apply\n`,
    );
  }
  if (flags.writeBaseline !== undefined) {
    await writeFileAtomic(flags.writeBaseline, `${JSON.stringify(baselineOf(out, io.now()), null, 2)}\n`);
  }
  return out;
}

async function readBaseline(file: string): Promise<Baseline> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException | undefined)?.code;
    const why = code === 'ENOENT' ? 'no such file (write one with --write-baseline)' : String(error);
    throw new StoryctlError('input', `cannot read the baseline: ${why}`, { file });
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new StoryctlError(
      'input',
      `not a baseline: ${error instanceof Error ? error.message : String(error)}`,
      {
        file,
      },
    );
  }
  const b = data as Partial<Baseline> | null;
  const valid =
    b !== null &&
    typeof b === 'object' &&
    b.apiVersion === 'storyctl/v1' &&
    b.kind === 'Baseline' &&
    Array.isArray(b.findings) &&
    b.findings.every(
      (e) =>
        typeof e === 'object' &&
        e !== null &&
        typeof e.fingerprint === 'string' &&
        typeof e.ruleId === 'string' &&
        Number.isInteger(e.count) &&
        e.count > 0,
    );
  if (!valid)
    throw new StoryctlError(
      'input',
      'not a baseline: expected {"apiVersion": "storyctl/v1", "kind": "Baseline", "findings": [...]} as --write-baseline writes it',
      { file },
    );
  return b as Baseline;
}
