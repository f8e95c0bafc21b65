// When a cancel was requested and by whom, from the StoryRun's own managedFields: the dating of a
// cancel on releases without the observed-at annotation (≤ v0.1.11, or v0.1.12 before its first
// pass). The entry that owns `spec.cancelRequested` is the writer that set it; its `time` is that
// writer's last change to the object, so the cancel is at least as old as the age it gives. Pure.
import type { ManagedFieldsEntry, StoryRun } from '../model/kube.js';
import { parseTime } from './time.js';

export type ManagerKind = 'kubectl' | 'storyctl' | 'other';

export interface CancelRequest {
  /** Epoch ms of the entry's `time`. */
  at: number;
  /** The entry's `time` as written (RFC3339, second precision). */
  time: string;
  manager: string;
  managerKind: ManagerKind;
  operation: string | undefined;
}

function ownsCancelRequested(entry: ManagedFieldsEntry): boolean {
  const spec = entry.fieldsV1?.['f:spec'];
  return typeof spec === 'object' && spec !== null && 'f:cancelRequested' in spec;
}

/** kubectl's managers are `kubectl`, `kubectl-patch`, `kubectl-edit`, `kubectl-client-side-apply`, ... */
export function managerKind(manager: string): ManagerKind {
  if (/^kubectl(-|$)/.test(manager)) return 'kubectl';
  if (manager === 'storyctl') return 'storyctl';
  return 'other';
}

export function describeManager(request: CancelRequest): string {
  switch (request.managerKind) {
    case 'kubectl':
      return `a kubectl user (field manager ${request.manager})`;
    case 'storyctl':
      return 'storyctl finish';
    case 'other':
      return `field manager ${request.manager} (the SDK, an impulse or another controller)`;
  }
}

/** The managedFields entry that set spec.cancelRequested, when the run has one with a valid time. */
export function cancelRequestOf(run: StoryRun): CancelRequest | undefined {
  if (run.spec?.cancelRequested !== true) return undefined;
  let best: CancelRequest | undefined;
  for (const entry of run.metadata.managedFields ?? []) {
    // A /status entry cannot own a spec field; skip it in case a writer claims one anyway.
    if (entry.subresource === 'status' || !ownsCancelRequested(entry)) continue;
    const at = parseTime(entry.time);
    if (at === undefined || !entry.time) continue;
    // Two owners (an apply that set the same value): the earlier one set it first.
    if (best && best.at <= at) continue;
    const manager = entry.manager ?? '(no manager)';
    best = { at, time: entry.time, manager, managerKind: managerKind(manager), operation: entry.operation };
  }
  return best;
}
