// Which findings belong to which run: the one join behind the dashboard's rows, the plan's
// "doctor: …" line, the repair's read-back and `finish --all-stalled`'s selection. A run owns the
// findings about itself and about its StepRuns; a finding about its Story is shown on it while the
// run is live (a Story's configuration can still hurt a live run, not a finished one). Pure.
import type { PhaseClass } from '../contract/phases.js';
import type { StepRun, Story } from '../model/kube.js';
import type { Finding } from '../model/report.js';
import { objectKey } from '../model/world.js';

/** What the join needs to know of a run; a World's RunView is one. */
export interface JoinedRun {
  /** `namespace/name`, as objectKey spells it. */
  readonly key: string;
  readonly steps: readonly StepRun[];
  readonly story: Story | undefined;
  readonly phaseClass: PhaseClass;
}

/** Every run's findings by run key, each in the order of `findings`; runs without any are absent. */
export function findingsByRun(
  world: { readonly runs: readonly JoinedRun[] },
  findings: readonly Finding[],
): Map<string, Finding[]> {
  const stepOwner = new Map<string, string>();
  const liveRunsOfStory = new Map<string, string[]>();
  for (const v of world.runs) {
    for (const s of v.steps) stepOwner.set(objectKey(s.metadata.namespace, s.metadata.name), v.key);
    if (v.story && v.phaseClass !== 'terminal') {
      const story = objectKey(v.story.metadata.namespace, v.story.metadata.name);
      // Pushed in place: a copy per run is quadratic in a Story's live runs (thousands in a watch).
      const runs = liveRunsOfStory.get(story);
      if (runs) runs.push(v.key);
      else liveRunsOfStory.set(story, [v.key]);
    }
  }
  const runKeys = new Set(world.runs.map((v) => v.key));

  const byRun = new Map<string, Finding[]>();
  const add = (key: string, f: Finding): void => {
    const list = byRun.get(key);
    if (list) list.push(f);
    else byRun.set(key, [f]);
  };
  for (const f of findings) {
    const s = f.subject;
    if (!s) continue;
    const key = objectKey(s.namespace, s.name);
    if (s.kind === 'StoryRun') {
      if (runKeys.has(key)) add(key, f);
    } else if (s.kind === 'StepRun') {
      const owner = stepOwner.get(key);
      if (owner) add(owner, f);
    } else if (s.kind === 'Story') {
      for (const run of liveRunsOfStory.get(key) ?? []) add(run, f);
    }
  }
  return byRun;
}

/** The findings of one run (the same join, for a caller that holds a single run). */
export function findingsOfRun(run: JoinedRun, findings: readonly Finding[]): Finding[] {
  return findingsByRun({ runs: [run] }, findings).get(run.key) ?? [];
}

/**
 * The findings with `run` set on those about a StepRun of a known run: reports group a run's
 * StepRun findings under it. Findings are copied, never changed in place.
 */
export function withOwningRuns(
  world: { readonly runs: readonly (JoinedRun & { namespace: string; name: string })[] },
  findings: readonly Finding[],
): Finding[] {
  const owner = new Map<string, { namespace: string; name: string }>();
  for (const v of world.runs)
    for (const s of v.steps) owner.set(objectKey(s.metadata.namespace, s.metadata.name), v);
  return findings.map((f) => {
    if (f.subject?.kind !== 'StepRun') return f;
    const run = owner.get(objectKey(f.subject.namespace, f.subject.name));
    return run ? { ...f, run: { kind: 'StoryRun', namespace: run.namespace, name: run.name } } : f;
  });
}
