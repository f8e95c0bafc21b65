import { describe, expect, it } from 'vitest';
import { MASK, redactString, redactValue } from '../../src/model/redact.js';

const hide = { showPii: false };
const show = { showPii: true };

describe('redactValue', () => {
  it('masks lk.pii.* values and participant identities unless PII is shown', () => {
    const evidence = {
      'lk.pii.room_name': 'call-+15551234567',
      'lk.pii.participant_identity': 'sip_+15551234567',
      participant: 'alice',
      pid: 4242,
    };
    expect(redactValue(evidence, hide)).toEqual({
      'lk.pii.room_name': MASK,
      'lk.pii.participant_identity': MASK,
      participant: MASK,
      pid: 4242,
    });
    expect(redactValue(evidence, show)).toEqual(evidence);
  });

  it('masks secrets always, even with --show-pii', () => {
    const v = {
      headers: { Authorization: 'Bearer abcdefghijklmnop' },
      apiKey: 'APIa1b2c3d4e5f6',
      note: 'token=s3cr3tvalue here',
    };
    const r = redactValue(v, show) as { headers: { Authorization: string }; apiKey: string; note: string };
    expect(r.headers.Authorization).toBe(MASK);
    expect(r.apiKey).toBe(MASK);
    expect(r.note).toBe(`token=${MASK} here`);
  });

  it('walks arrays and nested objects and keeps other values', () => {
    const v = [{ step: 'voice-agent', phase: 'Running', meta: { participantIdentity: 'bob' } }, 3, null];
    expect(redactValue(v, hide)).toEqual([
      { step: 'voice-agent', phase: 'Running', meta: { participantIdentity: MASK } },
      3,
      null,
    ]);
  });
});

describe('redactString', () => {
  it('masks the identity inside the Python warm-transfer message', () => {
    expect(redactString('participant disconnected from caller room: sip_+15551234567, closing', hide)).toBe(
      `participant disconnected from caller room: ${MASK}, closing`,
    );
  });

  it('masks bearer tokens and JWTs in free text', () => {
    const jwt = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhZ2VudCJ9.c2lnbmF0dXJlLXZhbHVl';
    expect(redactString(`Authorization: Bearer ${jwt}`, show)).not.toContain(jwt);
    expect(redactString(`ws token ${jwt}`, show)).toBe(`ws token ${MASK}`);
  });

  it('leaves ordinary text alone', () => {
    const text = 'Graceful cancel timeout expired; deleting remaining StepRuns';
    expect(redactString(text, hide)).toBe(text);
  });
});
