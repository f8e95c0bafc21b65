import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { lintPaths } from '../../logs/helpers.js';
import { FIXTURES } from './helpers.js';

describe('Ductor rules on the fixture', () => {
  it('report the stranded, timed-out and unresolved work, and nothing for the near misses', async () => {
    const r = await lintPaths([join(FIXTURES, 'ductor')]);
    const by = (id: string) =>
      r.findings
        .filter((f) => f.ruleId === id)
        .map((f) => f.subject?.name)
        .sort();
    expect(by('DT101')).toEqual(['222333444', '444555666']);
    expect(by('DT102')).toEqual(['123456789']);
    expect(by('DT103')).toEqual(['333444555']);
    expect(r.findings.every((f) => f.subject?.kind === 'DuctorChat')).toBe(true);
    expect(r.notEvaluated).toEqual([]);
  });
});
