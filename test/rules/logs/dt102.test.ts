import { describe, expect, it } from 'vitest';
import { dt102 } from '../../../src/rules/logs/dt102-turn-timed-out.js';
import { ductor, ids, runLogRule } from './helpers.js';

describe('DT102 turn-timed-out', () => {
  it('is resolved only by a later turn of the same session', () => {
    const to = ductor(0, 'WARNING', 'Session timed out after 600s', 'main:msg:1:aaaa1111');
    expect(
      ids(runLogRule(dt102, [to, ductor(60, 'INFO', 'Normal flow starting', 'main:msg:1:bbbb2222')])),
    ).toEqual(['DT102']);
    expect(
      ids(runLogRule(dt102, [to, ductor(60, 'INFO', 'Normal flow starting', 'main:msg:1:aaaa1111')])),
    ).toEqual([]);
  });

  describe('0.20.x: the resume is the later `Session resolved sid=<sid8> new=False`', () => {
    const chat = '-1001234567890';
    const topic = 'Release Planning: Q2';
    const c = (sid?: string) => `main:msg:${chat}:${topic}${sid ? `:${sid}` : ''}`;
    // A new session: the sid is only in `Timeout: preserving`, logged before `Session timed out`.
    const timedOut = [
      ductor(0, 'INFO', 'Streaming flow starting', c()),
      ductor(0, 'INFO', 'Session resolved sid=<new> new=True msgs=0', c()),
      ductor(900, 'INFO', 'Timeout: preserving session_id 1a2b3c4d for resume', c()),
      ductor(900, 'WARNING', 'Session timed out after 600s model=opus', c()),
    ];

    it('fires when nothing resumes it, naming the chat (negative id) and the preserved session', () => {
      const r = runLogRule(dt102, [
        ...timedOut,
        ductor(1500, 'INFO', 'Streaming flow starting', 'main:msg:42'),
      ]);
      expect(r.findings.map((f) => f.subject?.name)).toEqual([chat]);
      expect(r.findings[0]?.evidence.session).toBe('1a2b3c4d');
    });

    it('stays quiet when a later turn resumes it, even though its opening line has no sid', () => {
      const r = runLogRule(dt102, [
        ...timedOut,
        ductor(1200, 'INFO', 'Streaming flow starting', c()),
        ductor(1200, 'INFO', 'Session resolved sid=1a2b3c4d new=False msgs=1', c('1a2b3c4d')),
      ]);
      expect(r.findings).toEqual([]);
    });

    it('is not resolved by a later turn that starts a new session', () => {
      const r = runLogRule(dt102, [
        ...timedOut,
        ductor(1200, 'INFO', 'Streaming flow starting', c()),
        ductor(1200, 'INFO', 'Session resolved sid=<new> new=True msgs=0', c()),
      ]);
      expect(ids(r)).toEqual(['DT102']);
    });
  });
});
