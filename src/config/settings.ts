// The effective settings of one run: flags over the config file over the defaults, each value with
// where it came from (for `storyctl config view`). Pure: the CLI passes the flags it was given and
// the loaded file; the commands call this once (cli/settings.ts) and use what it returns.
import { DEFAULT_STOP_BUDGET_SECONDS, STUCK_DELETION_SECONDS } from '../contract/budget.js';
import { OPERATOR_DEFAULT_GRACEFUL_SHUTDOWN_SECONDS } from '../contract/cancel-window.js';
import type { Finding, Severity, Subject } from '../model/report.js';
import type { ConfigSuppression } from '../model/suppress.js';
import { DEFAULT_FORCED_CLOSE_WINDOW_SECONDS } from '../rules/logs/lk101-close-hung-in-drain.js';
import { expiryTime, parseDurationSetting } from './values.js';
import { compilePattern, type Matcher } from './patterns.js';
import type { FailOnSetting, LoadedConfig, OutputSetting, ThresholdKey } from './types.js';

export type Origin =
  { kind: 'flag'; flag: string } | { kind: 'config'; file: string; line: number } | { kind: 'default' };

export interface Sourced<T> {
  value: T;
  from: Origin;
}

/** Flags the user gave on the command line (never a commander default). */
export interface GivenFlags {
  failOn?: FailOnSetting;
  outputs?: OutputSetting[];
  stopBudget?: number;
  operatorGracefulTimeout?: number;
  logTimezone?: string;
  skipRule?: string[];
  /** `--no-suppressions`: audit mode. */
  noSuppressions?: boolean;
}

export interface RuleOverride {
  enabled?: Sourced<boolean>;
  severity?: Sourced<Severity>;
}

export interface ExcludeEntry {
  /** Only these rules; all rules when absent. */
  rules?: ReadonlySet<string>;
  matches(subject: Subject | undefined, file: string | undefined): boolean;
  from: Origin;
  /** The entry as written, for `config view`. */
  text: string;
}

export interface Settings {
  configFile: string | undefined;
  failOn: Sourced<FailOnSetting>;
  outputs: Sourced<OutputSetting[]>;
  thresholds: Record<ThresholdKey, Sourced<number>>;
  logTimezone: Sourced<string>;
  rules: ReadonlyMap<string, RuleOverride>;
  exclude: ExcludeEntry[];
  suppressions: ConfigSuppression[];
  useSuppressions: Sourced<boolean>;
}

export const DEFAULT_THRESHOLDS: Readonly<Record<ThresholdKey, number>> = {
  stopBudget: DEFAULT_STOP_BUDGET_SECONDS,
  operatorGracefulTimeout: OPERATOR_DEFAULT_GRACEFUL_SHUTDOWN_SECONDS,
  forcedCloseWindow: DEFAULT_FORCED_CLOSE_WINDOW_SECONDS,
  stuckFinalizerAge: STUCK_DELETION_SECONDS,
  stuckCleanupAge: STUCK_DELETION_SECONDS,
};

/** The flag that sets a threshold, where there is one. */
export const THRESHOLD_FLAGS: Readonly<Partial<Record<ThresholdKey, string>>> = {
  stopBudget: '--stop-budget',
  operatorGracefulTimeout: '--operator-graceful-timeout',
};

export const DEFAULT_OUTPUTS: readonly OutputSetting[] = [{ format: 'table' }];
export const DEFAULT_LOG_TIMEZONE = 'UTC';

export function mergeSettings(given: GivenFlags, loaded: LoadedConfig | undefined): Settings {
  const config = loaded?.config;
  const at = (path: (string | number)[]): Origin =>
    loaded ? { kind: 'config', file: loaded.file, line: loaded.lineOf(path) } : { kind: 'default' };
  const pick = <T>(
    flag: T | undefined,
    flagName: string,
    file: T | undefined,
    path: string[],
    fallback: T,
  ): Sourced<T> => {
    if (flag !== undefined) return { value: flag, from: { kind: 'flag', flag: flagName } };
    if (file !== undefined) return { value: file, from: at(path) };
    return { value: fallback, from: { kind: 'default' } };
  };

  const thresholds = {} as Record<ThresholdKey, Sourced<number>>;
  for (const key of Object.keys(DEFAULT_THRESHOLDS) as ThresholdKey[]) {
    const written = config?.thresholds?.[key];
    const fromFile = written === undefined ? undefined : parseDurationSetting(written);
    const flag =
      key === 'stopBudget'
        ? given.stopBudget
        : key === 'operatorGracefulTimeout'
          ? given.operatorGracefulTimeout
          : undefined;
    thresholds[key] = pick(
      flag,
      THRESHOLD_FLAGS[key] ?? '',
      fromFile,
      ['thresholds', key],
      DEFAULT_THRESHOLDS[key],
    );
  }

  const rules = new Map<string, RuleOverride>();
  for (const [id, setting] of Object.entries(config?.rules ?? {})) {
    const from = at(['rules', id]);
    const o: RuleOverride = {};
    if (setting === 'off' || setting === false) o.enabled = { value: false, from };
    else if (setting === 'on' || setting === true) o.enabled = { value: true, from };
    else {
      o.enabled = { value: true, from };
      o.severity = { value: setting, from };
    }
    rules.set(id, o);
  }
  for (const id of given.skipRule ?? []) {
    const o = rules.get(id) ?? {};
    o.enabled = { value: false, from: { kind: 'flag', flag: '--skip-rule' } };
    rules.set(id, o);
  }

  const exclude: ExcludeEntry[] = (config?.exclude ?? []).map((e, i) => {
    const fields: [keyof Subject | 'file', Matcher][] = [];
    for (const field of ['namespace', 'name', 'kind', 'file'] as const) {
      const text = e[field];
      if (text !== undefined) fields.push([field, compilePattern(text)]);
    }
    const entry: ExcludeEntry = {
      matches: (subject, file) =>
        fields.every(([field, match]) => {
          const value = field === 'file' ? file : subject?.[field];
          return value !== undefined && match(value);
        }),
      from: at(['exclude', i]),
      text: JSON.stringify(e),
    };
    if (e.rules) entry.rules = new Set(e.rules);
    return entry;
  });

  const suppressions: ConfigSuppression[] = (config?.suppressions ?? []).map((s, i) => {
    const tests: ((f: Finding) => boolean)[] = [];
    const on = (text: string | undefined, value: (f: Finding) => string | undefined): void => {
      if (text === undefined) return;
      const match = compilePattern(text);
      tests.push((f) => {
        const v = value(f);
        return v !== undefined && match(v);
      });
    };
    on(s.namespace, (f) => f.subject?.namespace);
    on(s.name, (f) => f.subject?.name);
    on(s.file, (f) => f.location?.file);
    on(s.subject, (f) => (f.subject ? subjectPath(f.subject) : undefined));
    const origin = at(['suppressions', i]);
    const c: ConfigSuppression = {
      ruleId: s.rule,
      matches: (f) => tests.every((t) => t(f)),
      reason: s.reason.trim(),
      source: origin.kind === 'config' ? `${origin.file}:${origin.line}` : 'config',
    };
    if (s.expires !== undefined) {
      c.expires = s.expires;
      const t = expiryTime(s.expires);
      if (t !== undefined) c.expiresAt = t;
    }
    return c;
  });

  return {
    configFile: loaded?.file,
    failOn: pick(given.failOn, '--fail-on', config?.failOn, ['failOn'], 'error'),
    outputs: pick(given.outputs, '-o/--output-file', config?.outputs, ['outputs'], [...DEFAULT_OUTPUTS]),
    thresholds,
    logTimezone: pick(
      given.logTimezone,
      '--log-timezone',
      config?.logTimezone,
      ['logTimezone'],
      DEFAULT_LOG_TIMEZONE,
    ),
    rules,
    exclude,
    suppressions,
    useSuppressions:
      given.noSuppressions === true
        ? { value: false, from: { kind: 'flag', flag: '--no-suppressions' } }
        : { value: true, from: { kind: 'default' } },
  };
}

/** `Kind/namespace/name` (`Kind/name` without a namespace): what a suppression's `subject` matches. */
export function subjectPath(s: Subject): string {
  return s.namespace ? `${s.kind}/${s.namespace}/${s.name}` : `${s.kind}/${s.name}`;
}

export function describeOrigin(o: Origin): string {
  switch (o.kind) {
    case 'flag':
      return `flag ${o.flag}`;
    case 'config':
      return `${o.file}:${o.line}`;
    case 'default':
      return 'default';
  }
}
