import { mkdtempSync, writeFileSync, mkdirSync, readFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { logRules } from '../../src/rules/index.js';
import { lintLogs } from '../../src/logs/index.js';
import { StoryctlError } from '../../src/model/errors.js';
import { FIXTURES, ids, lintPaths, lintText } from './helpers.js';

const MIXED = join(FIXTURES, 'mixed-prefixed/capture.txt');
const MIXED_GZ = join(FIXTURES, 'mixed-prefixed/capture-copy.bin');
const MIXED_EXPECTED = ['BR101', 'LK101', 'LK101', 'LK102', 'LK103', 'LK201'];
/** Records per format among the capture's first 64 and those the rules needed; two garbage lines. */
const MIXED_COUNTS = { formats: { 'pino-json': 31, 'pino-pretty': 2, 'zap-json': 32 }, unrecognised: 2 };

describe('lintLogs inputs', () => {
  it('lints a prefixed, mixed capture with garbage lines, counting what it skipped', async () => {
    const r = await lintPaths([MIXED]);
    expect(ids(r)).toEqual(MIXED_EXPECTED);
    expect(r.sources).toEqual([{ type: 'log', name: MIXED, lines: 79, skippedLines: 4, ...MIXED_COUNTS }]);
    expect(r.notEvaluated).toEqual([]);
    const br = r.findings.find((f) => f.ruleId === 'BR101');
    // The P/F split line is reported at the line of its first piece.
    expect(br?.location?.line).toBe(
      readFileSync(MIXED, 'utf8')
        .split('\n')
        .findIndex((l) => l.includes(' stderr P ')) + 1,
    );
  });

  it('detects gzip by content, not by name, and gives the same result', async () => {
    const plain = await lintPaths([MIXED]);
    const gz = await lintPaths([MIXED_GZ]);
    expect(ids(gz)).toEqual(ids(plain));
    expect(gz.findings.map((f) => f.location?.line)).toEqual(plain.findings.map((f) => f.location?.line));
    expect(gz.sources[0]).toMatchObject({ lines: 79, skippedLines: 4 });
  });

  it('reads stdin, plain and gzipped', async () => {
    const raw = readFileSync(MIXED);
    expect(ids(await lintText(raw))).toEqual(MIXED_EXPECTED);
    const gz = await lintText(gzipSync(raw));
    expect(ids(gz)).toEqual(MIXED_EXPECTED);
    expect(gz.sources).toEqual([{ type: 'log', name: '-', lines: 79, skippedLines: 4, ...MIXED_COUNTS }]);
  });

  it('walks directories recursively and expands globs, skipping READMEs', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'storyctl-logs-'));
    mkdirSync(join(dir, 'a/b'), { recursive: true });
    writeFileSync(
      join(dir, 'a/b/agent.log'),
      readFileSync(join(FIXTURES, 'orphaned-stt-socket/agent-7d9f.jsonl')),
    );
    writeFileSync(
      join(dir, 'controller.json'),
      readFileSync(join(FIXTURES, 'controller-cancel-window/bobrapet-controller.jsonl')),
    );
    writeFileSync(join(dir, 'README.md'), 'closing agent session due to participant disconnect');
    const byDir = await lintPaths([dir]);
    expect(ids(byDir)).toEqual(['BR101', 'LK101', 'LK102']);
    expect(byDir.sources.map((s) => s.name)).toEqual([
      join(dir, 'a/b/agent.log'),
      join(dir, 'controller.json'),
    ]);
    const byGlob = await lintPaths([join(dir, '**/*.log')]);
    expect(ids(byGlob)).toEqual(['LK101', 'LK102']);
  });

  it('names an unreadable or missing path in an input error', async () => {
    const missing = join(tmpdir(), 'storyctl-no-such-file.log');
    await expect(lintPaths([missing])).rejects.toMatchObject({ kind: 'input', file: missing });
    await expect(lintPaths([join(tmpdir(), 'storyctl-none-*.log')])).rejects.toBeInstanceOf(StoryctlError);
    if (process.getuid?.() !== 0) {
      const f = join(mkdtempSync(join(tmpdir(), 'storyctl-perm-')), 'x.log');
      writeFileSync(f, 'x');
      chmodSync(f, 0);
      await expect(lintPaths([f])).rejects.toMatchObject({ kind: 'input', file: f });
    }
  });

  it('reports progress in raw bytes against the total size', async () => {
    const seen: [number, number | undefined][] = [];
    await lintLogs([MIXED], {
      stopBudgetSeconds: 30,
      rules: logRules,
      onProgress: (a, b) => seen.push([a, b]),
    });
    const size = readFileSync(MIXED).length;
    expect(seen.at(-1)).toEqual([size, size]);
  });

  it('reads on after a line longer than one read, and after one over the cap, from a file and from stdin', async () => {
    const raw = readFileSync(MIXED);
    const dir = mkdtempSync(join(tmpdir(), 'storyctl-long-'));
    for (const [name, len] of [
      ['within-cap.txt', 300_000],
      ['over-cap.txt', (1 << 20) + 5000],
    ] as const) {
      const file = join(dir, name);
      writeFileSync(file, Buffer.concat([Buffer.from(`{"msg":"${'a'.repeat(len)}"}\n`), raw]));
      const overCap = len > 1 << 20 ? 1 : 0;
      for (const r of [await lintPaths([file]), await lintText(readFileSync(file))]) {
        expect(ids(r), name).toEqual(MIXED_EXPECTED);
        expect(r.sources[0], name).toMatchObject({ lines: 80, skippedLines: 4 + overCap });
      }
    }
  });

  it('never aborts on garbage: a file of noise yields counts, no findings, and says it read nothing', async () => {
    const noise = Buffer.concat([
      Buffer.from('timed out draining but not a log\n{"msg": "AgentSession closed"\n'),
      Buffer.from([0, 1, 2, 0xff, 10]),
      Buffer.from('Graceful cancel timeout expired; deleting remaining StepRuns'),
    ]);
    const r = await lintText(noise);
    expect(r.findings).toEqual([]);
    expect(r.sources).toEqual([
      { type: 'log', name: '-', lines: 4, skippedLines: 4, formats: {}, unrecognised: 3 },
    ]);
    // No record in a known format: not a clean result (issue 11 item 5).
    expect(r.unrecognised).toEqual([{ name: '-', firstLine: 'timed out draining but not a log' }]);
    expect(r.notEvaluated.map((n) => n.ruleId)).toEqual(logRules.map((x) => x.meta.id));
    expect(r.notEvaluated[0]?.reason).toContain('no record in a known log format');
  });
});
