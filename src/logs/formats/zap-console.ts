// The Bobrapet controller with `--zap-devel`: controller-runtime's console encoder (development
// config, RFC3339 time), `<ts>\t<LEVEL>\t[<logger>\t]<msg>[\t{fields as JSON}]`, then, from Warn up,
// the stack trace on the lines that follow (`pkg.(*T).Method` and a tab-indented `file.go:N`).
import { normalizeLevel } from '../../model/log-event.js';
import type { Continuation, TextFormat } from './types.js';
import { jsonRecord } from './json-record.js';

const HEAD = /^(\d{4}-\d{2}-\d{2}T[^\t ]+|\d+(?:\.\d+)?(?:e[+-]?\d+)?)\t([A-Za-z]+(?:\(-?\d+\))?)\t/;
/** A Go frame's function line: one token with a package path and a dot. */
const GO_FRAME = /^[A-Za-z_][\w.-]*(?:\/[\w.~-]+)*\.[^\s]+$/;

const stackTrace: Continuation = {
  opens: (head) => HEAD.test(head),
  continues: (line) => {
    const c = line.charCodeAt(0);
    return c === 9 || (((c >= 65 && c <= 90) || (c >= 97 && c <= 122)) && GO_FRAME.test(line));
  },
};

export const zapConsole: TextFormat = {
  name: 'zap-console',
  family: 'bobrapet',
  syntax: 'text',
  dates: 'full',
  continuation: stackTrace,
  startsWith: (c) => c >= 48 && c <= 57,
  parse(lines) {
    const first = lines[0] ?? '';
    const m = HEAD.exec(first);
    if (!m) return undefined;
    const rest = first.slice(m[0].length).split('\t');
    let fields: Record<string, unknown> = {};
    const last = rest.at(-1);
    if (rest.length > 1 && last?.startsWith('{') === true) {
      try {
        const o: unknown = JSON.parse(last);
        if (typeof o === 'object' && o !== null && !Array.isArray(o)) {
          fields = o as Record<string, unknown>;
          rest.pop();
        }
      } catch {
        // a message that happens to end in a brace
      }
    }
    // An unnamed logger (controller-runtime's own `Reconciler error`) leaves the logger column out.
    if (rest.length >= 2) fields.logger = rest.shift();
    const ts = /^\d/.test(m[1] as string) && !(m[1] as string).includes('-') ? Number(m[1]) : m[1];
    const rec = jsonRecord(m[2], rest.join('\t'), ts, fields);
    rec.level = normalizeLevel(m[2]);
    return rec;
  },
};
