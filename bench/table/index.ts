// `npm run bench -- table`: `storyctl doctor --snapshot` of N stalled calls (default 5 000, two
// StepRuns each) with `-o table` against `-o json` of the same snapshot: wall and CPU time of the
// built binary, median of a few runs. Target (issue 16): table <= 2 x JSON.
// STORYCTL_BENCH_TABLE_RUNS sets N; STORYCTL_BENCH_REPEAT the repetitions.
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { measure, median, type Measurement } from '../scan/measure.js';
import { SNAPSHOT_NOW, stalledSnapshot } from './snapshot.js';

const repoRoot = join(import.meta.dirname, '..', '..');
const TARGET_RATIO = 2;

export async function runTableBench(): Promise<boolean> {
  const runs = Number(process.env['STORYCTL_BENCH_TABLE_RUNS'] ?? 5000);
  const repeat = Number(process.env['STORYCTL_BENCH_REPEAT'] ?? 3);
  const bin = join(repoRoot, 'bin', 'storyctl.js');
  if (!existsSync(join(repoRoot, 'dist', 'cli', 'main.js'))) {
    console.log('table: dist/ is missing: run `npm run build` first');
    return false;
  }
  const dir = mkdtempSync(join(tmpdir(), 'storyctl-bench-table-'));
  try {
    const file = join(dir, 'stalled.json');
    writeFileSync(file, stalledSnapshot(runs));
    const args = (output: string): string[] => [
      bin,
      'doctor',
      '--snapshot',
      file,
      '--now',
      SNAPSHOT_NOW,
      '--fail-on',
      'none',
      '-o',
      output,
    ];
    const results: Record<'table' | 'json', Measurement[]> = { table: [], json: [] };
    // Alternate the two so a busy neighbour slows both alike.
    for (let i = 0; i < repeat; i++)
      for (const output of ['json', 'table'] as const) {
        const m = await measure(process.execPath, args(output), { ...process.env, COLUMNS: '120' });
        if (m.code !== 0) throw new Error(`doctor -o ${output} exited ${m.code}: ${m.stderr.slice(0, 500)}`);
        results[output].push(m);
      }
    const fig = (ms: Measurement[]) => ({
      ms: median(ms.map((m) => m.ms)),
      cpu: median(ms.map((m) => m.cpuSeconds ?? NaN)),
      rss: Math.max(...ms.map((m) => m.peakRssMb ?? NaN)),
      bytes: ms[0]?.stdoutBytes ?? 0,
    });
    const json = fig(results.json);
    const table = fig(results.table);
    const rows = [
      ['', 'median wall ms', 'median CPU s', 'peak RSS MB', 'output KB'],
      ...(
        [
          ['doctor -o json', json],
          ['doctor -o table', table],
        ] as const
      ).map(([name, f]) => [
        name,
        f.ms.toFixed(0),
        f.cpu.toFixed(2),
        f.rss.toFixed(0),
        (f.bytes / 1024).toFixed(0),
      ]),
    ];
    const width = rows[0]?.map((_, c) => Math.max(...rows.map((r) => (r[c] ?? '').length))) ?? [];
    for (const r of rows) console.log(`table: ${r.map((cell, c) => cell.padEnd(width[c] ?? 0)).join('  ')}`);
    const wallRatio = table.ms / json.ms;
    const cpuRatio = table.cpu / json.cpu;
    const ok = wallRatio <= TARGET_RATIO;
    console.log(
      `table: ${runs} stalled runs / ${runs * 2} StepRuns, median of ${repeat}; table / json: wall ${wallRatio.toFixed(2)} x, ` +
        `CPU ${cpuRatio.toFixed(2)} x; target wall <= ${TARGET_RATIO} x: ${ok ? 'met' : 'NOT met'}`,
    );
    return ok;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
