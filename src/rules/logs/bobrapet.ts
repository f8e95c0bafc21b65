// Naming the objects of a Bobrapet controller line (LOG-FORMATS.md section 1; bobrapet
// `pkg/logging/structured.go`, controller-runtime's reconcile context). Keys repeat within a line
// and JSON.parse keeps the last: `name` may be a resource's name (`Deleting realtime resource after
// TTL expiry` logs the TransportBinding's after the StepRun's), `steprun` may be the reconcile
// request object and then a plain name. The controller-runtime object (`StoryRun` / `StepRun`:
// `{name, namespace}`, written first) names the object the reconcile is for; a rule's own key
// (`storyrun` / `steprun`: a name, `ns/name`, or `{name[, namespace][, uid]}`) comes next.
import type { LogEvent } from '../../model/log-event.js';
import type { Subject } from '../../model/report.js';

type Kind = 'StoryRun' | 'StepRun';

function ref(value: unknown): { name?: string; namespace?: string } | undefined {
  if (typeof value === 'string' && value !== '') {
    const slash = value.indexOf('/');
    return slash > 0 ? { namespace: value.slice(0, slash), name: value.slice(slash + 1) } : { name: value };
  }
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    const o = value as Record<string, unknown>;
    const out: { name?: string; namespace?: string } = {};
    if (typeof o.name === 'string' && o.name !== '') out.name = o.name;
    if (typeof o.namespace === 'string' && o.namespace !== '') out.namespace = o.namespace;
    return out;
  }
  return undefined;
}

function subjectOf(kind: Kind, ev: LogEvent, objectKey: string, ownKeys: string[]): Subject | undefined {
  const f = ev.fields;
  // The reconcile context names the object only when the controller reconciles that kind.
  const object = f.controllerKind === kind || f.controllerKind === undefined ? ref(f[objectKey]) : undefined;
  let own: { name?: string; namespace?: string } | undefined;
  for (const k of ownKeys) {
    own = ref(f[k]);
    if (own?.name !== undefined) break;
  }
  // A line with neither (a bare `{namespace, name}` context) names its object by `name` alone.
  const name =
    object?.name ?? own?.name ?? (typeof f.name === 'string' && f.name !== '' ? f.name : undefined);
  if (name === undefined) return undefined;
  const ns =
    object?.namespace ?? own?.namespace ?? (typeof f.namespace === 'string' ? f.namespace : undefined);
  return ns !== undefined ? { kind, namespace: ns, name } : { kind, name };
}

/** The StoryRun a controller line is about. */
export function storyRunOf(ev: LogEvent): Subject | undefined {
  return subjectOf('StoryRun', ev, 'StoryRun', ['storyrun', 'storyRun']);
}

/**
 * The StepRun a controller line is about: from `StepRun` or `steprun` whenever the line has one,
 * so never from the last `name` of a line that also names a resource.
 */
export function stepRunOf(ev: LogEvent): Subject | undefined {
  return subjectOf('StepRun', ev, 'StepRun', ['steprun', 'stepRun']);
}

export function subjectText(s: Subject): string {
  return `${s.namespace ? `${s.namespace}/` : ''}${s.name}`;
}
