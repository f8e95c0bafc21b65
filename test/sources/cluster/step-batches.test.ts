import { describe, expect, it } from 'vitest';
import { storyRunLabelValue } from '../../../src/contract/label.js';
import type { StepRun, StoryRun } from '../../../src/model/kube.js';
import {
  belongsTo,
  MAX_SELECTOR_CHARS,
  MAX_VALUES_PER_SELECTOR,
  stepRunQueries,
} from '../../../src/sources/cluster/step-batches.js';

const run = (namespace: string, name: string): StoryRun => ({
  apiVersion: 'runs.bubustack.io/v1alpha1',
  kind: 'StoryRun',
  metadata: { name, namespace },
});
const step = (namespace: string, label: string): StepRun => ({
  apiVersion: 'runs.bubustack.io/v1alpha1',
  kind: 'StepRun',
  metadata: { name: `${label}-x`, namespace, labels: { 'bubustack.io/storyrun': label } },
});

describe('stepRunQueries', () => {
  it('asks for the label values the controller uses, deduplicated, in one selector for a few runs', () => {
    const q = stepRunQueries([run('ns', 'Call_1'), run('ns', 'call-1'), run('ns', 'b')], 'ns');
    expect(q).toEqual([{ namespace: 'ns', labelSelector: 'bubustack.io/storyrun in (b,call-1)' }]);
  });

  it('splits many runs into selectors of bounded size covering every value once', () => {
    const runs = Array.from({ length: 1234 }, (_, i) => run('ns', `run-${i}-${'y'.repeat(60)}`));
    const q = stepRunQueries(runs, undefined);
    const values = q.flatMap((x) => /\((.*)\)/.exec(x.labelSelector)?.[1]?.split(',') ?? []);
    expect(values.sort()).toEqual(runs.map((r) => storyRunLabelValue(r.metadata.name)).sort());
    for (const x of q) {
      expect(x.namespace).toBeUndefined();
      expect(x.labelSelector.length).toBeLessThanOrEqual(MAX_SELECTOR_CHARS + 40);
      expect(x.labelSelector.split(',').length).toBeLessThanOrEqual(MAX_VALUES_PER_SELECTOR);
    }
    expect(q.length).toBeGreaterThan(1234 / MAX_VALUES_PER_SELECTOR);
  });

  it('asks nothing for no runs', () => {
    expect(stepRunQueries([], 'ns')).toEqual([]);
  });
});

describe('belongsTo', () => {
  it('keeps StepRuns of a selected run in its own namespace only', () => {
    const keep = belongsTo([run('a', 'Call.7')]);
    expect(keep(step('a', 'call-7'))).toBe(true);
    expect(keep(step('b', 'call-7'))).toBe(false);
    expect(keep(step('a', 'call-8'))).toBe(false);
  });
});
