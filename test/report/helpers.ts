// Realistic reports for the reporter tests: the seed incident (a LiveKit voice StoryRun whose stop
// waited out a 2-minute drain window and left live step states) seen from the cluster and the logs.
import { fingerprint, occurrenceKey } from '../../src/model/fingerprint.js';
import {
  buildReport,
  type Finding,
  type Location,
  type NotEvaluated,
  type Report,
  type Severity,
  type Subject,
} from '../../src/model/report.js';
import { INTERNAL_RULE_ID } from '../../src/rules/engine.js';
import { findRuleMeta } from '../../src/rules/index.js';
import type { RuleMeta } from '../../src/rules/types.js';
import type { ReporterOptions } from '../../src/report/types.js';

export const NS = 'livekit-voice';
export const RUN_NAME = 'livekit-voice-assistant-rm-6jwy7uutjydd-241a4c029032ae1d';
export const RUN: Subject = { kind: 'StoryRun', namespace: NS, name: RUN_NAME };
export const AGENT: Subject = { kind: 'AgentProcess', name: 'voice-agent-7d9f6c8b5-x2kqp/17' };
export const README_URL = 'https://github.com/bubustack/storyctl/blob/main/README.md';
export const CWD = '/work/ci';

/** The real rule's family: reporters group by it (SARIF tags), and the catalog is where it is set. */
function familyOf(id: string): RuleMeta['family'] {
  const real = findRuleMeta(id);
  if (!real) throw new Error(`no rule ${id} in the catalog`);
  return real.family;
}

function meta(id: string, name: string, severity: Severity, summary: string, docs: string): RuleMeta {
  return {
    id,
    name,
    severity,
    summary,
    rationale: `${summary}; left alone it keeps resources or state wrong.`,
    fix: `Follow the ${id} repair in the README.`,
    docs,
    evidence: 'what the finding shows',
    upstream: [],
    family: familyOf(id),
  };
}

export const RULES: RuleMeta[] = [
  meta(
    'SR101',
    'stalled-graceful-cancel',
    'error',
    'A cancel-requested run is still not terminal after the stop budget',
    'CONTROLLER.md section 6',
  ),
  meta(
    'SR103',
    'slow-cancel-finish',
    'warning',
    'A cancelled run took longer than the stop budget to finish',
    'CONTROLLER.md section 7',
  ),
  meta(
    'SR201',
    'terminal-run-live-step-states',
    'error',
    'A terminal StoryRun still lists running steps',
    'CONTROLLER.md section 9',
  ),
  meta(
    'SR204',
    'step-counters-mismatch',
    'info',
    'Step counters disagree with the step states',
    'CONTROLLER.md section 9',
  ),
  meta('LK101', 'close-hung-in-drain', 'error', 'A forced close never completed', 'LOG-FORMATS.md section 2'),
  meta(
    'LK102',
    'orphaned-stt-socket',
    'error',
    'An STT socket outlived its closed session',
    'LOG-FORMATS.md section 2',
  ),
  meta('LK103', 'session-close-timeout', 'error', 'AgentSession close timed out', 'LOG-FORMATS.md section 2'),
  meta(
    'BR101',
    'cancel-waited-full-window',
    'warning',
    'The controller held a stop for the whole drain window',
    'LOG-FORMATS.md section 1',
  ),
  meta(
    'DT102',
    'turn-timed-out',
    'warning',
    'A Ductor turn timed out and was not resumed',
    'LOG-FORMATS.md section 5',
  ),
];

export interface FindingSpec {
  ruleId: string;
  severity: Severity;
  message: string;
  subject?: Subject;
  location?: Location;
  evidence?: Record<string, unknown>;
  fix?: string;
  anchor?: string;
}

export function finding(spec: FindingSpec): Finding {
  const f: Finding = {
    ruleId: spec.ruleId,
    severity: spec.severity,
    message: spec.message,
    evidence: spec.evidence ?? {},
    fingerprint: fingerprint(spec.ruleId, spec.subject, spec.location?.file),
    occurrence: occurrenceKey(spec.ruleId, spec.subject, spec.anchor, spec.location),
  };
  if (spec.subject) f.subject = spec.subject;
  if (spec.location) f.location = spec.location;
  if (spec.fix !== undefined) f.fix = spec.fix;
  return f;
}

export function seedFindings(): Finding[] {
  return [
    finding({
      ruleId: 'SR201',
      severity: 'error',
      message: 'StoryRun is Finished but 2 step states are still Running',
      subject: RUN,
      evidence: {
        phase: 'Finished',
        finishedAt: '2026-04-22T18:14:07Z',
        steps: [
          { step: 'voice-agent', phase: 'Running', stepRunExists: false },
          { step: 'transcript-sink', phase: 'Running', stepRunExists: true },
        ],
      },
      fix: `storyctl finish ${RUN_NAME} -n ${NS} --force-terminal`,
      anchor: '2026-04-22T18:14:07Z',
    }),
    finding({
      ruleId: 'SR103',
      severity: 'warning',
      message: 'the stop took 2m0s, over the 30s stop budget',
      subject: RUN,
      evidence: { wait: '2m0s', window: '120s from Transport livekit drainTimeoutSeconds', budget: '30s' },
      anchor: '2026-04-22T18:12:07Z',
    }),
    finding({
      ruleId: 'LK102',
      severity: 'error',
      message: 'STT socket kept alive after the session close started: 4 closures with code 2007',
      subject: AGENT,
      location: { file: 'logs/agent.log', line: 120 },
      evidence: {
        closures: 4,
        first: '2026-04-22T16:14:09Z',
        last: '2026-04-22T17:44:10Z',
        cadenceMinutes: 30,
        retryAttempts: [1, 2, 3, 1],
      },
      anchor: '2026-04-22T16:14:09Z',
    }),
    finding({
      ruleId: 'LK103',
      severity: 'error',
      message: 'AgentSession.close() timed out after 10000ms',
      location: { file: 'logs/agent.log', line: 388 },
      evidence: { timeoutMs: 10000 },
      anchor: '2026-04-22T16:15:00Z',
    }),
    finding({
      ruleId: 'BR101',
      severity: 'warning',
      message: 'Graceful cancel timeout expired after 2m0s (stop budget 30s)',
      subject: RUN,
      location: { file: `${CWD}/logs/controller.log`, line: 42 },
      evidence: { timeout: '2m0s', budget: '30s' },
      anchor: '2026-04-22T18:14:07Z',
    }),
    finding({
      ruleId: 'SR204',
      severity: 'info',
      message: 'stepsComplete is 1 but 2 step states are Succeeded',
      subject: RUN,
      evidence: { expected: { stepsComplete: 2 }, found: { stepsComplete: 1 } },
    }),
    finding({
      ruleId: INTERNAL_RULE_ID,
      severity: 'error',
      message:
        'rule SR202 failed: Cannot read properties of undefined (a storyctl bug: please report it with this output)',
      evidence: { rule: 'SR202', error: 'Cannot read properties of undefined' },
      anchor: 'SR202',
    }),
  ];
}

export function seedNotEvaluated(): NotEvaluated[] {
  return [
    {
      ruleId: 'LK101',
      subject: { kind: 'AgentProcess', name: 'voice-agent-7d9f6c8b5-x2kqp/22' },
      reason: 'the capture ends 12s after the forced close; the rule needs 60s',
    },
    {
      ruleId: 'SR101',
      reason: 'forbidden: cannot list storyruns.runs.bubustack.io in namespace livekit-voice',
    },
  ];
}

export function makeReport(
  findings: Finding[] = seedFindings(),
  notEvaluated: NotEvaluated[] = seedNotEvaluated(),
  generatedAt = Date.parse('2026-04-22T18:16:05Z'),
): Report {
  return buildReport({
    now: Date.parse('2026-04-22T18:16:00Z'),
    generatedAt,
    sources: [
      { type: 'snapshot', name: 'fixtures/demo/cluster.yaml', objects: 14 },
      { type: 'log', name: 'logs', lines: 5120, skippedLines: 3 },
    ],
    findings,
    notEvaluated,
  });
}

export function options(overrides: Partial<ReporterOptions> = {}): ReporterOptions {
  return { color: false, rules: RULES, readmeUrl: README_URL, toolVersion: '0.1.0', cwd: CWD, ...overrides };
}

/** `n` findings of one severity on distinct runs, to exercise caps and ordering. */
export function many(ruleId: string, severity: Severity, n: number): Finding[] {
  return Array.from({ length: n }, (_, i) =>
    finding({
      ruleId,
      severity,
      message: `finding ${i + 1}`,
      subject: { kind: 'StoryRun', namespace: NS, name: `run-${String(i + 1).padStart(2, '0')}` },
    }),
  );
}
