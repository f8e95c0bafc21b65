// Collector prefixes (LOG-FORMATS.md intro): `kubectl logs --timestamps`, `stern` `pod container `,
// and the CRI file format `<ts> stdout|stderr F|P `. They can stack (stern --timestamps), so strip
// up to three in any order.

export interface Stripped {
  content: string;
  /** The collector's own timestamp, epoch ms: the only date a pino-pretty line has. */
  prefixTime?: number;
  /** CRI `P`: this piece continues in the next record. */
  partial?: boolean;
}

const CRI =
  /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})) (?:stdout|stderr) ([FP]) ?/;
const KUBECTL_TS = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})) /;
// Kubernetes names are lowercase DNS labels; no format storyctl reads starts with one, so a line
// that does is a stern line (or garbage, which no parser will accept afterwards anyway).
// A date (`2026-05-14 08:16:04`) has no letter, which keeps Ductor and Python text lines intact.
const STERN = /^(?=[a-z0-9.-]*[a-z])[a-z0-9][a-z0-9.-]*(?: [a-z0-9][a-z0-9.-]*)? (?=[{[\d\s])/;

export function stripPrefixes(line: string): Stripped {
  let content = line;
  let prefixTime: number | undefined;
  let partial = false;
  for (let i = 0; i < 3; i++) {
    const c = content.charCodeAt(0);
    // Cheap gate: every prefix starts with a digit or a lowercase letter.
    if (!((c >= 48 && c <= 57) || (c >= 97 && c <= 122))) break;
    let m = CRI.exec(content);
    if (m) {
      prefixTime ??= Date.parse(m[1] as string);
      partial = m[2] === 'P';
      content = content.slice(m[0].length);
      continue;
    }
    m = KUBECTL_TS.exec(content);
    if (m) {
      prefixTime ??= Date.parse(m[1] as string);
      content = content.slice(m[0].length);
      continue;
    }
    m = STERN.exec(content);
    if (m) {
      content = content.slice(m[0].length);
      continue;
    }
    break;
  }
  const out: Stripped = { content };
  if (prefixTime !== undefined && !Number.isNaN(prefixTime)) out.prefixTime = prefixTime;
  if (partial) out.partial = true;
  return out;
}
