// `npm run fixtures:logs:status`: lints every scenario under fixtures/logs/real with the built storyctl
// and writes STATUS.md: which scenarios today's storyctl gets wrong, against each expected.json.
// Not part of `fixtures:logs --check`: STATUS.md records storyctl's state, which the fixtures must not track.
// Each scenario's capture files are named explicitly (expected.json `inputs`): linting the folder would
// also read expected.json as a log (the reader skips only README files).
import { execFile } from 'node:child_process';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ROOT, type Expected, type ExpectedFinding } from './model.js';

const run = promisify(execFile);

interface Actual {
  findings: ExpectedFinding[];
  notEvaluated: ExpectedFinding[];
  exitCode: number;
  error?: string;
}

async function lint(dir: string, e: Expected): Promise<Actual> {
  const args = [
    'bin/storyctl.js',
    'lint',
    ...e.inputs.map((i) => join(dir, i)),
    '-o',
    'json',
    '--now',
    e.now,
    '--quiet',
  ];
  let stdout = '';
  let exitCode = 0;
  try {
    stdout = (await run('node', args, { maxBuffer: 64 << 20 })).stdout;
  } catch (error) {
    const err = error as { code?: number; stdout?: string; stderr?: string };
    exitCode = typeof err.code === 'number' ? err.code : -1;
    stdout = err.stdout ?? '';
    if (!stdout.trim())
      return {
        findings: [],
        notEvaluated: [],
        exitCode,
        error: (err.stderr ?? '').trim().split('\n')[0] ?? '',
      };
  }
  const report = JSON.parse(stdout) as { findings: ExpectedFinding[]; notEvaluated: ExpectedFinding[] };
  const strip = (f: ExpectedFinding): ExpectedFinding =>
    f.subject ? { ruleId: f.ruleId, subject: f.subject } : { ruleId: f.ruleId };
  return { findings: report.findings.map(strip), notEvaluated: report.notEvaluated.map(strip), exitCode };
}

function key(f: ExpectedFinding, withSubject: boolean): string {
  if (!withSubject || !f.subject) return f.ruleId;
  return `${f.ruleId} ${f.subject.kind} ${f.subject.namespace ? `${f.subject.namespace}/` : ''}${f.subject.name}`;
}

/** Expected entries not met, and actual entries not expected (a subject is compared when the expectation has one). */
function diff(
  expected: ExpectedFinding[],
  actual: ExpectedFinding[],
): { missing: string[]; extra: string[] } {
  const left = [...actual];
  const missing: string[] = [];
  for (const e of expected) {
    const i = left.findIndex((a) => key(a, e.subject !== undefined) === key(e, true));
    if (i >= 0) left.splice(i, 1);
    else missing.push(key(e, true));
  }
  return { missing, extra: left.map((a) => key(a, true)) };
}

async function scenarios(): Promise<string[]> {
  const entries = await readdir(ROOT, { recursive: true });
  return entries
    .filter((e) => e.endsWith('expected.json'))
    .map((e) => e.slice(0, -'/expected.json'.length))
    .sort();
}

async function main(): Promise<void> {
  const dirs = await scenarios();
  const rows: { dir: string; wrong: string[] }[] = [];
  let next = 0;
  async function worker(): Promise<void> {
    while (next < dirs.length) {
      const dir = dirs[next++]!;
      const e = JSON.parse(await readFile(join(ROOT, dir, 'expected.json'), 'utf8')) as Expected;
      const a = await lint(join(ROOT, dir), e);
      const wrong: string[] = [];
      if (a.error) wrong.push(`storyctl failed (exit ${a.exitCode}): ${a.error}`);
      const f = diff(e.findings, a.findings);
      const n = diff(e.notEvaluated, a.notEvaluated);
      if (f.missing.length) wrong.push(`missed ${f.missing.join(', ')}`);
      if (f.extra.length) wrong.push(`false alarm ${f.extra.join(', ')}`);
      if (n.missing.length) wrong.push(`not reported as not evaluated: ${n.missing.join(', ')}`);
      if (n.extra.length) wrong.push(`unexpected not evaluated: ${n.extra.join(', ')}`);
      if (e.exitCode !== undefined && a.exitCode !== e.exitCode)
        wrong.push(`exit ${a.exitCode}, expected ${e.exitCode}`);
      rows.push({ dir, wrong });
    }
  }
  await Promise.all([worker(), worker()]);
  rows.sort((a, b) => a.dir.localeCompare(b.dir));

  const group = (dir: string): string =>
    dir
      .split('/')
      .slice(
        0,
        dir.startsWith('agents-js') ||
          dir.startsWith('livekit') ||
          dir.startsWith('bobrapet') ||
          dir.startsWith('ductor')
          ? 3
          : 2,
      )
      .join('/');
  const groups = new Map<string, { total: number; wrong: number }>();
  for (const r of rows) {
    const g = groups.get(group(r.dir)) ?? { total: 0, wrong: 0 };
    g.total += 1;
    if (r.wrong.length) g.wrong += 1;
    groups.set(group(r.dir), g);
  }
  // The commit of storyctl's source the results describe (fixtures and scripts may be newer).
  const head = (await run('git', ['log', '-1', '--format=%h', '--', 'src'])).stdout.trim();
  const wrongTotal = rows.filter((r) => r.wrong.length).length;
  const out = [
    "# What today's storyctl gets wrong on these fixtures",
    '',
    `Generated by \`npm run fixtures:logs:status\` with storyctl's src/ at commit \`${head}\`: \`node bin/storyctl.js lint <the scenario's inputs> -o json --now <expected.now>\` for each of the ${rows.length} scenarios, compared with its expected.json (findings by rule and subject; not-evaluated entries; the exit code where one is expected).`,
    "This file records storyctl's state, not the fixtures': it is not checked by `fixtures:logs --check`.",
    '',
    `**${wrongTotal} of ${rows.length} scenarios are wrong today.**`,
    '',
    '| system / versions / format | scenarios | wrong |',
    '|---|---|---|',
    ...[...groups].map(([g, c]) => `| ${g} | ${c.total} | ${c.wrong} |`),
    '',
    '## Wrong scenarios',
    '',
    ...rows.filter((r) => r.wrong.length).map((r) => `- \`${r.dir}\`: ${r.wrong.join('; ')}`),
    '',
  ];
  await writeFile(join(ROOT, 'STATUS.md'), out.join('\n'));
  process.stdout.write(`${ROOT}/STATUS.md: ${wrongTotal} of ${rows.length} scenarios wrong\n`);
}

await main();
