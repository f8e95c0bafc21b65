// Redaction applied to everything a report says before any reporter sees it (buildReport calls it,
// so no output can skip it), and to what the watch TUI and the plan diff show. Personal data
// (values of `lk.pii.*` keys, participant identities, phone numbers, e-mail addresses) is masked
// unless the user asks for it; secrets (tokens, API keys and secrets, passwords, credentials in
// URLs, private keys) are masked always: `--show-pii` never unmasks them.
//
// A value found under a personal or secret key is also masked wherever else it appears: in a
// message, a subject's name (an agent's hostname, a job id), a file name, a not-evaluated reason.

export const MASK = '[redacted]';

export interface RedactOptions {
  showPii: boolean;
}

const SECRET_KEY =
  /(authorization|api[-_]?key|api[-_]?secret|secret|token|password|passwd|credential|private[-_]?key|[-_]key$)/i;
const PII_KEY =
  /^(lk\.pii\..*|participant|participantIdentity|participant_identity|identity|callerIdentity|caller_identity|phoneNumber|phone_number|email)$/;

/** Names whose value is a secret in `NAME=value` / `"name": "value"` text. */
const SECRET_NAME = [
  'api[-_]?key',
  'api[-_]?secret',
  'client[-_]?secret',
  'secret[-_]?access[-_]?key',
  'access[-_]?token',
  'refresh[-_]?token',
  'auth[-_]?token',
  'private[-_]?key',
  'secret',
  'token',
  'password',
  'passwd',
].join('|');

const SECRET_PATTERNS: [RegExp, string][] = [
  // PEM private keys, whole.
  [/-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?(?:-----END [A-Z ]*PRIVATE KEY-----|$)/g, MASK],
  [/\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{8,}/g, `$1 ${MASK}`],
  [/\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}/g, MASK],
  // GitHub tokens (classic and fine-grained), Slack tokens, AWS access key IDs.
  [/\b(?:ghp|gho|ghu|ghs|ghr)_[A-Za-z0-9]{30,}\b/g, MASK],
  [/\bgithub_pat_[A-Za-z0-9_]{30,}\b/g, MASK],
  [/\bxox[abprs]-[A-Za-z0-9-]{10,}/g, MASK],
  [/\bxapp-[A-Za-z0-9-]{10,}/g, MASK],
  [/\b(?:AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16}\b/g, MASK],
  // Credentials in a URL: `scheme://user:password@host`.
  [/\b([a-z][a-z0-9+.-]*:\/\/[^\s/:@]+:)[^\s/@]+@/gi, `$1${MASK}@`],
  // `LIVEKIT_API_SECRET=…`, `DEEPGRAM_KEY: …`, `"apiKey": "…"`, `password=…`: the name may carry
  // a prefix of words joined by `_ . -`; a bare `key` only with such a prefix (`key=value` is not a secret).
  [
    new RegExp(
      `\\b((?:[A-Za-z0-9]+[_.-])*(?:${SECRET_NAME})|(?:[A-Za-z0-9]+[_.-])+key)(["']?\\s*[:=]\\s*["']?)[^\\s"',;&]{4,}`,
      'gi',
    ),
    `$1$2${MASK}`,
  ],
  // LiveKit API keys look like `APIxxxxxxxxxxxx`.
  [/\bAPI[A-Za-z0-9]{9,}\b/g, MASK],
];

const PII_PATTERNS: [RegExp, string][] = [
  [/(participant disconnected from caller room: )(.+?)(, closing)/g, `$1${MASK}$3`],
  [/("lk\.pii\.[^"]+"\s*:\s*)"(?:[^"\\]|\\.)*"/g, `$1"${MASK}"`],
  // E.164 phone numbers (SIP callers: `sip_+15551234567`) and e-mail addresses.
  [/(?<![0-9+])\+[1-9][0-9]{9,14}(?![0-9])/g, MASK],
  [/\b[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}\b/g, MASK],
];

/** Values shorter than this are not searched for elsewhere: a two-letter value is everywhere. */
const MIN_KNOWN_LENGTH = 4;
const TOKEN = /[^\s/,;:()"'=<>[\]{}]+/g;
const TOKEN_DELIMITER = /[\s/,;:()"'=<>[\]{}]/;

export interface Redactor {
  string(text: string): string;
  value(value: unknown, key?: string): unknown;
}

/**
 * A redactor for `options`, also masking, wherever they appear, the values that `samples` (evidence
 * objects) hold under personal or secret keys.
 */
export function createRedactor(options: RedactOptions, samples: readonly unknown[] = []): Redactor {
  const known = new Set<string>();
  for (const s of samples) collectKnown(s, options, known, undefined, 0);
  // Most values are one token (`sip_+15551234567`, a hostname): a Set lookup per token of the text
  // keeps this linear however many there are. The few holding a delimiter are searched for whole.
  const spaced = [...known].filter((k) => TOKEN_DELIMITER.test(k)).sort((a, b) => b.length - a.length);
  const maskKnown = (text: string): string => {
    let out = text.replace(TOKEN, (token) => {
      if (known.has(token)) return MASK;
      // `caller-7731.log`, `caller-7731.`: the value is one of the token's dot-separated parts.
      if (!token.includes('.')) return token;
      return token
        .split('.')
        .map((part) => (known.has(part) ? MASK : part))
        .join('.');
    });
    for (const k of spaced) if (out.includes(k)) out = out.split(k).join(MASK);
    return out;
  };
  const string = (text: string): string => {
    let out = known.size > 0 ? maskKnown(text) : text;
    for (const [re, by] of SECRET_PATTERNS) out = out.replace(re, by);
    if (!options.showPii) for (const [re, by] of PII_PATTERNS) out = out.replace(re, by);
    return out;
  };
  const value = (v: unknown, key?: string): unknown => {
    if (key !== undefined && masksKey(key, v, options)) return MASK;
    if (typeof v === 'string') return string(v);
    if (Array.isArray(v)) return v.map((x) => value(x));
    if (v !== null && typeof v === 'object') {
      const out: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(v as Record<string, unknown>)) out[k] = value(x, k);
      return out;
    }
    return v;
  };
  return { string, value };
}

function masksKey(key: string, value: unknown, options: RedactOptions): boolean {
  if (value === null || value === undefined || typeof value === 'object') return false;
  if (SECRET_KEY.test(key) && value !== '') return true;
  return !options.showPii && PII_KEY.test(key);
}

function collectKnown(
  value: unknown,
  options: RedactOptions,
  into: Set<string>,
  key: string | undefined,
  depth: number,
): void {
  if (depth > 20) return;
  if (key !== undefined && masksKey(key, value, options)) {
    const text = String(value);
    if (text.length >= MIN_KNOWN_LENGTH && text !== MASK) into.add(text);
    return;
  }
  if (Array.isArray(value)) for (const x of value) collectKnown(x, options, into, undefined, depth + 1);
  else if (value !== null && typeof value === 'object')
    for (const [k, x] of Object.entries(value as Record<string, unknown>))
      collectKnown(x, options, into, k, depth + 1);
}

export function redactString(text: string, options: RedactOptions): string {
  return createRedactor(options).string(text);
}

export function redactValue(value: unknown, options: RedactOptions, key?: string): unknown {
  return createRedactor(options).value(value, key);
}

interface RedactableSubject {
  kind: string;
  namespace?: string;
  name: string;
}

interface Redactable {
  message: string;
  evidence: Record<string, unknown>;
  fix?: string;
  subject?: RedactableSubject;
  location?: { file: string; line: number };
}

/**
 * Message, evidence, fix, subject and location of every finding, masked by one redactor that also
 * knows the personal and secret values of all the findings' evidence. The fingerprint is left as
 * the rule computed it (from the unmasked subject), so baselines match whatever is masked.
 */
export function redactFindings<F extends Redactable>(
  findings: readonly F[],
  options: RedactOptions,
  redactor: Redactor = createRedactor(
    options,
    findings.map((f) => f.evidence),
  ),
): F[] {
  return findings.map((f) => {
    const out: F = {
      ...f,
      message: redactor.string(f.message),
      evidence: redactor.value(f.evidence) as Record<string, unknown>,
    };
    if (f.fix !== undefined) out.fix = redactor.string(f.fix);
    if (f.subject !== undefined) out.subject = redactSubject(f.subject, redactor);
    if (f.location !== undefined) out.location = { ...f.location, file: redactor.string(f.location.file) };
    return out;
  });
}

/** Reason and subject of each not-evaluated entry. */
export function redactNotEvaluated<N extends { reason: string; subject?: RedactableSubject }>(
  entries: readonly N[],
  redactor: Redactor,
): N[] {
  return entries.map((n) => {
    const out: N = { ...n, reason: redactor.string(n.reason) };
    if (n.subject !== undefined) out.subject = redactSubject(n.subject, redactor);
    return out;
  });
}

function redactSubject<S extends RedactableSubject>(s: S, redactor: Redactor): S {
  const out: S = { ...s, name: redactor.string(s.name) };
  if (s.namespace !== undefined) out.namespace = redactor.string(s.namespace);
  return out;
}
