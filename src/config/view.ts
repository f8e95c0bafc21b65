// `storyctl config view`: the effective settings as YAML in the config file's own shape, each
// value commented with where it came from (a flag, file:line, or the default).
import { Document, isMap, isScalar, isSeq, type Node } from 'yaml';
import { formatGoDuration } from '../contract/duration.js';
import { describeOrigin, type Settings } from './settings.js';
import { CONFIG_API_VERSION, CONFIG_KIND, type LoadedConfig, type ThresholdKey } from './types.js';

type Path = (string | number)[];

export function renderSettings(settings: Settings, loaded: LoadedConfig | undefined): string {
  const thresholds: Record<string, string> = {};
  for (const [key, v] of Object.entries(settings.thresholds)) thresholds[key] = formatGoDuration(v.value);
  const rules: Record<string, string> = {};
  for (const [id, o] of [...settings.rules].sort(([a], [b]) => a.localeCompare(b))) {
    rules[id] = o.enabled?.value === false ? 'off' : (o.severity?.value ?? 'on');
  }
  const data: Record<string, unknown> = {
    apiVersion: CONFIG_API_VERSION,
    kind: CONFIG_KIND,
    failOn: settings.failOn.value,
    outputs: settings.outputs.value,
    thresholds,
    logTimezone: settings.logTimezone.value,
    rules,
    exclude: loaded?.config.exclude ?? [],
    suppressions: loaded?.config.suppressions ?? [],
  };
  const doc = new Document(data);
  const comments: [Path, string][] = [
    [['failOn'], describeOrigin(settings.failOn.from)],
    [['outputs'], describeOrigin(settings.outputs.from)],
    ...(Object.keys(settings.thresholds) as ThresholdKey[]).map((k): [Path, string] => [
      ['thresholds', k],
      describeOrigin(settings.thresholds[k].from),
    ]),
    [
      ['logTimezone'],
      `${describeOrigin(settings.logTimezone.from)}; accepted and checked, applied once the log readers take --log-timezone`,
    ],
    ...[...settings.rules].map(([id, o]): [Path, string] => [
      ['rules', id],
      describeOrigin((o.severity ?? o.enabled)?.from ?? { kind: 'default' }),
    ]),
    ...settings.exclude.map((e, i): [Path, string] => [['exclude', i], describeOrigin(e.from)]),
    ...settings.suppressions.map((s, i): [Path, string] => [
      ['suppressions', i],
      settings.useSuppressions.value ? s.source : `${s.source}; ignored: --no-suppressions`,
    ]),
  ];
  for (const [path, text] of comments) comment(doc, path, text);
  const header = [
    '# storyctl: the effective settings (flags over the config file over the defaults)',
    `# config file: ${loaded ? loaded.file : 'none'}${settings.useSuppressions.value ? '' : ' · --no-suppressions: no suppression applies'}`,
  ];
  return `${header.join('\n')}\n${doc.toString()}`;
}

/** A trailing comment on the value at `path` (on its key when the value is a collection). */
function comment(doc: Document, path: Path, text: string): void {
  const parentPath = path.slice(0, -1);
  const last = path[path.length - 1];
  const parent: unknown = parentPath.length === 0 ? doc.contents : doc.getIn(parentPath, true);
  const line = ` ${text}`;
  if (isMap(parent)) {
    const pair = parent.items.find((p) => isScalar(p.key) && p.key.value === last);
    if (!pair) return;
    const target = isScalar(pair.value) ? pair.value : (pair.key as Node);
    target.comment = line;
  } else if (isSeq(parent) && typeof last === 'number') {
    const item = parent.items[last];
    // A list entry's comment goes on its first value, so it reads on the entry's first line.
    if (isMap(item) && item.items[0] && isScalar(item.items[0].value)) item.items[0].value.comment = line;
    else if (isScalar(item)) item.comment = line;
  }
}
