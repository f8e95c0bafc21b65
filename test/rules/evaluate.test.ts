// The one join of findings to runs: a run owns its own findings and its StepRuns'; a Story's
// finding is shown on the Story's live runs only.
import { describe, expect, it } from 'vitest';
import type { Finding, Subject } from '../../src/model/report.js';
import { findingsByRun, findingsOfRun } from '../../src/rules/evaluate.js';
import { NS, STORY, finishedSeed, makeRun, makeStep, seedWorld } from '../support/objects.js';

const finding = (ruleId: string, subject: Subject | undefined): Finding => ({
  ruleId,
  severity: 'error',
  message: ruleId,
  ...(subject ? { subject } : {}),
  evidence: {},
  fingerprint: ruleId,
});

describe('findingsByRun', () => {
  const live = makeRun({ name: 'live', phase: 'Running', cancelRequested: true });
  const done = finishedSeed({ name: 'done' });
  const steps = [makeStep('live', 'voice-agent'), makeStep('done', 'voice-agent')];
  const world = seedWorld([live, done], steps);
  const findings = [
    finding('SR101', { kind: 'StoryRun', namespace: NS, name: 'live' }),
    finding('SR301', { kind: 'StepRun', namespace: NS, name: 'done-voice-agent' }),
    finding('SR102', { kind: 'Story', namespace: NS, name: STORY }),
    finding('SR201', { kind: 'StoryRun', namespace: 'elsewhere', name: 'live' }),
    finding('SR302', { kind: 'StepRun', namespace: NS, name: 'orphan' }),
    finding('LK101', { kind: 'AgentProcess', namespace: NS, name: 'host/1' }),
    finding('DT101', undefined),
  ];

  it("gives each run its own findings, its StepRuns' and, while it is live, its Story's", () => {
    const byRun = findingsByRun(world, findings);
    expect(byRun.get(`${NS}/live`)?.map((f) => f.ruleId)).toEqual(['SR101', 'SR102']);
    expect(byRun.get(`${NS}/done`)?.map((f) => f.ruleId)).toEqual(['SR301']);
    expect([...byRun.keys()].sort()).toEqual([`${NS}/done`, `${NS}/live`]);
  });

  it('findingsOfRun is the same join for one run', () => {
    for (const v of world.runs)
      expect(findingsOfRun(v, findings)).toEqual(findingsByRun(world, findings).get(v.key) ?? []);
  });
});
