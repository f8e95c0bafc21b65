import { describe, expect, it } from 'vitest';
import { dt103 } from '../../../src/rules/logs/dt103-named-session-replay-unresolved.js';
import { ductor, ids, runLogRule } from './helpers.js';

describe('DT103 named-session-replay-unresolved', () => {
  const sub = ductor(
    1,
    'INFO',
    'Background task submitted id=t1 chat=42 provider=claude session=nightly',
    'main',
  );
  it('is not evaluated while the process is still running at the end of the capture', () => {
    const r = runLogRule(dt103, [
      ductor(0, 'INFO', 'Logging initialized'),
      sub,
      ductor(2, 'INFO', 'Bot online: @b'),
    ]);
    expect(r.findings).toEqual([]);
    expect(r.notEvaluated.map((n) => n.ruleId)).toEqual(['DT103']);
  });

  it('fires when the process ends first and stays quiet when resolved', () => {
    const end = ductor(50, 'INFO', 'PID lock released');
    expect(
      ids(
        runLogRule(dt103, [
          ductor(0, 'INFO', 'Logging initialized'),
          sub,
          ductor(2, 'INFO', 'Bot online: @b'),
          end,
        ]),
      ),
    ).toEqual(['DT103']);
    for (const done of [
      'CLI ns:nightly [ok] 3.1s',
      'CLI ns:nightly [error] exit 1',
      'Named session task failed: nightly',
    ]) {
      const r = runLogRule(dt103, [
        ductor(0, 'INFO', 'Logging initialized'),
        sub,
        ductor(2, 'INFO', 'Bot online: @b'),
        ductor(9, 'INFO', done, 'main'),
        end,
      ]);
      expect(r.findings).toEqual([]);
    }
  });

  it('a failure naming no pending replay resolves none of them (no fallback to the first)', () => {
    const weekly = ductor(
      1,
      'INFO',
      'Background task submitted id=t2 chat=43 provider=claude session=weekly',
      'main',
    );
    const lines = (failed: string) => [
      ductor(0, 'INFO', 'Logging initialized'),
      sub,
      weekly,
      ductor(2, 'INFO', 'Bot online: @b'),
      ductor(9, 'INFO', `Named session task failed: ${failed}`, 'main'),
      ductor(50, 'INFO', 'PID lock released'),
    ];
    const unmatched = runLogRule(dt103, lines('monthly'));
    expect(unmatched.findings.map((f) => f.subject?.name).sort()).toEqual(['42', '43']);
    const second = runLogRule(dt103, lines('weekly'));
    expect(second.findings.map((f) => f.subject?.name)).toEqual(['42']);
  });

  it('ignores tasks submitted after Bot online (not a startup replay)', () => {
    const r = runLogRule(dt103, [
      ductor(0, 'INFO', 'Logging initialized'),
      ductor(2, 'INFO', 'Bot online: @b'),
      sub,
      ductor(50, 'INFO', 'PID lock released'),
    ]);
    expect(r.findings).toEqual([]);
  });
});
