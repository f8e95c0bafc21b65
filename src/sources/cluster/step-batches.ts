// With `-l`, only the selected StoryRuns are listed, so their StepRuns are fetched the way the
// controller finds them: by the `bubustack.io/storyrun` label, many runs per request with
// `in (...)` selectors kept to a bounded size (URL length, and the apiserver's selector parsing).
import { storyRunLabelValue } from '../../contract/label.js';
import { LABELS, type StepRun, type StoryRun } from '../../model/kube.js';

export const MAX_VALUES_PER_SELECTOR = 100;
export const MAX_SELECTOR_CHARS = 4000;

export interface StepQuery {
  namespace: string | undefined;
  labelSelector: string;
}

/**
 * Selectors for the StepRuns of `runs`. In one namespace the queries are namespaced; across all
 * namespaces one query covers several namespaces, so results must be filtered with `belongs`.
 */
export function stepRunQueries(runs: readonly StoryRun[], namespace: string | undefined): StepQuery[] {
  const values = [...new Set(runs.map((r) => storyRunLabelValue(r.metadata.name)))].sort();
  const queries: StepQuery[] = [];
  let batch: string[] = [];
  let chars = 0;
  const flush = (): void => {
    if (batch.length === 0) return;
    queries.push({ namespace, labelSelector: `${LABELS.storyRun} in (${batch.join(',')})` });
    batch = [];
    chars = 0;
  };
  for (const v of values) {
    if (batch.length >= MAX_VALUES_PER_SELECTOR || chars + v.length + 1 > MAX_SELECTOR_CHARS) flush();
    batch.push(v);
    chars += v.length + 1;
  }
  flush();
  return queries;
}

/** A predicate keeping StepRuns whose namespace and label match one of `runs`. */
export function belongsTo(runs: readonly StoryRun[]): (step: StepRun) => boolean {
  const keys = new Set(
    runs.map((r) => `${r.metadata.namespace ?? 'default'}/${storyRunLabelValue(r.metadata.name)}`),
  );
  return (step) =>
    keys.has(`${step.metadata.namespace ?? 'default'}/${step.metadata.labels?.[LABELS.storyRun] ?? ''}`);
}
