// Shared pieces of the cluster rules: subjects, the repair command line, and evidence shapes, so
// every rule reports durations, windows and StepRuns the same way.
import { describeWindowSource } from '../../contract/cancel-window.js';
import { formatGoDuration } from '../../contract/duration.js';
import { formatPreciseTime } from '../../contract/time.js';
import type { StepRun, Story } from '../../model/kube.js';
import type { Evidence, Subject } from '../../model/report.js';
import type { RunView, World } from '../../model/world.js';
import type { NotEvaluatedDraft } from '../types.js';

export function runSubject(v: RunView): Subject {
  return { kind: 'StoryRun', namespace: v.namespace, name: v.name };
}

export function stepRunSubject(s: StepRun): Subject {
  return { kind: 'StepRun', namespace: s.metadata.namespace ?? 'default', name: s.metadata.name };
}

export function storySubject(s: Story): Subject {
  return { kind: 'Story', namespace: s.metadata.namespace ?? 'default', name: s.metadata.name };
}

/** CONTROLLER.md §9: the command that writes the terminal state the shutdown rules describe. */
export function finishCommand(namespace: string, name: string): string {
  return `storyctl finish ${name} -n ${namespace} --force-terminal`;
}

/** Whole seconds for humans; the controller itself rounds durations to the second. */
export function wholeSeconds(seconds: number): number {
  return Math.round(seconds);
}

/** `{elapsedSeconds: 133, elapsed: '2m13s'}` for key `elapsed`. */
export function durationEvidence(key: string, seconds: number): Evidence {
  const s = wholeSeconds(seconds);
  return { [`${key}Seconds`]: s, [key]: formatGoDuration(s) };
}

export function iso(ms: number): string {
  return formatPreciseTime(ms);
}

/**
 * The run's resolved cancel window (CONTROLLER.md §7) with its source, both structured and in words.
 * When Stories or Transports could not be read the window shown is only the operator default, and
 * the evidence says so instead of pretending to know.
 */
export function windowEvidence(v: RunView, world: World): Evidence {
  const e: Evidence = {
    ...durationEvidence('window', v.window.seconds),
    windowSource: describeWindowSource(v.window.source),
    windowSourceDetail: v.window.source,
  };
  if (v.window.missingTransports.length > 0) e['missingTransports'] = v.window.missingTransports;
  if (!v.story && v.run.spec?.storyRef?.name) e['storyFound'] = false;
  if (v.windowConfidence.kind !== 'known') {
    e['windowCertainty'] = v.windowConfidence.kind;
    e['windowGuess'] = v.windowConfidence.reason;
  }
  const unknown = (['stories', 'transports'] as const).filter((k) => world.unavailable[k] !== undefined);
  if (unknown.length > 0)
    e['windowNote'] = `could not read ${unknown.join(' and ')}: the window shown may be wrong`;
  return e;
}

export function stepRunSummary(s: StepRun): Evidence {
  const e: Evidence = { name: s.metadata.name, phase: s.status?.phase ?? '' };
  if (s.spec?.stepId) e['stepId'] = s.spec.stepId;
  if (s.metadata.deletionTimestamp) e['deletionTimestamp'] = s.metadata.deletionTimestamp;
  return e;
}

export function unknownRunPhase(v: RunView): NotEvaluatedDraft {
  return {
    subject: runSubject(v),
    reason: `StoryRun phase "${v.phase}" is not one storyctl knows (a newer operator?)`,
  };
}

/**
 * The runs whose phase storyctl knows. A run with an unknown phase (a newer operator) is recorded
 * as not evaluated for the calling rule instead of being guessed about.
 */
export function knownPhaseRuns(world: World, notEvaluated: NotEvaluatedDraft[]): RunView[] {
  const known: RunView[] = [];
  for (const v of world.runs) {
    if (v.phaseClass === 'unknown') notEvaluated.push(unknownRunPhase(v));
    else known.push(v);
  }
  return known;
}

/**
 * The run's window in words for a message: `2m0s from …`, `20s (assumed) from …`, or, when the
 * Story or its Transports could not be read, that it is unknown and what it would be otherwise.
 */
export function windowPhrase(v: RunView): string {
  const seconds = formatGoDuration(v.window.seconds);
  const from = describeWindowSource(v.window.source);
  const c = v.windowConfidence;
  if (c.kind === 'known') return `${seconds} from ${from}`;
  if (c.kind === 'assumed') return `${seconds} (assumed) from ${from}`;
  return `an unknown window (${c.reason}; ${seconds} from ${from} if no drain applies)`;
}
