// Finding identity, in two strengths. The fingerprint is what baselines and code scanning match on
// across captures: rule, subject and, for log findings, the file — never a time or a line, so a
// later capture of the same incident (new timestamps, same subjects) gives the same fingerprints.
// The occurrence key tells apart the occurrences inside one run (two timed-out turns of one chat),
// and deduplicates the same occurrence seen twice (a log read in two places); it adds the rule's
// anchor (its first evidence time) and, for findings without a subject, the line.
import { createHash } from 'node:crypto';
import { subjectKey, type Location, type Subject } from './report.js';

function digest(parts: readonly string[]): string {
  return createHash('sha256').update(parts.join('\u0000')).digest('hex').slice(0, 32);
}

/** Stable across captures: rule + subject (+ file for log findings). */
export function fingerprint(ruleId: string, subject: Subject | undefined, file?: string): string {
  return digest([ruleId, subjectKey(subject), file ?? '']);
}

/** One occurrence within a run: rule + subject + anchor (+ file:line without a subject). */
export function occurrenceKey(
  ruleId: string,
  subject: Subject | undefined,
  anchor: string | undefined,
  location?: Location,
): string {
  return digest([
    ruleId,
    subjectKey(subject),
    anchor ?? '',
    subject ? '' : location ? `${location.file}:${location.line}` : '',
  ]);
}
