// A real Prometheus (Debian package `prometheus`) for the end-to-end alert test: its own data
// folder, a scrape of storyctl serve every second, the shipped alert rules rendered with short
// `for:` durations, the web API on a free loopback port. Stopped by PID.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { REPO_ROOT } from '../support/manifests.js';

export const SHIPPED_RULES = join(REPO_ROOT, 'deploy', 'prometheus', 'storyctl.rules.yaml');

interface RuleFile {
  groups: { name: string; rules: { alert?: string; expr: string; for?: string }[] }[];
}

/**
 * The shipped rules with every `for:` replaced (the expressions, labels and annotations as
 * shipped): a test cannot wait the 5 and 15 minutes production waits.
 */
export function renderRules(forDuration: string): string {
  const doc = parse(readFileSync(SHIPPED_RULES, 'utf8')) as RuleFile;
  for (const g of doc.groups) for (const r of g.rules) if (r.for !== undefined) r.for = forDuration;
  return stringify(doc);
}

export interface Alert {
  labels: Record<string, string>;
  state: 'pending' | 'firing' | 'inactive';
  activeAt?: string;
  value?: string;
}

export interface PrometheusProcess {
  url: string;
  alerts(): Promise<Alert[]>;
  /** An instant query's first value, undefined when the result is empty. */
  query(expr: string): Promise<number | undefined>;
  stop(): Promise<void>;
  log(): string;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

export async function startPrometheus(
  bin: string,
  target: string,
  rules: string,
): Promise<PrometheusProcess> {
  const dir = mkdtempSync(join(tmpdir(), 'storyctl-prometheus-'));
  writeFileSync(join(dir, 'storyctl.rules.yaml'), rules);
  writeFileSync(
    join(dir, 'prometheus.yml'),
    stringify({
      global: { scrape_interval: '1s', evaluation_interval: '1s', scrape_timeout: '900ms' },
      rule_files: [join(dir, 'storyctl.rules.yaml')],
      scrape_configs: [{ job_name: 'storyctl', static_configs: [{ targets: [target] }] }],
    }),
  );
  const port = await freePort();
  const output: string[] = [];
  const proc: ChildProcess = spawn(
    bin,
    [
      `--config.file=${join(dir, 'prometheus.yml')}`,
      `--storage.tsdb.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--log.level=warn',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  proc.stdout?.on('data', (c: Buffer) => output.push(c.toString()));
  proc.stderr?.on('data', (c: Buffer) => output.push(c.toString()));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`prometheus exited ${proc.exitCode}: ${output.join('')}`);
    try {
      if ((await fetch(`${url}/-/ready`)).status === 200) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`prometheus not ready in 30 s: ${output.join('')}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  const api = async <T>(path: string): Promise<T> => {
    const body = (await (await fetch(`${url}${path}`)).json()) as { status: string; data: T; error?: string };
    if (body.status !== 'success') throw new Error(`prometheus ${path}: ${body.error ?? body.status}`);
    return body.data;
  };
  return {
    url,
    async alerts() {
      return (await api<{ alerts: Alert[] }>('/api/v1/alerts')).alerts;
    },
    async query(expr) {
      const data = await api<{ result: { value: [number, string] }[] }>(
        `/api/v1/query?query=${encodeURIComponent(expr)}`,
      );
      const v = data.result[0]?.value[1];
      return v === undefined ? undefined : Number(v);
    },
    log: () => output.join(''),
    async stop() {
      if (proc.exitCode === null && proc.signalCode === null) {
        await new Promise<void>((resolve) => {
          proc.once('exit', () => resolve());
          proc.kill('SIGTERM');
        });
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
