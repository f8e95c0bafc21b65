// `npm run bench -- lint`: storyctl lint against `grep -F -c` with the six needles of issue 4 on a
// generated ~500 MB mixed capture with N planted orphaned STT sockets (STORYCTL_BENCH_LOG_MB,
// STORYCTL_BENCH_ORPHANS). Target: lint/grep <= 1.0 and peak RSS <= 150 MB. Reports the median of
// STORYCTL_BENCH_REPEAT runs (default 3).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, statSync, writeFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { measure, median, type Measurement } from '../scan/measure.js';
import { generateCapture } from './generate.js';

const repoRoot = join(import.meta.dirname, '..', '..');
const TARGET_RATIO = 1.0;
const TARGET_RSS_MB = 150;
const NEEDLES = [
  'closing agent session due to participant',
  'AgentSession closed',
  '2007',
  'Graceful cancel timeout expired',
  'participant disconnected from caller room',
  'timed out',
];

export async function runLintBench(): Promise<boolean> {
  const mb = Number(process.env['STORYCTL_BENCH_LOG_MB'] ?? 500);
  const orphans = Number(process.env['STORYCTL_BENCH_ORPHANS'] ?? 25);
  const repeat = Number(process.env['STORYCTL_BENCH_REPEAT'] ?? 3);
  const dir = join(repoRoot, '.bench');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `capture-${mb}mb-${orphans}.txt`);
  const meta = `${file}.planted.json`;
  if (!existsSync(file) || !existsSync(meta)) {
    const t0 = Date.now();
    const planted = await generateCapture(file, mb * 1e6, orphans);
    writeFileSync(meta, JSON.stringify(planted));
    console.log(`lint: generated ${file} in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  }
  const planted = JSON.parse(readFileSync(meta, 'utf8')) as { hostname: string; pid: number }[];
  const size = statSync(file).size;

  const useCli =
    existsSync(join(repoRoot, 'dist', 'cli', 'main.js')) && process.env['STORYCTL_BENCH_LINT_CHILD'] !== '1';
  const lintCmd: [string, string[]] = useCli
    ? [
        process.execPath,
        [join(repoRoot, 'bin', 'storyctl.js'), 'lint', file, '-o', 'json', '--fail-on', 'none'],
      ]
    : [process.execPath, ['--import', 'tsx', join(repoRoot, 'bench', 'lint', 'child.ts'), file]];
  const grepArgs = ['-F', '-c', ...NEEDLES.flatMap((n) => ['-e', n]), file];

  // Warm the page cache so both sides read from memory.
  execFileSync('cat', [file], { stdio: ['ignore', 'ignore', 'ignore'] });
  const greps: Measurement[] = [];
  const lints: Measurement[] = [];
  let lastOut = '';
  for (let i = 0; i < repeat; i++) {
    greps.push(await measure('grep', grepArgs));
    const m = await measure(lintCmd[0], lintCmd[1]);
    lints.push(m);
    if (m.code !== 0) {
      console.log(`lint: storyctl exited ${m.code}: ${m.stderr.slice(0, 500)}`);
      return false;
    }
  }
  // One more run to read the findings (measure() counts stdout bytes only).
  lastOut = execFileSync(lintCmd[0], lintCmd[1], { maxBuffer: 256 << 20 }).toString('utf8');
  const report = JSON.parse(lastOut) as { findings: { ruleId: string; subject?: { name: string } }[] };
  const found = new Set(report.findings.filter((f) => f.ruleId === 'LK102').map((f) => f.subject?.name));
  const missing = planted.filter((p) => !found.has(`${p.hostname}/${p.pid}`));
  const extra = [...found].filter((n) => !planted.some((p) => `${p.hostname}/${p.pid}` === n));

  const grepMs = median(greps.map((m) => m.ms));
  const lintMs = median(lints.map((m) => m.ms));
  const rss = Math.max(...lints.map((m) => m.peakRssMb ?? 0));
  const ratio = lintMs / grepMs;
  console.log(
    `lint: ${(size / 1e6).toFixed(0)} MB, ${planted.length} planted orphans, via ${useCli ? 'bin/storyctl.js lint -o json' : 'lintLogs (tsx child)'}`,
  );
  console.log(
    `lint: grep -F -c (6 needles) ${grepMs.toFixed(0)} ms; storyctl lint ${lintMs.toFixed(0)} ms; ratio ${ratio.toFixed(2)} (target <= ${TARGET_RATIO})`,
  );
  console.log(
    `lint: peak RSS ${rss.toFixed(0)} MB (target <= ${TARGET_RSS_MB}); throughput ${(size / 1e6 / (lintMs / 1000)).toFixed(0)} MB/s`,
  );
  console.log(
    `lint: planted orphans found ${planted.length - missing.length}/${planted.length}${extra.length > 0 ? `, ${extra.length} unexpected` : ''}`,
  );
  return ratio <= TARGET_RATIO && rss <= TARGET_RSS_MB && missing.length === 0 && extra.length === 0;
}
