import { describe, expect, it } from 'vitest';
import { sr104 } from '../../../src/rules/cluster/sr104-cancel-request-refused.js';
import { NS, STORY, makeRun, makeStory, makeWorld } from '../../support/objects.js';
import { ctx, runRule } from './helpers.js';

const NOW = '2026-04-22T18:20:00Z';
const world = (
  version: string | undefined,
  source: 'deployment-image' | 'flag' | 'assumed' = 'deployment-image',
) =>
  makeWorld(
    {
      runs: [
        makeRun({ name: 'call-1', phase: 'Running' }),
        makeRun({ name: 'old', phase: 'Finished', finishedAt: NOW }),
      ],
      stories: [makeStory({ pattern: 'realtime' }), makeStory({ name: 'nightly', pattern: 'batch' })],
    },
    { operator: { version, source } },
  );

describe('SR104 cancel-request-refused', () => {
  it.each(['v0.1.5', 'v0.1.10'])(
    'fires per realtime Story on %s, naming the release and the webhook answer',
    (version) => {
      const out = runRule(sr104, world(version), ctx(NOW));
      expect(out.findings).toHaveLength(1);
      const f = out.findings[0]!;
      expect(f).toMatchObject({
        ruleId: 'SR104',
        severity: 'warning',
        subject: { kind: 'Story', namespace: NS, name: STORY },
      });
      expect(f.evidence).toEqual({
        operatorRelease: version,
        operatorReleaseSource: 'deployment-image',
        firstAcceptingRelease: 'v0.1.11',
        webhookMessage:
          'spec is immutable for StoryRun; create a new StoryRun for updated inputs or references',
        liveRuns: ['call-1'],
      });
      expect(f.message).toContain(
        `operator ${version} (from the controller Deployment image) refuses spec.cancelRequested`,
      );
      expect(f.message).toMatch(/1 live run\(s\) can only be stopped with finish --force-terminal/);
    },
  );

  it('is silent from v0.1.11 on, and when the release is only assumed', () => {
    for (const v of ['v0.1.11', 'v0.1.12', 'v0.2.0'])
      expect(runRule(sr104, world(v, 'flag'), ctx(NOW))).toEqual({ findings: [], notEvaluated: [] });
    expect(runRule(sr104, world(undefined, 'assumed'), ctx(NOW)).findings).toEqual([]);
  });
});
