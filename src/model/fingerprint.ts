// Stable finding identity (RULES.md "Joined evidence"): rule, subject and first evidence time, so
// the same problem seen live, in a snapshot or in logs deduplicates, and SARIF baselines match.
import { createHash } from 'node:crypto';
import { subjectKey, type Location, type Subject } from './report.js';

export function fingerprint(
  ruleId: string,
  subject: Subject | undefined,
  anchor: string | undefined,
  location?: Location,
): string {
  const parts = [
    ruleId,
    subjectKey(subject),
    anchor ?? '',
    subject ? '' : location ? `${location.file}:${location.line}` : '',
  ];
  return createHash('sha256').update(parts.join('\u0000')).digest('hex').slice(0, 32);
}
