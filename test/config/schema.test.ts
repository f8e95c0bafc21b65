// The published schema is the validator's schema; it must name every rule (editors complete
// them) and accept the starter file `config init` writes.
import { describe, expect, it } from 'vitest';
import { starterConfig } from '../../src/config/init.js';
import { parseConfigText } from '../../src/config/parse.js';
import { configSchema } from '../../src/config/schema.js';
import { DEFAULT_THRESHOLDS, mergeSettings } from '../../src/config/settings.js';
import { allRules } from '../../src/rules/index.js';

describe('schema/config.schema.json', () => {
  it('lists exactly the rules of the catalog, for rules and for suppressions', () => {
    const schema = configSchema() as {
      properties: { rules: { properties: Record<string, unknown> } };
      definitions: { ruleId: { enum: string[] } };
    };
    const ids = allRules.map((r) => r.meta.id).sort();
    expect(Object.keys(schema.properties.rules.properties).sort()).toEqual(ids);
    expect([...schema.definitions.ruleId.enum].sort()).toEqual(ids);
  });

  it('accepts the starter file, whose values are the defaults', () => {
    const loaded = parseConfigText(starterConfig(), '.storyctl.yaml');
    const settings = mergeSettings({}, loaded);
    for (const [key, value] of Object.entries(DEFAULT_THRESHOLDS))
      expect(settings.thresholds[key as keyof typeof DEFAULT_THRESHOLDS].value, key).toBe(value);
    expect(settings.failOn.value).toBe('error');
    expect(settings.outputs.value).toEqual([{ format: 'table' }]);
    expect(settings.rules.size).toBe(0);
  });
});

describe('parseConfigText', () => {
  const parse = (lines: string[]): unknown =>
    parseConfigText(['apiVersion: storyctl/v1', 'kind: Config', ...lines, ''].join('\n'), 'c.yaml');
  const failure = (lines: string[]): { line?: number; message: string } => {
    try {
      parse(lines);
    } catch (error) {
      return error as { line?: number; message: string };
    }
    throw new Error('no error');
  };

  it('names file line and key for a typo, and lists the keys it knows', () => {
    const e = failure(['thresholds:', '  stopBudgt: 45s']);
    expect(e.line).toBe(4);
    expect(e.message).toMatch(/^thresholds\.stopBudgt: unknown key \(expected one of: stopBudget, /);
  });

  it('reports every problem, each with its line', () => {
    const e = failure(['failOn: sometimes', 'rules:', '  SR999: off', 'suppressions:', '  - rule: SR101']);
    expect(e.line).toBe(3);
    expect(e.message).toContain('failOn: must be one of: error, warning, info, none');
    expect(e.message).toContain('c.yaml:5: rules.SR999: unknown rule');
    expect(e.message).toContain('c.yaml:7: suppressions[0]: missing required key "reason"');
  });

  it('checks what a schema cannot: durations, time zones, regexes, expiry dates', () => {
    expect(failure(['thresholds:', '  stuckFinalizerAge: 5 minutes']).message).toMatch(
      /stuckFinalizerAge: must be a duration/,
    );
    expect(failure(['logTimezone: Mars/Olympus']).message).toMatch(/unknown time zone/);
    expect(failure(['exclude:', '  - name: "re:(["']).message).toMatch(
      /exclude\[0\]\.name: bad regular expression/,
    );
    expect(failure(['suppressions:', '  - {rule: SR101, reason: x, expires: "2026-02-30x"}']).line).toBe(4);
  });

  it('wants the version and kind, and one document', () => {
    expect(() => parseConfigText('kind: Config\n', 'c.yaml')).toThrow(/missing required key "apiVersion"/);
    expect(() => parseConfigText('', 'c.yaml')).toThrow(/empty config file/);
    expect(failure(['---', 'kind: Config']).message).toMatch(/one YAML document/);
    expect(failure(['rules: [unclosed']).line).toBeGreaterThanOrEqual(3);
  });

  it('takes off/on/severities and booleans for rules, globs and re: for excludes', () => {
    const loaded = parseConfigText(
      [
        'apiVersion: storyctl/v1',
        'kind: Config',
        'rules: {SR204: off, SR102: error, LK104: false}',
        'exclude:',
        '  - {namespace: "load-*"}',
        '  - {rules: [SR302], name: "re:^canary-"}',
      ].join('\n'),
      'c.yaml',
    );
    const s = mergeSettings({}, loaded);
    expect(s.rules.get('SR204')?.enabled?.value).toBe(false);
    expect(s.rules.get('LK104')?.enabled?.value).toBe(false);
    expect(s.rules.get('SR102')?.severity).toEqual({
      value: 'error',
      from: { kind: 'config', file: 'c.yaml', line: 3 },
    });
    const [byNs, byName] = s.exclude;
    expect(byNs?.matches({ kind: 'StoryRun', namespace: 'load-eu', name: 'x' }, undefined)).toBe(true);
    expect(byNs?.matches({ kind: 'StoryRun', namespace: 'voice', name: 'x' }, undefined)).toBe(false);
    expect(byName?.rules?.has('SR302')).toBe(true);
    expect(byName?.matches({ kind: 'StepRun', namespace: 'a', name: 'canary-7' }, undefined)).toBe(true);
    expect(byName?.matches({ kind: 'StepRun', namespace: 'a', name: 'prod-canary-7' }, undefined)).toBe(
      false,
    );
  });
});
