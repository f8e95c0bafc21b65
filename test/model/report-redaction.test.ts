// buildReport masks everything a report says, subjects and locations included (issue 16 item 6).
// Before, only message, evidence and fix were redacted: a job id, a hostname or a file name
// carrying a token or a caller's number went out as written.
import { describe, expect, it } from 'vitest';
import { fingerprint } from '../../src/model/fingerprint.js';
import { MASK } from '../../src/model/redact.js';
import { buildReport, type Finding } from '../../src/model/report.js';

const NOW = Date.parse('2026-04-22T18:16:00Z');
const SLACK = 'xoxb-123456789012-abcdefABCDEF';

function leaky(): Finding {
  const subject = { kind: 'AgentProcess' as const, name: 'voice-agent-+15551234567/4242' };
  return {
    ruleId: 'LK201',
    severity: 'warning',
    message: 'room call-+15551234567 left open',
    subject,
    location: { file: `captures/${SLACK}/agent.log`, line: 12 },
    evidence: { 'lk.pii.participant_identity': 'sip_caller_7731', jobId: 'AJ_sip_caller_7731' },
    fingerprint: fingerprint('LK201', subject, '2026-04-22T18:13:19.000Z'),
  };
}

describe('buildReport redaction', () => {
  it('masks subjects, locations and not-evaluated entries, and keeps the fingerprint', () => {
    const f = leaky();
    const report = buildReport({
      now: NOW,
      sources: [],
      findings: [f],
      notEvaluated: [
        {
          ruleId: 'LK102',
          subject: { kind: 'AgentProcess', name: 'host/sip_caller_7731' },
          reason: `capture ${SLACK} too short`,
        },
      ],
    });
    const [out] = report.findings;
    expect(out?.subject).toEqual({ kind: 'AgentProcess', name: `voice-agent-${MASK}/4242` });
    expect(out?.location).toEqual({ file: `captures/${MASK}/agent.log`, line: 12 });
    expect(out?.message).toBe(`room call-${MASK} left open`);
    expect(out?.evidence).toEqual({ 'lk.pii.participant_identity': MASK, jobId: 'AJ_sip_caller_7731' });
    // The identity the evidence named is masked where it reappears as a whole token.
    expect(report.notEvaluated).toEqual([
      {
        ruleId: 'LK102',
        subject: { kind: 'AgentProcess', name: `host/${MASK}` },
        reason: `capture ${MASK} too short`,
      },
    ]);
    // The fingerprint was computed from the unmasked subject, and stays that.
    expect(out?.fingerprint).toBe(f.fingerprint);
    expect(JSON.stringify(report)).not.toContain('15551234567');
    expect(JSON.stringify(report)).not.toContain(SLACK);
  });

  it('--show-pii shows personal data and never a secret', () => {
    const report = buildReport({
      now: NOW,
      sources: [],
      findings: [leaky()],
      notEvaluated: [],
      showPii: true,
    });
    const [out] = report.findings;
    expect(out?.subject?.name).toBe('voice-agent-+15551234567/4242');
    expect(out?.evidence['lk.pii.participant_identity']).toBe('sip_caller_7731');
    expect(out?.location?.file).toBe(`captures/${MASK}/agent.log`);
  });
});
