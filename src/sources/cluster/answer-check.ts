// Whether a 2xx answer is what the request asked for. A proxy's login page, a Status, an empty or
// truncated body, or a list of another kind would otherwise be read as "nothing there" (client-node
// hands a text/html body back as a string, whose `items` is undefined: zero StepRuns, a hidden
// finding). The expectation comes from the request itself: its method and its API path.
import { RESOURCES } from './resources.js';

export interface Answer {
  method: string;
  url: string;
  contentType: string | undefined;
  body: string;
}

interface Target {
  /** `v1` for the core group, else `group/version`. */
  apiVersion: string;
  plural: string;
  /** Undefined for a collection. */
  name: string | undefined;
  subresource: string | undefined;
}

/** Kinds storyctl reads, by API version and plural; other resources are checked for shape only. */
const KINDS = new Map<string, string>([
  ...Object.values(RESOURCES).map((r): [string, string] => [`${r.group}/${r.version} ${r.plural}`, r.kind]),
  ['v1 namespaces', 'Namespace'],
]);

/** What is wrong with a 2xx answer, as a phrase ("an HTML page (text/html, 812 bytes: …)"); undefined when nothing is. */
export function answerProblem(answer: Answer): string | undefined {
  const size = `${Buffer.byteLength(answer.body)} bytes`;
  if (answer.body.trim() === '') return 'an empty body';
  const type = (answer.contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  if (!type.includes('json')) {
    const what = type === 'text/html' ? 'an HTML page' : 'a body';
    return `${what} (${type || 'no content type'}, ${size}: ${excerpt(answer.body)}) instead of JSON`;
  }
  let value: unknown;
  try {
    value = JSON.parse(answer.body) as unknown;
  } catch {
    return `a body that is not valid JSON (${size}, truncated? it ends ${excerpt(answer.body.slice(-40))})`;
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    return `a JSON ${value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value} instead of an object`;
  const object = value as {
    kind?: unknown;
    apiVersion?: unknown;
    items?: unknown;
    status?: unknown;
    message?: unknown;
  };
  const kind = typeof object.kind === 'string' ? object.kind : undefined;

  if (kind === 'Status') {
    // A successful delete may answer with a Status; anything else carrying one is an error in disguise.
    if (answer.method === 'DELETE' && object.status === 'Success') return undefined;
    const why = typeof object.message === 'string' && object.message !== '' ? `: ${object.message}` : '';
    return `a Status (${typeof object.status === 'string' ? object.status : 'no status'}${why}) instead of the object asked for`;
  }
  const target = parseTarget(answer.url);
  if (!target) return undefined;
  const known = KINDS.get(`${target.apiVersion} ${target.plural}`);
  const isList = answer.method === 'GET' && target.name === undefined;
  const scaleOrOther = target.subresource !== undefined && target.subresource !== 'status';
  if (scaleOrOther) return undefined;
  const expected = known === undefined ? undefined : isList ? `${known}List` : known;
  const what = expected ?? (isList ? 'a list' : 'the object');

  if (isList) {
    if (kind === undefined || !kind.endsWith('List') || (expected !== undefined && kind !== expected))
      return `${kind === undefined ? 'an object without a kind' : `a ${kind}`} instead of ${expected ? `a ${expected}` : 'a list'}`;
    if (!Array.isArray(object.items)) return `a ${kind} without an items array`;
  } else if (expected !== undefined && kind !== undefined && kind !== expected) {
    return `a ${kind} instead of a ${what}`;
  }
  if (typeof object.apiVersion === 'string' && kind !== undefined && object.apiVersion !== target.apiVersion)
    return `a ${kind} of ${object.apiVersion} instead of ${target.apiVersion}`;
  return undefined;
}

/** `/apis/g/v/namespaces/ns/plural/name/sub` or `/api/v1/...`, without the server's own path prefix. */
function parseTarget(url: string): Target | undefined {
  let path: string;
  try {
    path = new URL(url).pathname;
  } catch {
    return undefined;
  }
  const parts = path
    .split('/')
    .filter((p) => p !== '')
    .map(decodeURIComponent);
  const core = parts.lastIndexOf('api');
  const grouped = parts.lastIndexOf('apis');
  let apiVersion: string;
  let rest: string[];
  if (grouped >= 0 && grouped > core && parts.length >= grouped + 3) {
    apiVersion = `${parts[grouped + 1]}/${parts[grouped + 2]}`;
    rest = parts.slice(grouped + 3);
  } else if (core >= 0 && parts.length >= core + 2) {
    apiVersion = parts[core + 1] ?? '';
    rest = parts.slice(core + 2);
  } else return undefined;
  // namespaces/<ns>/<plural>/… is a namespaced resource; `namespaces` alone or with a name is the core kind.
  if (rest[0] === 'namespaces' && rest.length >= 3) rest = rest.slice(2);
  const [plural, name, subresource] = rest;
  if (plural === undefined) return undefined;
  return { apiVersion, plural, name, subresource };
}

function excerpt(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return JSON.stringify(flat.length > 60 ? `${flat.slice(0, 60)}…` : flat);
}
