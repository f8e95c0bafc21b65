// The objects serve holds: the four kinds as the watches deliver them, kept in mutable maps (a copy
// per event, as the dashboard does, would copy 20 000 StepRuns for every status change). Objects are
// stored without metadata.managedFields, which no rule reads and which is often the larger half of
// an object. The store also sees the one transition the rules cannot, since they look at one
// moment: a canceled run becoming terminal, and how long its stop took.
import { isTerminal } from '../contract/phases.js';
import { parseTime } from '../contract/time.js';
import {
  ANNOTATIONS,
  type ObjectSet,
  type StepRun,
  type Story,
  type StoryRun,
  type Transport,
} from '../model/kube.js';
import { objectKey, type ObjectKind } from '../model/world.js';

type AnyObject = StoryRun | StepRun | Story | Transport;

interface Named {
  metadata: { name: string; namespace?: string };
}

/** What the watch source delivers (structurally its ObjectEvent). */
export type StoreEvent =
  | { type: 'reset'; kind: ObjectKind; items: readonly Named[] }
  | { type: 'upsert'; kind: ObjectKind; object: Named }
  | { type: 'delete'; kind: ObjectKind; object: Named };

/** A canceled run seen becoming terminal: the stop it took. */
export interface CancelStop {
  key: string;
  namespace: string;
  name: string;
  /** From graceful-cancel-observed-at to status.finishedAt (or to when the change was seen). */
  seconds: number;
}

export const KINDS: readonly ObjectKind[] = ['storyRuns', 'stepRuns', 'stories', 'transports'];

export class ObjectStore {
  private readonly maps: Record<ObjectKind, Map<string, AnyObject>> = {
    storyRuns: new Map(),
    stepRuns: new Map(),
    stories: new Map(),
    transports: new Map(),
  };
  private readonly listed = new Set<ObjectKind>();
  private changes = 0;

  /** Counts the events applied: equal counts, the same objects (serve keeps its world until then). */
  get version(): number {
    return this.changes;
  }

  /** Apply one watch event; returns the canceled runs it shows ending (at most one, or many on a relist). */
  apply(event: StoreEvent, now: number): CancelStop[] {
    const map = this.maps[event.kind];
    const stops: CancelStop[] = [];
    this.changes++;
    const put = (o: Named): void => {
      const key = keyOf(event.kind, o);
      const next = slim(o);
      if (event.kind === 'storyRuns') {
        const stop = cancelStop(map.get(key) as StoryRun | undefined, next as StoryRun, now);
        if (stop) stops.push(stop);
      }
      map.set(key, next);
    };
    switch (event.type) {
      case 'reset': {
        // A relist after 410: what vanished meanwhile was deleted; what changed is compared as usual.
        const seen = new Set<string>();
        for (const o of event.items) {
          seen.add(keyOf(event.kind, o));
          put(o);
        }
        for (const key of [...map.keys()]) if (!seen.has(key)) map.delete(key);
        this.listed.add(event.kind);
        break;
      }
      case 'upsert':
        put(event.object);
        break;
      case 'delete':
        map.delete(keyOf(event.kind, event.object));
        break;
    }
    return stops;
  }

  /** Every kind has been listed completely once (readiness). */
  get complete(): boolean {
    return KINDS.every((k) => this.listed.has(k));
  }

  /** The kinds not listed yet, for /readyz. */
  get pending(): ObjectKind[] {
    return KINDS.filter((k) => !this.listed.has(k));
  }

  count(kind: ObjectKind): number {
    return this.maps[kind].size;
  }

  /** One held object by kind and key (`namespace/name`; a Transport's key is its name). */
  get(kind: ObjectKind, key: string): StoryRun | StepRun | Story | Transport | undefined {
    return this.maps[kind].get(key);
  }

  storyRuns(): IterableIterator<StoryRun> {
    return this.maps.storyRuns.values() as IterableIterator<StoryRun>;
  }

  /** The objects as arrays, for buildWorld (arrays of the held objects, nothing is copied deeply). */
  snapshot(): ObjectSet {
    return {
      storyRuns: [...this.maps.storyRuns.values()] as StoryRun[],
      stepRuns: [...this.maps.stepRuns.values()] as StepRun[],
      stories: [...this.maps.stories.values()] as Story[],
      transports: [...this.maps.transports.values()] as Transport[],
    };
  }
}

function keyOf(kind: ObjectKind, o: Named): string {
  return kind === 'transports' ? o.metadata.name : objectKey(o.metadata.namespace, o.metadata.name);
}

/** The object without metadata.managedFields (in place): no rule reads it. */
export function withoutManagedFields<T extends Named>(o: T): T {
  const meta = o.metadata as { managedFields?: unknown };
  if (meta.managedFields !== undefined) delete meta.managedFields;
  return o;
}

function slim(o: Named): AnyObject {
  return withoutManagedFields(o) as AnyObject;
}

function cancelStop(prev: StoryRun | undefined, next: StoryRun, now: number): CancelStop | undefined {
  // Only a transition counts: a run first seen terminal ended before serve looked.
  if (!prev || isTerminal(prev.status?.phase) || !isTerminal(next.status?.phase)) return undefined;
  if (prev.spec?.cancelRequested !== true && next.spec?.cancelRequested !== true) return undefined;
  const observed =
    parseTime(next.metadata.annotations?.[ANNOTATIONS.cancelObservedAt]) ??
    parseTime(prev.metadata.annotations?.[ANNOTATIONS.cancelObservedAt]);
  if (observed === undefined) return undefined;
  const end = parseTime(next.status?.finishedAt) ?? now;
  const namespace = next.metadata.namespace ?? 'default';
  return {
    key: objectKey(namespace, next.metadata.name),
    namespace,
    name: next.metadata.name,
    seconds: Math.max(0, (end - observed) / 1000),
  };
}
