// `storyctl finish -o json|yaml` (the plan a dry run prints, and the results after a run) redacted
// the way reports are (issue 16 item 6): personal data masked unless --show-pii, secrets always.
// Before, the diff was masked but the JSON printed every field as read from the cluster.
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { MASK } from '../../src/model/redact.js';
import { planDocument, planRun } from '../../src/repair/plan.js';
import { renderFinishDocument } from '../../src/report/finish-document.js';
import { CANCEL_AT, SEED_RUN, STEPS, makeRun, makeStep } from '../support/objects.js';

const NOW = Date.parse('2026-04-22T18:20:00Z');
const TOKEN = 'ghp_0123456789abcdefABCDEF0123456789abcd';
const PHONE = '+15551234567';
const CALLER = 'sip_caller_7731';

function leakyDocument() {
  const plan = planRun({
    run: makeRun({ phase: 'Running', cancelRequested: true, cancelObservedAt: CANCEL_AT }),
    steps: STEPS.map((s) => makeStep(SEED_RUN, s)),
    now: NOW,
    mode: 'force-terminal',
    user: 'oncall',
    reason: `INC-4711 after rotating GITHUB_TOKEN=${TOKEN}`,
  });
  // What a cluster's objects can carry into a plan: a finding's message quoting the caller, a
  // field's old value with an lk.pii.* key and the identity again in free text.
  plan.findings.push({ ruleId: 'SR101', message: `call from ${PHONE} still running` });
  plan.changes.push({
    path: 'status.output',
    before: { 'lk.pii.participant_identity': CALLER, note: `left by ${CALLER}` },
    after: null,
  });
  return {
    ...planDocument([plan], 'force-terminal', 'client'),
    notes: [`call-${PHONE} is gone since the scan: nothing to finish`],
  };
}

describe('renderFinishDocument', () => {
  for (const format of ['json', 'yaml'] as const) {
    it(`masks personal data and secrets in -o ${format} by default`, () => {
      const text = renderFinishDocument(leakyDocument(), format, { showPii: false });
      for (const leak of [TOKEN, PHONE, CALLER]) expect(text).not.toContain(leak);
      const doc = (format === 'json' ? JSON.parse(text) : parse(text)) as ReturnType<typeof leakyDocument>;
      const [run] = doc.runs;
      expect(run?.findings.at(-1)?.message).toBe(`call from ${MASK} still running`);
      expect(run?.changes.at(-1)?.before).toEqual({
        'lk.pii.participant_identity': MASK,
        note: `left by ${MASK}`,
      });
      expect(run?.annotations?.['storyctl.bubustack.io/reason']).toBe(
        `INC-4711 after rotating GITHUB_TOKEN=${MASK}`,
      );
      expect(doc.notes).toEqual([`call-${MASK} is gone since the scan: nothing to finish`]);
      // The rest of the plan is as planned.
      expect(run).toMatchObject({ name: SEED_RUN, action: 'repair', finalPhase: 'Finished' });
    });

    it(`--show-pii shows personal data in -o ${format}, never a secret`, () => {
      const text = renderFinishDocument(leakyDocument(), format, { showPii: true });
      expect(text).toContain(PHONE);
      expect(text).toContain(CALLER);
      expect(text).not.toContain(TOKEN);
    });
  }

  it('prints JSON as before: two-space indented, one trailing newline', () => {
    const doc = { apiVersion: 'storyctl/v1', kind: 'FinishPlan', runs: [] };
    expect(renderFinishDocument(doc, 'json', { showPii: false })).toBe(`${JSON.stringify(doc, null, 2)}\n`);
  });
});
