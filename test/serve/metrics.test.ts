// The metric contract of docs/alerts.md, as serve exports it: names, types, labels, no per-run
// label, zeros where the alerts need a first increase, findings that fall to 0 rather than vanish.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { keepAll } from '../../src/config/findings-filter.js';
import { evaluate } from '../../src/serve/evaluate.js';
import { CANCEL_STOP_BUCKETS, ServeMetrics } from '../../src/serve/metrics.js';
import { clusterRules } from '../../src/rules/index.js';
import { CANCEL_AT, makeRun } from '../support/objects.js';

const now = Date.parse('2026-04-22T18:30:00Z');

function evaluated(runs: ReturnType<typeof makeRun>[]) {
  return evaluate(
    { storyRuns: runs, stepRuns: [], stories: [], transports: [] },
    { rules: clusterRules, filter: keepAll, now, stopBudgetSeconds: 30 },
  );
}

describe('ServeMetrics', () => {
  it('exports every metric docs/alerts.md lists, with its type', async () => {
    const m = new ServeMetrics('0.1.0', { processMetrics: false });
    const text = await m.text();
    const doc = readFileSync(new URL('../../docs/alerts.md', import.meta.url), 'utf8');
    const rows = [...doc.matchAll(/^\| `(storyctl_[a-z_]+)` \| (gauge|counter|histogram)/gm)].map((r) => [
      r[1],
      r[2],
    ]);
    expect(rows.length).toBeGreaterThanOrEqual(8);
    for (const [name, type] of rows) expect(text, String(name)).toContain(`# TYPE ${name} ${type}`);
    // The alert rules need these from the start.
    expect(text).toContain('storyctl_repairs_capped_total 0');
    expect(text).toContain('storyctl_watch_reconnects_total{kind="StoryRun"} 0');
    expect(text).toContain('storyctl_build_info{version="0.1.0"} 1');
  });

  it('findings and runs by namespace; a finding that goes drops to 0; no label names a run', async () => {
    const m = new ServeMetrics('0.1.0', { processMetrics: false });
    const stalled = makeRun({ name: 'call-1', cancelRequested: true, cancelObservedAt: CANCEL_AT });
    const first = evaluated([stalled, makeRun({ name: 'call-2' })]);
    m.evaluated(first.world, first.findings, now, 3);
    let text = await m.text();
    expect(text).toMatch(/storyctl_findings\{rule="SR101",severity="error",namespace="livekit-voice"\} 1/);
    expect(text).toMatch(/storyctl_storyruns\{namespace="livekit-voice",phase="Running"\} 2/);
    expect(text).not.toContain('call-1');
    const second = evaluated([makeRun({ name: 'call-2' })]);
    m.evaluated(second.world, second.findings, now + 1000, 3);
    text = await m.text();
    expect(text).toMatch(/storyctl_findings\{rule="SR101",severity="error",namespace="livekit-voice"\} 0/);
    expect(text).toMatch(/storyctl_storyruns\{namespace="livekit-voice",phase="Running"\} 1/);
    expect(text).toContain(`storyctl_last_evaluation_timestamp_seconds ${(now + 1000) / 1000}`);
  });

  it('cancel stops: buckets that tell a 20 s stop from a 2-minute one', async () => {
    expect(CANCEL_STOP_BUCKETS).toEqual(expect.arrayContaining([20, 30, 120, 150]));
    const m = new ServeMetrics('0.1.0', { processMetrics: false });
    m.cancelStopped(18);
    m.cancelStopped(125);
    const text = await m.text();
    expect(text).toContain('storyctl_cancel_stop_seconds_bucket{le="20"} 1');
    expect(text).toContain('storyctl_cancel_stop_seconds_bucket{le="120"} 1');
    expect(text).toContain('storyctl_cancel_stop_seconds_bucket{le="150"} 2');
    expect(text).toContain('storyctl_cancel_stop_seconds_count 2');
  });
});
