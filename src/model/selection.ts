// With `-l SELECTOR` only the selected StoryRuns are read, but every StepRun in scope is (the label
// selector is on runs). StepRuns of runs outside the selection are not ours to judge: left in, they
// would all look orphaned (SR302). The dashboard and `serve` keep only the StepRuns of selected runs,
// linked the way the controller links them (the run label) or by the explicit storyRunRef. Pure.
import { storyRunLabelValue } from '../contract/label.js';
import { LABELS, type StepRun, type StoryRun } from './kube.js';
import { objectKey } from './world.js';

export function stepRunsOfSelectedRuns(
  storyRuns: readonly StoryRun[],
  stepRuns: readonly StepRun[],
): StepRun[] {
  const byLabel = new Set(
    storyRuns.map((r) => objectKey(r.metadata.namespace, storyRunLabelValue(r.metadata.name))),
  );
  const byName = new Set(storyRuns.map((r) => objectKey(r.metadata.namespace, r.metadata.name)));
  return stepRuns.filter((s) => {
    const ns = s.metadata.namespace;
    const label = s.metadata.labels?.[LABELS.storyRun];
    const ref = s.spec?.storyRunRef?.name;
    return (
      (label !== undefined && byLabel.has(objectKey(ns, label))) ||
      (ref !== undefined && byName.has(objectKey(s.spec?.storyRunRef?.namespace ?? ns, ref)))
    );
  });
}
