import { describe, expect, it } from 'vitest';
import { runClusterRules, INTERNAL_RULE_ID } from '../../../src/rules/engine.js';
import { clusterRules } from '../../../src/rules/index.js';
import type { ClusterRule } from '../../../src/rules/types.js';
import {
  CANCEL_AT,
  FINISHED_AT,
  SEED_DURATION,
  finishedSeed,
  makeRun,
  seedWorld,
} from '../../support/objects.js';
import { ctx } from './helpers.js';

const boom: ClusterRule = {
  kind: 'cluster',
  meta: {
    id: 'SR999',
    name: 'always-throws',
    severity: 'warning',
    summary: 's',
    rationale: 'r',
    fix: 'f',
    docs: 'd',
    evidence: 'e',
    upstream: [],
    family: 'storyrun',
  },
  requires: [],
  check() {
    throw new Error('stepStates is not iterable');
  },
};

// The seed after the controller finished it: SR103 and SR201 both apply.
const seed = () => finishedSeed();

describe('cluster rule engine', () => {
  it('turns a throwing rule into one internal finding and still runs the others', () => {
    const out = runClusterRules([boom, ...clusterRules], seedWorld([seed()]), ctx('2026-04-22T18:16:00Z'));
    const internal = out.findings.filter((f) => f.ruleId === INTERNAL_RULE_ID);
    expect(internal).toHaveLength(1);
    expect(internal[0]).toMatchObject({
      severity: 'error',
      evidence: { rule: 'SR999', error: 'stepStates is not iterable' },
    });
    expect(internal[0]?.message).toMatch(/SR999/);
    expect(
      out.findings
        .map((f) => f.ruleId)
        .filter((id) => id !== INTERNAL_RULE_ID)
        .sort(),
    ).toEqual(['SR102', 'SR103', 'SR201']);
  });

  it('sends rules whose kinds could not be read to notEvaluated and runs the rest', () => {
    const world = seedWorld([seed()], [], {
      unavailable: {
        stepRuns: 'stepruns.runs.bubustack.io is forbidden',
        transports: 'transports is forbidden',
      },
    });
    const out = runClusterRules(clusterRules, world, ctx('2026-04-22T18:16:00Z'));
    const notEvaluated = out.notEvaluated.filter((n) => n.subject === undefined).map((n) => n.ruleId);
    expect(notEvaluated).toEqual(['SR102', 'SR202', 'SR203', 'SR301', 'SR302', 'SR303']);
    expect(out.notEvaluated.find((n) => n.ruleId === 'SR102')?.reason).toBe('transports is forbidden');
    expect(out.findings.map((f) => f.ruleId).sort()).toEqual(['SR103', 'SR201']);
  });

  it('is clean on a healthy world: a quick cancel, a succeeded batch run and a live call', () => {
    const quick = makeRun({
      name: 'quick',
      phase: 'Finished',
      cancelRequested: true,
      cancelObservedAt: CANCEL_AT,
      finishedAt: '2026-04-22T18:13:40Z',
      duration: '21s',
      stepStates: { 'livekit-bridge': 'Canceled', 'voice-agent': 'Canceled' },
    });
    const batch = makeRun({
      name: 'batch',
      story: 'nightly',
      phase: 'Succeeded',
      finishedAt: FINISHED_AT,
      duration: SEED_DURATION,
      stepStates: { a: 'Succeeded' },
      stepsComplete: 1,
    });
    const live = makeRun({ name: 'live', phase: 'Running' });
    const world = seedWorld([quick, batch, live]);
    // The seed Story's 120 s drain is a real SR102; budget above it to look at the runs alone.
    const out = runClusterRules(clusterRules, world, ctx('2026-04-22T18:16:00Z', { budget: 150 }));
    expect(out).toEqual({ findings: [], notEvaluated: [] });
  });
});
