// SR102: a realtime Story whose cancel window is a transport's upgrade drain (CONTROLLER.md §7).
import { DEFAULT_STOP_BUDGET_SECONDS } from '../../contract/budget.js';
import { isRealtimeStory, resolveCancelWindow } from '../../contract/cancel-window.js';
import { formatGoDuration } from '../../contract/duration.js';
import { hasCancelWindow, releaseEvidence } from '../../contract/operator-release.js';
import { objectKey } from '../../model/world.js';
import type { ClusterRule, FindingDraft } from '../types.js';
import { durationEvidence, storySubject } from './common.js';

export const sr102: ClusterRule = {
  kind: 'cluster',
  meta: {
    id: 'SR102',
    name: 'cancel-window-inherits-drain',
    severity: 'warning',
    summary:
      "A realtime Story's cancel window comes from a transport drainTimeoutSeconds longer than the stop budget.",
    rationale:
      'For realtime Stories the controller takes the largest lifecycle.drainTimeoutSeconds of the Story transports as the ' +
      'graceful-cancel window, replacing the operator default and the Story policy. That knob bounds ' +
      'the drain before a transport upgrade cutover, not the end of a call, yet every room end goes through the cancel ' +
      `path: each call then waits the whole drain before it stops (SR101, SR103). Flagged when the window exceeds the stop budget (default ${DEFAULT_STOP_BUDGET_SECONDS} s). ` +
      'Only a drain the controller decodes counts: a string ("90"), a fraction (1.5) or a type error elsewhere in the ' +
      'merged settings gives no drain at all. Releases before v0.1.12 have no cancel window, so the drain does not apply there.',
    fix:
      "Lower drainTimeoutSeconds to the stop budget or less where it is set, or override it for this Story in the Story's " +
      'transports[].streaming.lifecycle.drainTimeoutSeconds (the Story wins the merge; 0 disables it), so room ends stop promptly.',
    docs: 'docs/rules/SR102.md',
    evidence:
      'the Story and its transport entry; the Transport whose `lifecycle.drainTimeoutSeconds` won the merge, the layer it came from (Transport defaults or streaming, Story settings or streaming) and the path to edit; the window against the stop budget; the operator release assumed (nothing is flagged before v0.1.12, which has no window); the live runs it affects.',
    upstream: [
      {
        repo: 'bubustack/bobrapet',
        file: 'internal/controller/runs/storyrun_controller.go',
        version: 'v0.1.12',
        behaviour:
          '`resolveGracefulCancelTimeout` (L1672-1797): realtime Stories take the largest transport `lifecycle.drainTimeoutSeconds`, replacing the operator default and the Story policy',
      },
      {
        repo: 'bubustack/bobrapet',
        file: 'pkg/transport/settings.go',
        version: 'v0.1.6–v0.1.12',
        behaviour:
          "Transport `defaultSettings` and `streaming` are deep-merged with the Story entry's `settings` and `streaming`, later layers winning",
      },
      {
        repo: 'bubustack/bobrapet',
        file: 'api/transport/v1alpha1/transport_settings_types.go',
        version: 'v0.1.5–v0.1.12',
        behaviour: '`lifecycle.drainTimeoutSeconds`, the upgrade drain the cancel window inherits',
      },
    ],
    family: 'storyrun',
    needsWindow: true,
  },
  requires: ['stories', 'transports'],
  // Its evidence lists the Story's live runs.
  scope: 'world',
  check(world, ctx) {
    const findings: FindingDraft[] = [];
    // Before v0.1.12 there is no window to inherit anything.
    if (!hasCancelWindow(world.operator)) return { findings, notEvaluated: [] };
    // Live runs by Story, once: a filter over every run per Story is quadratic in large captures.
    const liveRuns = new Map<string, typeof world.runs>();
    for (const v of world.runs) {
      if (v.phaseClass === 'terminal' || v.story === undefined) continue;
      const key = objectKey(v.story.metadata.namespace, v.story.metadata.name);
      const list = liveRuns.get(key);
      if (list) list.push(v);
      else liveRuns.set(key, [v]);
    }
    for (const story of world.stories) {
      if (!isRealtimeStory(story)) continue;
      // Only the drain matters here, and a drain replaces the operator value, so no operator setting is needed.
      const window = resolveCancelWindow(story, world.transports);
      const source = window.source;
      if (source.kind !== 'transport-drain' || window.seconds <= ctx.stopBudgetSeconds) continue;
      const ns = story.metadata.namespace ?? 'default';
      const key = objectKey(ns, story.metadata.name);
      const affected = (liveRuns.get(key) ?? []).map((v) => ({
        name: v.name,
        phase: v.phase,
        cancelRequested: v.cancelRequested,
      }));
      const where =
        source.origin === 'Transport'
          ? `Transport ${source.transport}`
          : `Story ${story.metadata.name} (transport entry ${source.entry})`;
      const suggestion =
        source.origin === 'Transport'
          ? `lower drainTimeoutSeconds in ${source.path} (it applies to every realtime Story using ${source.transport}), or set ` +
            `transports[${source.entry}].streaming.lifecycle.drainTimeoutSeconds to ${ctx.stopBudgetSeconds} or less on Story ${story.metadata.name}`
          : `lower ${source.path} to ${ctx.stopBudgetSeconds} or less`;
      findings.push({
        subject: storySubject(story),
        message:
          `realtime Story stops its runs after a ${formatGoDuration(window.seconds)} cancel window inherited from the drainTimeoutSeconds ` +
          `of ${where}, longer than the ${formatGoDuration(ctx.stopBudgetSeconds)} stop budget` +
          (affected.length > 0 ? `; ${affected.length} live run(s) affected` : ''),
        evidence: {
          transport: source.transport,
          transportEntry: source.entry,
          origin: source.origin,
          field: source.field,
          path: source.path,
          ...durationEvidence('window', window.seconds),
          ...durationEvidence('budget', ctx.stopBudgetSeconds),
          ...(window.missingTransports.length > 0 ? { missingTransports: window.missingTransports } : {}),
          ...releaseEvidence(world.operator),
          ...(world.unavailable.storyRuns === undefined
            ? { affectedRuns: affected }
            : { affectedRunsNote: `StoryRuns could not be read: ${world.unavailable.storyRuns}` }),
          suggestion,
        },
        // A configuration finding has no event time: the setting itself identifies it.
        anchor: `${source.path}=${window.seconds}`,
      });
    }
    return { findings, notEvaluated: [] };
  },
};
