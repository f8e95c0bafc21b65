// Redaction applied to every finding before any reporter sees it (buildReport calls it, so no
// output can skip it). Personal data (values of
// `lk.pii.*` keys and participant identities) is masked unless the user asks for it; secrets
// (bearer tokens, API keys, JWTs, passwords) are masked always.

export const MASK = '[redacted]';

export interface RedactOptions {
  showPii: boolean;
}

const SECRET_KEY =
  /(authorization|api[-_]?key|api[-_]?secret|secret|token|password|passwd|credential|private[-_]?key)/i;
const PII_KEY =
  /^(lk\.pii\..*|participant|participantIdentity|participant_identity|identity|callerIdentity|caller_identity|phoneNumber|phone_number)$/;

const SECRET_PATTERNS: [RegExp, string][] = [
  [/\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{8,}/g, `$1 ${MASK}`],
  [/\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}/g, MASK],
  [
    /\b(api[-_]?key|api[-_]?secret|secret|token|password|access[-_]?token)(["']?\s*[:=]\s*["']?)[^\s"',;&]{4,}/gi,
    `$1$2${MASK}`,
  ],
  // LiveKit API keys look like `APIxxxxxxxxxxxx`.
  [/\bAPI[A-Za-z0-9]{9,}\b/g, MASK],
];

const PII_PATTERNS: [RegExp, string][] = [
  [/(participant disconnected from caller room: )(.+?)(, closing)/g, `$1${MASK}$3`],
  [/("lk\.pii\.[^"]+"\s*:\s*)"(?:[^"\\]|\\.)*"/g, `$1"${MASK}"`],
];

export function redactString(text: string, options: RedactOptions): string {
  let out = text;
  for (const [re, by] of SECRET_PATTERNS) out = out.replace(re, by);
  if (!options.showPii) for (const [re, by] of PII_PATTERNS) out = out.replace(re, by);
  return out;
}

export function redactValue(value: unknown, options: RedactOptions, key?: string): unknown {
  if (key !== undefined) {
    if (SECRET_KEY.test(key) && value !== null && typeof value !== 'object' && value !== '') return MASK;
    if (
      !options.showPii &&
      PII_KEY.test(key) &&
      value !== null &&
      value !== undefined &&
      typeof value !== 'object'
    )
      return MASK;
  }
  if (typeof value === 'string') return redactString(value, options);
  if (Array.isArray(value)) return value.map((v) => redactValue(v, options));
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>))
      out[k] = redactValue(v, options, k);
    return out;
  }
  return value;
}

/** Message, evidence and fix of every finding, as `redactValue` masks them. */
export function redactFindings<
  F extends { message: string; evidence: Record<string, unknown>; fix?: string },
>(findings: readonly F[], options: RedactOptions): F[] {
  return findings.map((f) => {
    const r = redactValue({ message: f.message, evidence: f.evidence, fix: f.fix }, options) as {
      message: string;
      evidence: Record<string, unknown>;
      fix?: string;
    };
    const out: F = { ...f, message: r.message, evidence: r.evidence };
    if (f.fix !== undefined && r.fix !== undefined) out.fix = r.fix;
    return out;
  });
}
