import { describe, expect, it } from 'vitest';
import { createRedactor, MASK, redactString, redactValue } from '../../src/model/redact.js';

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

// The credentials operators actually leak (issue 16 item 6), each masked with or without
// --show-pii. Before, only `Bearer`, JWTs, `token=`-style names at a word start and LiveKit `API…`
// keys were caught: `LIVEKIT_API_SECRET=…` and every token below went out as written.
describe('redactString: secrets operators leak', () => {
  const ghp = `ghp_${'a1B2c3D4e5'.repeat(4).slice(0, 36)}`;
  const pat = `github_pat_11ABCDEFG0123456789_${'x'.repeat(59)}`;
  it.each([
    [
      'env assignment',
      'LIVEKIT_API_SECRET=Zx8yWq2vLm9nB4cR7tK1pS6dF3gH0jA5',
      'LIVEKIT_API_SECRET=[redacted]',
    ],
    ['_TOKEN', 'export GITHUB_TOKEN=abcd1234efgh', 'export GITHUB_TOKEN=[redacted]'],
    ['_KEY', 'DEEPGRAM_KEY: 0123456789abcdef', 'DEEPGRAM_KEY: [redacted]'],
    [
      'AWS secret key',
      'AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
      'AWS_SECRET_ACCESS_KEY=[redacted]',
    ],
    ['JSON field', '{"livekit_api_secret": "s3cr3t-v4lue"}', '{"livekit_api_secret": "[redacted]"}'],
    ['camel case', '"secretAccessKey": "wJalrXUtnFEMI"', '"secretAccessKey": "[redacted]"'],
    ['GitHub classic', `cloning with ${ghp} now`, 'cloning with [redacted] now'],
    ['GitHub fine-grained', `token ${pat}`, 'token [redacted]'],
    ['Slack bot', 'posting with xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOp', 'posting with [redacted]'],
    ['Slack user', 'xoxp-1234567890-abcdefghij', '[redacted]'],
    ['AWS access key id', 'key id AKIAIOSFODNN7EXAMPLE in use', 'key id [redacted] in use'],
    ['bearer', 'Authorization: Bearer abc.def-ghi_jkl', 'Authorization: Bearer [redacted]'],
    ['basic', 'Authorization: Basic dXNlcjpwYXNzd29yZA==', 'Authorization: Basic [redacted]'],
    ['URL credentials', 'redis://agent:hunter22@redis:6379/0', 'redis://agent:[redacted]@redis:6379/0'],
    ['PEM key', '-----BEGIN RSA PRIVATE KEY-----\nMIIEow\n-----END RSA PRIVATE KEY-----', '[redacted]'],
  ])('%s', (_, text, masked) => {
    expect(redactString(text, show)).toBe(masked);
    expect(redactString(text, hide)).toBe(masked);
  });

  it('leaves look-alikes alone', () => {
    for (const text of [
      'prompt_tokens=1234 completion_tokens=56',
      'label key=storyrun.bubustack.io/name',
      'monkey=banana',
      'StepRun voice-agent: deleting remaining StepRuns',
    ])
      expect(redactString(text, hide)).toBe(text);
  });
});

describe('redactString: personal data in free text', () => {
  it('masks phone numbers and e-mail addresses unless PII is shown', () => {
    const text = 'caller sip_+15551234567 (alice@example.com) joined at 2026-04-22T18:13:19+00:00';
    expect(redactString(text, hide)).toBe(`caller sip_${MASK} (${MASK}) joined at 2026-04-22T18:13:19+00:00`);
    expect(redactString(text, show)).toBe(text);
  });
});

describe('createRedactor: values known from evidence', () => {
  it('masks a participant identity wherever it appears once evidence holds it under a PII key', () => {
    const r = createRedactor(hide, [
      { participantIdentity: 'caller-7731', nested: { apiToken: 'tok-abcdef' } },
    ]);
    expect(r.string('job for caller-7731 on host voice-1')).toBe(`job for ${MASK} on host voice-1`);
    expect(r.string('logs/caller-7731.log')).toBe(`logs/${MASK}.log`);
    // Secret values are known whatever --show-pii says; personal ones only when masked.
    expect(r.string('using tok-abcdef.')).toBe(`using ${MASK}.`);
    const shown = createRedactor(show, [{ participantIdentity: 'caller-7731', apiToken: 'tok-abcdef' }]);
    expect(shown.string('caller-7731 with tok-abcdef')).toBe(`caller-7731 with ${MASK}`);
    // A value is masked as a whole token, never inside a longer word.
    expect(r.string('caller-77310 is someone else')).toBe('caller-77310 is someone else');
  });
});
