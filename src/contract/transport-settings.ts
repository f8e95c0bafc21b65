// How the controller reads transport settings (research/bobrapet.md B4): free-form `settings` and
// `defaultSettings` blobs (map[string]any), typed `streaming` blocks with the operator's streaming
// defaults applied, a deep merge, and a decode into the typed TransportStreamingSettings. Go's
// encoding/json decides what counts: keys match case-insensitively, a number must be an integral
// int32, and a type error anywhere in the blob fails the whole decode. Pure.

type FieldType = 'int32' | 'string' | 'bool' | { struct: Schema } | { array: FieldType };
type Schema = Readonly<Record<string, FieldType>>;

const int32 = 'int32' as const;
const str = 'string' as const;
const bool = 'bool' as const;
const struct = (s: Schema): FieldType => ({ struct: s });
const array = (t: FieldType): FieldType => ({ array: t });

const MESSAGES_BYTES: Schema = { messages: int32, bytes: int32 };

/** api/transport/v1alpha1 TransportStreamingSettings, field names and Go types (v0.1.5–v0.1.12). */
const STREAMING: Schema = {
  backpressure: struct({
    buffer: struct({ maxMessages: int32, maxBytes: int32, maxAgeSeconds: int32, dropPolicy: str }),
  }),
  flowControl: struct({
    mode: str,
    initialCredits: struct(MESSAGES_BYTES),
    ackEvery: struct({ ...MESSAGES_BYTES, maxDelay: str }),
    pauseThreshold: struct({ bufferPct: int32 }),
    resumeThreshold: struct({ bufferPct: int32 }),
  }),
  delivery: struct({
    ordering: str,
    semantics: str,
    replay: struct({ mode: str, retentionSeconds: int32, checkpointInterval: str }),
  }),
  routing: struct({
    mode: str,
    fanOut: str,
    maxDownstreams: int32,
    rules: array(struct({ name: str, when: str, action: str, target: struct({ steps: array(str) }) })),
  }),
  lanes: array(
    struct({
      name: str,
      kind: str,
      direction: str,
      description: str,
      maxMessages: int32,
      maxBytes: int32,
    }),
  ),
  fanIn: struct({ mode: str, quorum: int32, timeoutSeconds: int32, maxEntries: int32 }),
  partitioning: struct({ mode: str, key: str, partitions: int32, sticky: bool }),
  lifecycle: struct({ strategy: str, drainTimeoutSeconds: int32, maxInFlight: int32 }),
  observability: struct({
    metrics: struct({ enabled: bool }),
    tracing: struct({ enabled: bool, sampleRate: int32, samplePolicy: str }),
    watermark: struct({ enabled: bool, timestampSource: str }),
  }),
  recording: struct({ mode: str, sampleRate: int32, retentionSeconds: int32, redactFields: array(str) }),
};

export type Decoded = { ok: true; value: Record<string, unknown> } | { ok: false; error: string };

export function isJsonObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** encoding/json's key match: exact first, else ASCII case-insensitive (Go folds Unicode too; rare enough). */
function fieldFor(schema: Schema, key: string): string | undefined {
  if (key in schema) return key;
  const lower = key.toLowerCase();
  return Object.keys(schema).find((k) => k.toLowerCase() === lower);
}

function decodeValue(type: FieldType, value: unknown, into: unknown, path: string): unknown {
  if (value === null) return undefined; // null leaves a pointer nil (a plain string unchanged: the same here)
  if (type === 'int32') {
    // The blob was re-marshalled from map[string]any: 90.0 is written as 90, 1.5 stays 1.5.
    if (typeof value !== 'number' || !Number.isInteger(value))
      throw new TypeError(`${path}: cannot decode ${JSON.stringify(value)} into an int32`);
    if (value < -2147483648 || value > 2147483647)
      throw new TypeError(`${path}: ${value} overflows an int32`);
    return value;
  }
  if (type === 'string') {
    if (typeof value !== 'string')
      throw new TypeError(`${path}: cannot decode ${JSON.stringify(value)} into a string`);
    return value;
  }
  if (type === 'bool') {
    if (typeof value !== 'boolean')
      throw new TypeError(`${path}: cannot decode ${JSON.stringify(value)} into a bool`);
    return value;
  }
  if ('array' in type) {
    if (!Array.isArray(value))
      throw new TypeError(`${path}: cannot decode ${JSON.stringify(value)} into an array`);
    return value.map((item, i) => decodeValue(type.array, item, undefined, `${path}[${i}]`));
  }
  if (!isJsonObject(value))
    throw new TypeError(`${path}: cannot decode ${JSON.stringify(value)} into an object`);
  return decodeStruct(type.struct, value, isJsonObject(into) ? into : undefined, path);
}

function decodeStruct(
  schema: Schema,
  value: Record<string, unknown>,
  into: Record<string, unknown> | undefined,
  path: string,
): Record<string, unknown> {
  // Go decodes keys in the order of the text; a re-marshalled map has them sorted, so of two
  // spellings (`Lifecycle`, `lifecycle`) the later one lands last, into the same field.
  const out: Record<string, unknown> = { ...(into ?? {}) };
  for (const key of Object.keys(value).sort()) {
    const field = fieldFor(schema, key);
    if (field === undefined) continue; // unknown keys are ignored
    const type = schema[field] as FieldType;
    const decoded = decodeValue(type, value[key], out[field], path ? `${path}.${key}` : key);
    if (decoded === undefined) delete out[field];
    else out[field] = decoded;
  }
  return out;
}

/** json.Unmarshal into TransportStreamingSettings: the canonical typed form, or the first type error. */
export function decodeStreamingSettings(value: unknown): Decoded {
  if (value === undefined || value === null) return { ok: true, value: {} };
  try {
    const decoded = decodeValue({ struct: STREAMING }, value, undefined, '');
    return { ok: true, value: decoded as Record<string, unknown> };
  } catch (error) {
    return { ok: false, error: error instanceof Error ? error.message : String(error) };
  }
}

/**
 * pkg/transport applyTransportStreamingDefaults: every typed streaming block (even an absent one)
 * gets flow control, routing.maxDownstreams and four lanes before it is merged. None of them is a
 * lifecycle, but they win the merge over a Story's free-form settings on those keys.
 */
export function withStreamingDefaults(typed: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = structuredClone(typed);
  const fc = isJsonObject(out['flowControl']) ? out['flowControl'] : {};
  const ack = { messages: 10, maxDelay: '250ms' };
  const defaultable =
    fc['mode'] === undefined &&
    fc['initialCredits'] === undefined &&
    fc['ackEvery'] === undefined &&
    fc['pauseThreshold'] === undefined &&
    fc['resumeThreshold'] === undefined;
  if (defaultable) {
    Object.assign(fc, {
      mode: 'credits',
      ackEvery: ack,
      pauseThreshold: { bufferPct: 90 },
      resumeThreshold: { bufferPct: 50 },
    });
  } else if (fc['mode'] === 'credits' || fc['mode'] === 'window') {
    fc['ackEvery'] ??= ack;
    fc['pauseThreshold'] ??= { bufferPct: 90 };
    fc['resumeThreshold'] ??= { bufferPct: 50 };
  }
  out['flowControl'] = fc;
  const routing = isJsonObject(out['routing']) ? out['routing'] : {};
  routing['maxDownstreams'] ??= 32;
  out['routing'] = routing;
  const lanes = Array.isArray(out['lanes']) ? (out['lanes'] as Record<string, unknown>[]) : [];
  out['lanes'] =
    lanes.length === 0
      ? ['audio', 'video', 'binary', 'payload'].map((name) => ({
          name,
          kind: name,
          direction: 'bidirectional',
          maxMessages: 100,
          maxBytes: 1048576,
        }))
      : lanes.map((l) => ({ maxMessages: 100, maxBytes: 1048576, direction: 'bidirectional', ...l }));
  return out;
}

/** kubeutil deepMergeJSONMaps: maps merge recursively, anything else in the overlay replaces. */
export function deepMerge(
  base: Record<string, unknown> | undefined,
  overlay: Record<string, unknown> | undefined,
): Record<string, unknown> | undefined {
  if (base === undefined) return overlay === undefined ? undefined : structuredClone(overlay);
  if (overlay === undefined) return structuredClone(base);
  const out: Record<string, unknown> = structuredClone(base);
  for (const [k, v] of Object.entries(overlay)) {
    const existing = out[k];
    out[k] = isJsonObject(existing) && isJsonObject(v) ? deepMerge(existing, v) : structuredClone(v);
  }
  return out;
}

export type LayerResult =
  { ok: true; value: Record<string, unknown> | undefined } | { ok: false; error: string };

/**
 * MergeSettingsWithStreaming(settings, streaming): the free-form blob under the typed block with
 * its defaults. A blob that is not a JSON object (or null) cannot be read as map[string]any: the
 * controller then drops the whole layer (`Failed to encode ... settings`).
 */
export function settingsWithStreaming(settings: unknown, streaming: unknown): LayerResult {
  const typed = decodeStreamingSettings(streaming);
  if (!typed.ok) return { ok: false, error: `streaming: ${typed.error}` };
  const streamingLayer = withStreamingDefaults(typed.value);
  if (settings === undefined || settings === null) return { ok: true, value: streamingLayer };
  if (!isJsonObject(settings))
    return {
      ok: false,
      error: `settings is ${Array.isArray(settings) ? 'an array' : typeof settings}, not an object`,
    };
  return { ok: true, value: deepMerge(settings, streamingLayer) };
}

/** `lifecycle.drainTimeoutSeconds` of a layer as the decode would find it (any key spelling). */
export function drainKeyOf(layer: unknown): { present: boolean; value: unknown } {
  if (!isJsonObject(layer)) return { present: false, value: undefined };
  let found: { present: boolean; value: unknown } = { present: false, value: undefined };
  for (const key of Object.keys(layer).sort()) {
    if (key.toLowerCase() !== 'lifecycle') continue;
    const lifecycle = layer[key];
    if (!isJsonObject(lifecycle)) continue;
    for (const k of Object.keys(lifecycle).sort())
      if (k.toLowerCase() === 'draintimeoutseconds') found = { present: true, value: lifecycle[k] };
  }
  return found;
}
