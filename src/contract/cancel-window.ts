// CONTROLLER.md section 7: how the controller resolves how long a canceled run may wait for its
// StepRuns before deleting them. Later steps override earlier ones; realtime Stories take the
// largest transport drainTimeoutSeconds, which replaces the operator and Story policy values.
import type { Story, StoryTransportEntry, Transport } from '../model/kube.js';
import { parseGoDuration } from './duration.js';

export const BUILTIN_CANCEL_WINDOW_SECONDS = 30;
export const OPERATOR_DEFAULT_GRACEFUL_SHUTDOWN_SECONDS = 20;

export type DrainOrigin = 'Transport' | 'Story';
export type DrainField = 'settings' | 'streaming';

export type WindowSource =
  | { kind: 'builtin' }
  | { kind: 'operator' }
  | { kind: 'story-policy'; value: string }
  | {
      kind: 'transport-drain';
      /** The cluster-scoped Transport (the entry's transportRef). */
      transport: string;
      /** The Story's transport entry name. */
      entry: string;
      /** Where the winning value was written: the Transport object or the Story's entry. */
      origin: DrainOrigin;
      /** `settings` is `spec.defaultSettings` on a Transport and `settings` on a Story entry. */
      field: DrainField;
      /** A path a human can go and edit. */
      path: string;
    };

export interface CancelWindow {
  seconds: number;
  source: WindowSource;
  /** Transports named by the Story that were not found (they count as no base). */
  missingTransports: string[];
}

export interface WindowOptions {
  /** `engram.default-graceful-shutdown-timeout-seconds`; 0 or negative means unset (built-in 30 s). */
  operatorDefaultSeconds?: number;
}

export function isRealtimeStory(story: Story | undefined): boolean {
  return story?.spec?.pattern === 'realtime';
}

export function resolveCancelWindow(
  story: Story | undefined,
  transports: ReadonlyMap<string, Transport>,
  options: WindowOptions = {},
): CancelWindow {
  const operator = options.operatorDefaultSeconds ?? OPERATOR_DEFAULT_GRACEFUL_SHUTDOWN_SECONDS;
  let result: CancelWindow =
    operator > 0
      ? { seconds: operator, source: { kind: 'operator' }, missingTransports: [] }
      : { seconds: BUILTIN_CANCEL_WINDOW_SECONDS, source: { kind: 'builtin' }, missingTransports: [] };

  const policy = story?.spec?.policy?.timeouts?.gracefulShutdownTimeout;
  if (typeof policy === 'string') {
    const s = parseGoDuration(policy);
    if (s !== undefined && s > 0)
      result = { ...result, seconds: s, source: { kind: 'story-policy', value: policy } };
  }

  if (!isRealtimeStory(story)) return result;

  const missing: string[] = [];
  let best: { seconds: number; source: WindowSource } | undefined;
  for (const entry of story?.spec?.transports ?? []) {
    const transport = transports.get(entry.transportRef);
    if (!transport && entry.transportRef && !missing.includes(entry.transportRef))
      missing.push(entry.transportRef);
    const drain = entryDrain(entry, transport);
    if (drain && (!best || drain.seconds > best.seconds)) best = drain;
  }
  result = { ...result, missingTransports: missing };
  return best ? { ...best, missingTransports: missing } : result;
}

interface Layer {
  origin: DrainOrigin;
  field: DrainField;
  path: string;
  value: unknown;
}

/** The drain value of one Story transport entry after the controller's deep merge, with its origin. */
export function entryDrain(
  entry: StoryTransportEntry,
  transport: Transport | undefined,
): { seconds: number; source: WindowSource } | undefined {
  const t = entry.transportRef;
  const layers: Layer[] = [
    {
      origin: 'Transport',
      field: 'settings',
      path: `Transport ${t} spec.defaultSettings.lifecycle.drainTimeoutSeconds`,
      value: transport?.spec?.defaultSettings,
    },
    {
      origin: 'Transport',
      field: 'streaming',
      path: `Transport ${t} spec.streaming.lifecycle.drainTimeoutSeconds`,
      value: transport?.spec?.streaming,
    },
    {
      origin: 'Story',
      field: 'settings',
      path: `Story transports[${entry.name}].settings.lifecycle.drainTimeoutSeconds`,
      value: entry.settings,
    },
    {
      origin: 'Story',
      field: 'streaming',
      path: `Story transports[${entry.name}].streaming.lifecycle.drainTimeoutSeconds`,
      value: entry.streaming,
    },
  ];
  // A deep merge lets the last layer that sets the key win; if a later layer replaces
  // `lifecycle` with a non-object, the key is gone again.
  let winner: { layer: Layer; value: unknown } | undefined;
  for (const layer of layers) {
    if (!isObject(layer.value) || !('lifecycle' in layer.value)) continue;
    const lifecycle = layer.value['lifecycle'];
    if (!isObject(lifecycle)) {
      winner = undefined;
      continue;
    }
    if ('drainTimeoutSeconds' in lifecycle && lifecycle['drainTimeoutSeconds'] !== undefined) {
      winner = { layer, value: lifecycle['drainTimeoutSeconds'] };
    }
  }
  if (!winner) return undefined;
  const seconds = toSeconds(winner.value);
  if (seconds === undefined || seconds <= 0) return undefined;
  return {
    seconds,
    source: {
      kind: 'transport-drain',
      transport: t,
      entry: entry.name,
      origin: winner.layer.origin,
      field: winner.layer.field,
      path: winner.layer.path,
    },
  };
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function toSeconds(v: unknown): number | undefined {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'string' && /^\d+$/.test(v.trim())) return Number(v);
  return undefined;
}

/** One line for humans: `2m0s from transport drain (Transport livekit-webrtc spec.streaming…)`. */
export function describeWindowSource(source: WindowSource): string {
  switch (source.kind) {
    case 'builtin':
      return 'the controller built-in default';
    case 'operator':
      return 'the operator default (engram.default-graceful-shutdown-timeout-seconds)';
    case 'story-policy':
      return `Story spec.policy.timeouts.gracefulShutdownTimeout (${source.value})`;
    case 'transport-drain':
      return `transport drain window: ${source.path}`;
  }
}

/**
 * How far the resolved window can be trusted. `assumed`: it is the operator's default, which
 * storyctl cannot read (20 s unless --operator-graceful-timeout says otherwise). `unknown`: the
 * Story or its Transports could not be read, so a drain window may be missing from it.
 */
export type WindowConfidence = { kind: 'known' } | { kind: 'assumed' | 'unknown'; reason: string };

export function windowConfidence(
  window: CancelWindow,
  facts: {
    storyUnreadable: boolean;
    transportsUnreadable: boolean;
    realtime: boolean;
    operatorGiven: boolean;
  },
): WindowConfidence {
  if (facts.storyUnreadable)
    return { kind: 'unknown', reason: 'Stories could not be read, so the transport drain window is unknown' };
  if (facts.realtime && facts.transportsUnreadable)
    return { kind: 'unknown', reason: 'Transports could not be read, so their drain window is unknown' };
  if (window.source.kind === 'operator' && !facts.operatorGiven)
    return {
      kind: 'assumed',
      reason:
        "the operator's engram.default-graceful-shutdown-timeout-seconds is not read; 20s is its default (--operator-graceful-timeout sets it)",
    };
  return { kind: 'known' };
}

/** `2m0s`, `20s (assumed)`, or `unknown (20s if no drain)`: never a plain number that is a guess. */
export function windowText(
  seconds: number,
  confidence: WindowConfidence,
  format: (s: number) => string,
): string {
  if (confidence.kind === 'known') return format(seconds);
  if (confidence.kind === 'assumed') return `${format(seconds)} (assumed)`;
  return `unknown (${format(seconds)} guessed)`;
}
