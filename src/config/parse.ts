// Text of a config file → validated data, or one error naming file:line and the key for every
// problem: YAML syntax, schema (a typo'd key is an error, not ignored), and what a schema cannot
// say (a duration, a time zone, a regex, an expiry date). Pure: the caller reads the file.
import type { ErrorObject } from 'ajv';
import { isMap, isNode, isScalar, LineCounter, parseAllDocuments, type Document } from 'yaml';
import { StoryctlError } from '../model/errors.js';
import { compilePattern } from './patterns.js';
import { validateConfigData } from './schema.js';
import type { ConfigFile, LoadedConfig } from './types.js';
import { expiryTime, isTimeZone, parseDurationSetting } from './values.js';

type Path = readonly (string | number)[];

interface Problem {
  line: number;
  key: string;
  message: string;
}

export function parseConfigText(text: string, file: string): LoadedConfig {
  const lineCounter = new LineCounter();
  const docs = parseAllDocuments(text, { lineCounter, prettyErrors: false });
  const lineAt = (offset: number): number => lineCounter.linePos(offset).line;
  if ('empty' in docs || docs.length === 0) {
    throw configError(file, [{ line: 1, key: '', message: emptyMessage }]);
  }
  const doc = docs[0] as Document.Parsed;
  const syntax = [...doc.errors, ...docs.slice(1).flatMap((d) => d.errors)];
  const first = syntax[0];
  if (first)
    throw configError(file, [{ line: lineAt(first.pos[0]), key: '', message: firstLine(first.message) }]);
  if (docs.length > 1) {
    const second = docs[1] as Document.Parsed;
    throw configError(file, [
      { line: lineAt(second.range[0]), key: '', message: 'one YAML document expected, found several' },
    ]);
  }
  const data: unknown = doc.toJS({ maxAliasCount: 100 });
  if (data === null || data === undefined)
    throw configError(file, [{ line: 1, key: '', message: emptyMessage }]);

  const lineOf = (path: Path): number => {
    const node: unknown = path.length === 0 ? doc.contents : doc.getIn(path, true);
    return isNode(node) && node.range ? lineAt(node.range[0]) : lineOf(path.slice(0, -1));
  };
  const keyLine = (path: Path, key: string): number => {
    const parent: unknown = path.length === 0 ? doc.contents : doc.getIn(path, true);
    if (isMap(parent)) {
      for (const pair of parent.items) {
        if (isScalar(pair.key) && String(pair.key.value) === key && pair.key.range)
          return lineAt(pair.key.range[0]);
      }
    }
    return lineOf(path);
  };

  const schemaProblems = validateConfigData(data).flatMap((e) => describeSchemaError(e, lineOf, keyLine));
  if (schemaProblems.length > 0) throw configError(file, schemaProblems);
  const config = data as ConfigFile;
  const valueProblems = checkValues(config, lineOf);
  if (valueProblems.length > 0) throw configError(file, valueProblems);
  return { file, config, lineOf: (path) => lineOf(path) };
}

const emptyMessage = `empty config file: it needs at least "apiVersion: storyctl/v1" and "kind: Config"`;

function pathOf(pointer: string): (string | number)[] {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((p) => (/^\d+$/.test(p) ? Number(p) : p));
}

export function keyName(path: Path): string {
  return path.reduce<string>(
    (s, p) => (typeof p === 'number' ? `${s}[${p}]` : s === '' ? p : `${s}.${p}`),
    '',
  );
}

/** What a value of a definition must look like, for the oneOf that ajv words as "must match exactly one schema". */
const EXPECTED: Readonly<Record<string, string>> = {
  duration: 'a duration such as 30s, 2m or 1m30s, or a positive number of seconds',
  ruleSetting: 'off, on, error, warning or info',
};

function describeSchemaError(
  e: ErrorObject,
  lineOf: (path: Path) => number,
  keyLine: (path: Path, key: string) => number,
): Problem[] {
  // A oneOf's branches each fail too; the oneOf itself says it better.
  if (/\/oneOf\/\d+\//.test(e.schemaPath)) return [];
  const path = pathOf(e.instancePath);
  const params = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'additionalProperties': {
      const key = String(params['additionalProperty']);
      const allowed = Object.keys((e.parentSchema?.['properties'] as object | undefined) ?? {});
      const message =
        path.length === 1 && path[0] === 'rules'
          ? 'unknown rule (storyctl rules lists them)'
          : `unknown key${allowed.length > 0 ? ` (expected one of: ${allowed.join(', ')})` : ''}`;
      return [{ line: keyLine(path, key), key: keyName([...path, key]), message }];
    }
    case 'required':
      return [
        {
          line: lineOf(path),
          key: keyName(path),
          message: `missing required key "${String(params['missingProperty'])}"`,
        },
      ];
    case 'enum':
      return [
        {
          line: lineOf(path),
          key: keyName(path),
          message: `must be one of: ${((params['allowedValues'] as unknown[]) ?? []).join(', ')}`,
        },
      ];
    case 'const':
      return [
        {
          line: lineOf(path),
          key: keyName(path),
          message: `must be ${JSON.stringify(params['allowedValue'])}`,
        },
      ];
    case 'oneOf': {
      const def = /#\/definitions\/(\w+)\/oneOf$/.exec(e.schemaPath)?.[1];
      const expected = def ? EXPECTED[def] : undefined;
      return [
        {
          line: lineOf(path),
          key: keyName(path),
          message: `must be ${expected ?? 'one of the forms the schema allows'}`,
        },
      ];
    }
    default:
      return [{ line: lineOf(path), key: keyName(path), message: e.message ?? e.keyword }];
  }
}

/** What the schema cannot check: values that must parse. */
function checkValues(config: ConfigFile, lineOf: (path: Path) => number): Problem[] {
  const problems: Problem[] = [];
  const bad = (path: Path, message: string): void => {
    problems.push({ line: lineOf(path), key: keyName(path), message });
  };
  for (const [key, value] of Object.entries(config.thresholds ?? {})) {
    if (typeof value === 'string' && parseDurationSetting(value) === undefined)
      bad(['thresholds', key], `must be ${EXPECTED['duration']}, got "${value}"`);
  }
  if (config.logTimezone !== undefined && !isTimeZone(config.logTimezone))
    bad(
      ['logTimezone'],
      `unknown time zone "${config.logTimezone}" (an IANA name such as Europe/Berlin, or UTC)`,
    );
  const patternFields = ['namespace', 'name', 'kind', 'file', 'subject'] as const;
  const checkPatterns = (list: readonly object[] | undefined, section: string): void => {
    (list ?? []).forEach((entry, i) => {
      for (const field of patternFields) {
        const text = (entry as Record<string, unknown>)[field];
        if (typeof text !== 'string') continue;
        try {
          compilePattern(text);
        } catch (error) {
          bad([section, i, field], error instanceof Error ? error.message : String(error));
        }
      }
    });
  };
  checkPatterns(config.exclude, 'exclude');
  checkPatterns(config.suppressions, 'suppressions');
  (config.suppressions ?? []).forEach((s, i) => {
    if (s.expires !== undefined && expiryTime(s.expires) === undefined)
      bad(['suppressions', i, 'expires'], `not a date (YYYY-MM-DD) or RFC3339 time: "${s.expires}"`);
  });
  const stdout = (config.outputs ?? []).filter((o) => o.file === undefined);
  if (stdout.length > 1)
    bad(
      ['outputs'],
      `only one output can go to stdout (${stdout.map((o) => o.format).join(', ')}): give the others a file`,
    );
  return problems;
}

function configError(file: string, problems: Problem[]): StoryctlError {
  const sorted = [...problems].sort((a, b) => a.line - b.line);
  const text = (p: Problem): string => `${p.key ? `${p.key}: ` : ''}${p.message}`;
  const [head, ...rest] = sorted as [Problem, ...Problem[]];
  const more = rest.map((p) => `\n${file}:${p.line}: ${text(p)}`).join('');
  return new StoryctlError('config', `${text(head)}${more}`, { file, line: head.line });
}

function firstLine(text: string): string {
  const line = text.split('\n', 1)[0] ?? text;
  return line.replace(/ at line \d+, column \d+:?$/, '').trim();
}
