// `npm run bench -- snapshot`: storyctl doctor on a generated ~200 MB `kubectl get -o json` List
// (STORYCTL_BENCH_SNAPSHOT_MB), against `node -e JSON.parse` of the same file as the floor any JSON
// reader pays. Targets: peak RSS <= 3.5x the file (JSON.parse alone holds about 2x, the text and its
// objects; the rest is the report, and the text, unreachable after the read, that V8 collects
// late), wall time <= 4x the JSON.parse baseline, and every planted finding reported. Reports the
// median of STORYCTL_BENCH_REPEAT runs (default 3). Before issue 16 the same file took 4.3 GB and
// crashed: line numbers came from re-parsing it as YAML.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { measure, median, type Measurement } from '../scan/measure.js';
import { FINDINGS_PER_COPY, generateSnapshot } from './generate.js';

const repoRoot = join(import.meta.dirname, '..', '..');
const TARGET_RSS_RATIO = 3.5;
const TARGET_TIME_RATIO = 4;
// The all-rules fixture's capture time: its findings are planned for it.
const NOW = '2026-04-22T18:20:00Z';

export async function runSnapshotBench(): Promise<boolean> {
  const mb = Number(process.env['STORYCTL_BENCH_SNAPSHOT_MB'] ?? 200);
  const repeat = Number(process.env['STORYCTL_BENCH_REPEAT'] ?? 3);
  const dir = join(repoRoot, '.bench');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `snapshot-${mb}mb.json`);
  const meta = `${file}.copies.json`;
  if (!existsSync(file) || !existsSync(meta)) {
    const t0 = Date.now();
    writeFileSync(meta, JSON.stringify(await generateSnapshot(file, mb * 1e6)));
    console.log(`snapshot: generated ${file} in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  }
  const copies = JSON.parse(readFileSync(meta, 'utf8')) as number;
  const size = statSync(file).size;
  const doctor = [
    join(repoRoot, 'bin', 'storyctl.js'),
    'doctor',
    '--snapshot',
    file,
    '--now',
    NOW,
    '-o',
    'json',
    '--fail-on',
    'none',
  ];
  const parseOnly = ['-e', `JSON.parse(require('fs').readFileSync(${JSON.stringify(file)}, 'utf8'))`];

  execFileSync('cat', [file], { stdio: ['ignore', 'ignore', 'ignore'] });
  const baselines: Measurement[] = [];
  const runs: Measurement[] = [];
  for (let i = 0; i < repeat; i++) {
    baselines.push(await measure(process.execPath, parseOnly));
    const m = await measure(process.execPath, doctor);
    runs.push(m);
    if (m.code !== 0) {
      console.log(`snapshot: storyctl exited ${m.code}: ${m.stderr.slice(0, 500)}`);
      return false;
    }
  }
  const out = execFileSync(process.execPath, doctor, { maxBuffer: 1 << 30 }).toString('utf8');
  const report = JSON.parse(out) as { findings: unknown[] };
  const expected = copies * FINDINGS_PER_COPY;

  const baseMs = median(baselines.map((m) => m.ms));
  const ms = median(runs.map((m) => m.ms));
  const rss = Math.max(...runs.map((m) => m.peakRssMb ?? 0));
  const baseRss = Math.max(...baselines.map((m) => m.peakRssMb ?? 0));
  const inputMb = size / 1e6;
  console.log(
    `snapshot: ${inputMb.toFixed(0)} MB kubectl -o json List, ${copies} copies of fixtures/all-rules`,
  );
  console.log(
    `snapshot: JSON.parse alone ${baseMs.toFixed(0)} ms, ${baseRss.toFixed(0)} MB; storyctl doctor ${ms.toFixed(0)} ms; ratio ${(ms / baseMs).toFixed(2)} (target <= ${TARGET_TIME_RATIO})`,
  );
  console.log(
    `snapshot: peak RSS ${rss.toFixed(0)} MB = ${(rss / inputMb).toFixed(2)}x the input (target <= ${TARGET_RSS_RATIO}x)`,
  );
  console.log(`snapshot: findings ${report.findings.length}/${expected}`);
  return (
    rss <= TARGET_RSS_RATIO * inputMb &&
    ms <= TARGET_TIME_RATIO * baseMs &&
    report.findings.length === expected
  );
}
