// `storyctl finish -o json|yaml`: the FinishPlan document (the plan, and the results once run)
// masked as a report is (model/redact.ts): personal data unless --show-pii, secrets always. The
// plan holds what the cluster's objects said (old field values, findings' messages) and what the
// user typed (--reason), and a dry run's JSON is what gets pasted into a ticket.
import { stringify } from 'yaml';
import { createRedactor, type RedactOptions } from '../model/redact.js';

export type FinishDocumentFormat = 'json' | 'yaml';

export function renderFinishDocument(
  doc: Readonly<Record<string, unknown>>,
  format: FinishDocumentFormat,
  options: RedactOptions,
): string {
  // The document is its own sample: a value under an lk.pii.* or secret key is masked wherever
  // else it reappears (a message, a note, a field's old value).
  const masked = createRedactor(options, [doc]).value(doc);
  // No line folding in YAML: a name or a command must stay on one line to be copied.
  return format === 'json' ? `${JSON.stringify(masked, null, 2)}\n` : stringify(masked, { lineWidth: 0 });
}
