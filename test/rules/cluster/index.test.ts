import { describe, expect, it } from 'vitest';
import { clusterRules } from '../../../src/rules/index.js';

// The cluster table of RULES.md (IDs, names and severities are a stable contract).
const catalog = [
  { id: 'SR101', name: 'stalled-graceful-cancel', severity: 'error' },
  { id: 'SR102', name: 'cancel-window-inherits-drain', severity: 'warning' },
  { id: 'SR103', name: 'slow-cancel-finish', severity: 'warning' },
  { id: 'SR201', name: 'terminal-run-live-step-states', severity: 'error' },
  { id: 'SR202', name: 'step-state-drift', severity: 'warning' },
  { id: 'SR203', name: 'step-state-without-steprun', severity: 'warning' },
  { id: 'SR204', name: 'step-counters-mismatch', severity: 'info' },
  { id: 'SR205', name: 'terminal-without-finish-time', severity: 'warning' },
  { id: 'SR301', name: 'live-steprun-under-terminal-run', severity: 'error' },
  { id: 'SR302', name: 'orphaned-steprun', severity: 'warning' },
  { id: 'SR303', name: 'stuck-finalizer', severity: 'error' },
];

describe('cluster rule list', () => {
  it('has every cluster rule of RULES.md, in ID order, with its name and severity', () => {
    expect(
      clusterRules.map((r) => ({ id: r.meta.id, name: r.meta.name, severity: r.meta.severity })),
    ).toEqual(catalog);
  });

  it.each(clusterRules.map((r) => [r.meta.id, r] as const))(
    '%s has complete metadata pointing at its docs/rules page',
    (_id, rule) => {
      expect(rule.kind).toBe('cluster');
      for (const key of ['summary', 'rationale', 'fix', 'docs'] as const)
        expect(rule.meta[key].length).toBeGreaterThan(10);
      // Its page in this repository, and the upstream behaviour it rests on (issue 13).
      expect(rule.meta.docs).toBe(`docs/rules/${rule.meta.id}.md`);
      expect(rule.meta.upstream.length).toBeGreaterThan(0);
      expect(rule.requires.length).toBeGreaterThan(0);
    },
  );
});
