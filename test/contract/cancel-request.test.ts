import { describe, expect, it } from 'vitest';
import { cancelRequestOf, managerKind } from '../../src/contract/cancel-request.js';
import { cancelManagedFields, makeRun } from '../support/objects.js';

describe('dating a cancel from managedFields', () => {
  it('takes the entry that owns spec.cancelRequested, its time and its manager', () => {
    const run = makeRun({
      cancelRequested: true,
      cancelRequestedBy: { manager: 'kubectl-patch', time: '2026-04-22T18:13:32Z' },
    });
    run.metadata.managedFields?.unshift({
      ...cancelManagedFields('manager', '2026-04-22T18:20:00Z'),
      fieldsV1: { 'f:status': {} },
      subresource: 'status',
    });
    expect(cancelRequestOf(run)).toEqual({
      at: Date.parse('2026-04-22T18:13:32Z'),
      time: '2026-04-22T18:13:32Z',
      manager: 'kubectl-patch',
      managerKind: 'kubectl',
      operation: 'Update',
    });
  });

  it('is undefined without a cancel, without an owning entry, or without a valid time', () => {
    expect(
      cancelRequestOf(makeRun({ cancelRequestedBy: { manager: 'x', time: '2026-04-22T18:13:32Z' } })),
    ).toBeUndefined();
    expect(cancelRequestOf(makeRun({ cancelRequested: true }))).toBeUndefined();
    expect(
      cancelRequestOf(makeRun({ cancelRequested: true, cancelRequestedBy: { manager: 'x', time: 'soon' } })),
    ).toBeUndefined();
  });

  it('names kubectl, storyctl and everyone else', () => {
    expect(
      [
        'kubectl',
        'kubectl-edit',
        'kubectl-client-side-apply',
        'storyctl',
        'node-fetch',
        'livekit-webhook',
      ].map(managerKind),
    ).toEqual(['kubectl', 'kubectl', 'kubectl', 'storyctl', 'other', 'other']);
  });
});
