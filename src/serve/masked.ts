// What serve writes outside the process — Event notes in the cluster, JSON log lines — is masked as a
// report is: personal data and secrets a finding's message or subject may carry (serve has no
// --show-pii). The finding itself stays unmasked: repairs and Events' `regarding` need the real names.
import type { Finding } from '../model/report.js';
import { createRedactor } from '../model/redact.js';

export function maskedText(f: Finding, text: string): string {
  return createRedactor({ showPii: false }, [f.evidence]).string(text);
}
