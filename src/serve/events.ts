// Kubernetes Events (events.k8s.io/v1) about findings and repairs, written on the object a finding
// is about, so `kubectl describe storyrun NAME` and every event pipeline see them. A finding gets one
// Event when it appears; while it persists that Event is a series (series.count and
// lastObservedTime updated at most once per series interval), never a new Event per evaluation.
// Finding Events share a token bucket, so a storm of findings (a broken operator) becomes a trickle;
// those held back go out as tokens come. A repair always gets its Event.
import {
  EventsV1Api,
  PatchStrategy,
  setHeaderOptions,
  V1MicroTime,
  type KubeConfig,
} from '@kubernetes/client-node';
import type { Finding, Subject } from '../model/report.js';
import { findRuleMeta } from '../rules/index.js';
import { ApiCaller, defaultPolicy, HttpStatusError } from '../sources/cluster/caller.js';
import type { Logger } from './log.js';
import { maskedText } from './masked.js';
import type { EventResult } from './metrics.js';

export const REPORTING_CONTROLLER = 'storyctl.bubustack.io/serve';
/** events.k8s.io/v1 validation: note at most 1 kB, reason and action at most 128 characters. */
export const NOTE_LIMIT_BYTES = 1024;
const REASON_LIMIT = 128;

export interface Regarding {
  apiVersion: string;
  kind: string;
  /** Undefined for a cluster-scoped object (a Transport): its Events go to `default`, as client-go does. */
  namespace: string | undefined;
  name: string;
  uid?: string | undefined;
  resourceVersion?: string | undefined;
}

export interface EventSpec {
  regarding: Regarding;
  type: 'Normal' | 'Warning';
  reason: string;
  action: string;
  note: string;
}

/** A rule's name in CamelCase (`stalled-graceful-cancel` → `StalledGracefulCancel`), the Event reason. */
export function reasonOf(ruleId: string): string {
  const name = findRuleMeta(ruleId)?.name ?? ruleId;
  const camel = name
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((w) => w[0]?.toUpperCase() + w.slice(1))
    .join('');
  return (camel || ruleId).slice(0, REASON_LIMIT);
}

/** At most `limit` bytes of UTF-8, cut on a character boundary, with an ellipsis when cut. */
export function truncateNote(note: string, limit = NOTE_LIMIT_BYTES): string {
  if (Buffer.byteLength(note, 'utf8') <= limit) return note;
  const ellipsis = '…';
  let out = '';
  let bytes = Buffer.byteLength(ellipsis, 'utf8');
  for (const ch of note) {
    const b = Buffer.byteLength(ch, 'utf8');
    if (bytes + b > limit) break;
    out += ch;
    bytes += b;
  }
  return out + ellipsis;
}

/** Events as a finding describes them. */
export function findingEvent(f: Finding, regarding: Regarding): EventSpec {
  return {
    regarding,
    type: 'Warning',
    reason: reasonOf(f.ruleId),
    action: 'Diagnose',
    note: truncateNote(maskedText(f, `${f.ruleId}: ${f.message}`)),
  };
}

export interface TokenBucket {
  take(now: number): boolean;
  /** Ms until the next token. */
  wait(now: number): number;
}

export function tokenBucket(burst: number, perMinute: number, start: number): TokenBucket {
  let tokens = burst;
  let at = start;
  const refill = (now: number): void => {
    tokens = Math.min(burst, tokens + ((now - at) * perMinute) / 60_000);
    at = now;
  };
  return {
    take(now) {
      refill(now);
      if (tokens < 1) return false;
      tokens -= 1;
      return true;
    },
    wait(now) {
      refill(now);
      return tokens >= 1 ? 0 : Math.ceil(((1 - tokens) * 60_000) / perMinute);
    },
  };
}

export interface EventWriter {
  create(spec: EventSpec, now: number): Promise<{ name: string; namespace: string }>;
  series(at: { name: string; namespace: string }, count: number, now: number): Promise<void>;
}

/** The API writes. */
export function apiEventWriter(
  kc: KubeConfig,
  server: string,
  instance: string,
  timeoutSeconds: number,
): EventWriter {
  const api = kc.makeApiClient(EventsV1Api);
  const caller = (): ApiCaller => new ApiCaller(server, defaultPolicy(timeoutSeconds), 'events');
  let sequence = 0;
  return {
    async create(spec, now) {
      const namespace = spec.regarding.namespace ?? 'default';
      // client-go names Events `<object>.<unix nanos in hex>`; a sequence keeps two in one ms apart.
      const name = `${spec.regarding.name.slice(0, 200)}.${(now * 1000 + (sequence++ % 1000)).toString(16)}`;
      const regarding: Record<string, string> = {
        apiVersion: spec.regarding.apiVersion,
        kind: spec.regarding.kind,
        name: spec.regarding.name,
      };
      if (spec.regarding.namespace) regarding['namespace'] = spec.regarding.namespace;
      if (spec.regarding.uid) regarding['uid'] = spec.regarding.uid;
      if (spec.regarding.resourceVersion) regarding['resourceVersion'] = spec.regarding.resourceVersion;
      await caller().call(`create event on ${spec.regarding.kind} ${spec.regarding.name}`, (o) =>
        api.createNamespacedEvent(
          {
            namespace,
            body: {
              apiVersion: 'events.k8s.io/v1',
              kind: 'Event',
              metadata: { name, namespace },
              eventTime: new V1MicroTime(now),
              reportingController: REPORTING_CONTROLLER,
              reportingInstance: instance.slice(0, 128),
              action: spec.action,
              reason: spec.reason,
              regarding,
              note: spec.note,
              type: spec.type,
            },
          },
          o,
        ),
      );
      return { name, namespace };
    },
    async series(at, count, now) {
      await caller().call(`update event ${at.namespace}/${at.name}`, (o) =>
        api.patchNamespacedEvent(
          { ...at, body: { series: { count, lastObservedTime: new V1MicroTime(now) } } },
          setHeaderOptions('Content-Type', PatchStrategy.MergePatch, o),
        ),
      );
    },
  };
}

interface Series {
  at: { name: string; namespace: string } | undefined;
  count: number;
  lastBeat: number;
  /** Creation failed for a reason other than the rate limit: not tried again for this finding. */
  failed: boolean;
  deferred: boolean;
}

export interface RecorderOptions {
  writer: EventWriter;
  log: Logger;
  count: (result: EventResult) => void;
  clock: () => number;
  /** Subjects to Event targets (uid from the held objects); undefined: no Event. */
  regardingOf: (subject: Subject) => Regarding | undefined;
  seriesIntervalMs: number;
  burst: number;
  perMinute: number;
}

export class EventRecorder {
  private readonly series = new Map<string, Series>();
  private readonly bucket: TokenBucket;
  private enabled = true;
  private readonly deniedNamespaces = new Set<string>();
  private latest: readonly Finding[] = [];
  private running: Promise<void> | undefined;
  private again = false;
  private retry: ReturnType<typeof setTimeout> | undefined;
  private stopped = false;

  constructor(private readonly o: RecorderOptions) {
    this.bucket = tokenBucket(o.burst, o.perMinute, o.clock());
  }

  /** No permission to write Events at all (the read-only base): say so once, write none. */
  disable(reason: string): void {
    if (!this.enabled) return;
    this.enabled = false;
    this.o.log.warn('events: disabled', { reason });
  }

  get active(): boolean {
    return this.enabled;
  }

  /** The current findings (leader only): new ones get an Event, persisting ones a series update. */
  sync(findings: readonly Finding[]): Promise<void> {
    this.latest = findings;
    if (!this.enabled || this.stopped) return Promise.resolve();
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = this.pass().finally(() => {
      this.running = undefined;
      if (this.again) {
        this.again = false;
        void this.sync(this.latest);
      }
    });
    return this.running;
  }

  /** Not leader any more: forget the series (a new leader starts its own). */
  reset(): void {
    this.series.clear();
    if (this.retry) clearTimeout(this.retry);
    this.retry = undefined;
  }

  stop(): Promise<void> {
    this.stopped = true;
    this.reset();
    return this.running ?? Promise.resolve();
  }

  /** A repair's Event: not rate-limited (repairs are capped already). */
  async emit(spec: EventSpec): Promise<void> {
    if (!this.enabled || this.stopped) return;
    await this.write(spec).catch(() => undefined);
  }

  private async write(spec: EventSpec): Promise<{ name: string; namespace: string } | undefined> {
    const ns = spec.regarding.namespace ?? 'default';
    if (this.deniedNamespaces.has(ns)) return undefined;
    try {
      const at = await this.o.writer.create(spec, this.o.clock());
      this.o.count('created');
      return at;
    } catch (error) {
      this.failed(error, ns, `create an Event on ${spec.regarding.kind} ${ns}/${spec.regarding.name}`);
      throw error;
    }
  }

  private failed(error: unknown, namespace: string, what: string): void {
    this.o.count('failed');
    if (error instanceof HttpStatusError && error.code === 403) {
      if (!this.deniedNamespaces.has(namespace))
        this.o.log.warn('events: forbidden in namespace, none written there', {
          namespace,
          error: `may not ${what} (bind deploy/rbac/storyctl-repairer.yaml for Events)`,
        });
      this.deniedNamespaces.add(namespace);
      return;
    }
    this.o.log.warn('events: write failed', {
      error: error instanceof Error ? error.message : String(error),
      what,
    });
  }

  private async pass(): Promise<void> {
    const now = this.o.clock();
    const current = new Map<string, Finding>();
    for (const f of this.latest) if (f.subject) current.set(f.fingerprint, f);
    // Gone: the Event stays as it is; its lastObservedTime says when the finding was last seen.
    for (const key of [...this.series.keys()]) if (!current.has(key)) this.series.delete(key);

    let limited = false;
    for (const [key, f] of current) {
      if (this.stopped) return;
      const s = this.series.get(key);
      if (s?.failed) continue;
      if (s?.at && now - s.lastBeat < this.o.seriesIntervalMs) continue;
      const regarding = !s?.at && f.subject ? this.o.regardingOf(f.subject) : undefined;
      if (!s?.at && !regarding) continue;
      const entry: Series = s ?? { at: undefined, count: 0, lastBeat: now, failed: false, deferred: false };
      this.series.set(key, entry);
      if (!this.bucket.take(this.o.clock())) {
        limited = true;
        if (!entry.deferred) this.o.count('rate-limited');
        entry.deferred = true;
        continue;
      }
      entry.deferred = false;
      if (!entry.at) {
        try {
          entry.at = await this.write(findingEvent(f, regarding as Regarding));
          entry.count = 1;
        } catch {
          // Logged by write(); not tried again while this finding lasts.
        }
        if (!entry.at) entry.failed = true;
        entry.lastBeat = this.o.clock();
        continue;
      }
      const at = entry.at;
      try {
        await this.o.writer.series(at, entry.count + 1, this.o.clock());
        entry.count += 1;
        this.o.count('updated');
      } catch (error) {
        // 404: deleted (Events expire after an hour by default): the next pass makes a new one.
        if (error instanceof HttpStatusError && error.code === 404) entry.at = undefined;
        else this.failed(error, at.namespace, `update Event ${at.namespace}/${at.name}`);
      }
      entry.lastBeat = this.o.clock();
    }
    if (limited && !this.retry && !this.stopped) {
      this.retry = setTimeout(
        () => {
          this.retry = undefined;
          void this.sync(this.latest);
        },
        Math.max(100, this.bucket.wait(this.o.clock())),
      );
    }
  }
}
