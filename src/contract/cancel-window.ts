// CONTROLLER.md section 7 (as research/bobrapet.md B4 corrects it): how the v0.1.12 controller
// resolves how long a canceled run may wait for its StepRuns before deleting them. Later steps
// override earlier ones; realtime Stories take the largest transport drainTimeoutSeconds that the
// controller's typed decode yields (a string, a fraction or a type error anywhere is no drain),
// which replaces the operator and Story policy values. Releases before v0.1.12 have no window.
import type { Story, StoryTransportEntry, Transport } from '../model/kube.js';
import { parseGoDuration } from './duration.js';
import {
  decodeStreamingSettings,
  deepMerge,
  drainKeyOf,
  isJsonObject,
  settingsWithStreaming,
} from './transport-settings.js';

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

export interface IgnoredDrain {
  /** The Story's transport entry name. */
  entry: string;
  transport: string;
  /** Why the controller finds no drain there although one is written. */
  reason: string;
}

export interface CancelWindow {
  seconds: number;
  source: WindowSource;
  /** Transports named by the Story that were not found (they count as no base). */
  missingTransports: string[];
  /** Drains written somewhere that the controller's typed decode does not take (B4); absent when none. */
  ignoredDrains?: IgnoredDrain[];
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
  const ignored: IgnoredDrain[] = [];
  let best: { seconds: number; source: WindowSource } | undefined;
  for (const entry of story?.spec?.transports ?? []) {
    const ref = typeof entry.transportRef === 'string' ? entry.transportRef.trim() : '';
    const transport = ref ? transports.get(ref) : undefined;
    if (!transport && ref && !missing.includes(ref)) missing.push(ref);
    const drain = entryDrain(entry, transport);
    if (drain.kind === 'ignored') ignored.push({ entry: entry.name, transport: ref, reason: drain.reason });
    // Only a drain larger than the one so far counts, starting at 0 (so never 0 or less).
    if (drain.kind === 'drain' && (!best || drain.seconds > best.seconds))
      best = { seconds: drain.seconds, source: drain.source };
  }
  const extra = ignored.length > 0 ? { ignoredDrains: ignored } : {};
  return best
    ? { ...best, missingTransports: missing, ...extra }
    : { ...result, missingTransports: missing, ...extra };
}

interface Layer {
  origin: DrainOrigin;
  field: DrainField;
  path: string;
  value: unknown;
}

export type EntryDrain =
  | { kind: 'drain'; seconds: number; source: WindowSource }
  /** A drain is written but the controller takes none from this entry. */
  | { kind: 'ignored'; reason: string }
  | { kind: 'none' };

/**
 * The drain of one Story transport entry as the controller resolves it (B4): the Transport's
 * defaultSettings under its streaming block, under the Story entry's settings under its streaming
 * block, deep-merged (the Story wins), then decoded into the typed settings. The winning value's
 * origin is found again among the layers, for a path a human can go and edit.
 */
export function entryDrain(entry: StoryTransportEntry, transport: Transport | undefined): EntryDrain {
  const t = typeof entry.transportRef === 'string' ? entry.transportRef.trim() : '';
  const layers: Layer[] = [
    {
      origin: 'Story',
      field: 'streaming',
      path: `Story transports[${entry.name}].streaming.lifecycle.drainTimeoutSeconds`,
      value: entry.streaming,
    },
    {
      origin: 'Story',
      field: 'settings',
      path: `Story transports[${entry.name}].settings.lifecycle.drainTimeoutSeconds`,
      value: entry.settings,
    },
    {
      origin: 'Transport',
      field: 'streaming',
      path: `Transport ${t} spec.streaming.lifecycle.drainTimeoutSeconds`,
      value: transport?.spec?.streaming,
    },
    {
      origin: 'Transport',
      field: 'settings',
      path: `Transport ${t} spec.defaultSettings.lifecycle.drainTimeoutSeconds`,
      value: transport?.spec?.defaultSettings,
    },
  ];
  const written = layers.filter((l) => drainKeyOf(l.value).present);
  const ignored = (reason: string): EntryDrain =>
    written.length > 0 ? { kind: 'ignored', reason } : { kind: 'none' };

  const storySide = settingsWithStreaming(entry.settings, entry.streaming);
  // A Story side the controller cannot read drops the whole entry, Transport defaults included.
  if (!storySide.ok) return ignored(`the Story entry cannot be read as settings (${storySide.error})`);
  // A Transport side it cannot read only drops the base.
  const base = transport
    ? settingsWithStreaming(transport.spec?.defaultSettings, transport.spec?.streaming)
    : undefined;
  const merged = deepMerge(base?.ok ? base.value : undefined, storySide.value);
  if (merged === undefined || Object.keys(merged).length === 0) return ignored('nothing to decode');
  const decoded = decodeStreamingSettings(merged);
  if (!decoded.ok) return ignored(`the merged settings do not decode: ${decoded.error}`);
  const lifecycle = decoded.value['lifecycle'];
  const seconds = isJsonObject(lifecycle) ? lifecycle['drainTimeoutSeconds'] : undefined;
  if (typeof seconds !== 'number') return ignored('no drainTimeoutSeconds survives the merge');
  if (seconds <= 0) return ignored(`drainTimeoutSeconds is ${seconds}: not > 0, so no drain`);
  const usable = base?.ok === false ? written.filter((l) => l.origin === 'Story') : written;
  const winner = usable.find((l) => drainKeyOf(l.value).value === seconds) ?? usable[0];
  return {
    kind: 'drain',
    seconds,
    source: {
      kind: 'transport-drain',
      transport: t,
      entry: entry.name,
      origin: winner?.origin ?? 'Story',
      field: winner?.field ?? 'settings',
      path: winner?.path ?? `Story transports[${entry.name}]`,
    },
  };
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
