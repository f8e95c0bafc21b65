// Wall time and peak RSS of a child process. Peak RSS is the kernel's own high-water mark
// (VmHWM in /proc/<pid>/status), sampled until the process exits; `/usr/bin/time -v` may not exist.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpuSeconds } from '../serve/proc.js';

export interface Measurement {
  ms: number;
  peakRssMb: number | undefined;
  /** User + system CPU seconds, from the last /proc sample before the process exited. */
  cpuSeconds: number | undefined;
  code: number | null;
  stdoutBytes: number;
  stderr: string;
}

export function measure(
  cmd: string,
  args: string[],
  env: NodeJS.ProcessEnv = process.env,
): Promise<Measurement> {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(cmd, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let peakKb: number | undefined;
    let cpu: number | undefined;
    let stdoutBytes = 0;
    const err: Buffer[] = [];
    const sample = (): void => {
      if (child.pid === undefined) return;
      try {
        const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
        if (m) peakKb = Math.max(peakKb ?? 0, Number(m[1]));
        cpu = cpuSeconds(child.pid);
      } catch {
        // exited between samples
      }
    };
    const timer = setInterval(sample, 5);
    child.stdout.on('data', (c: Buffer) => {
      stdoutBytes += c.length;
      sample();
    });
    child.stderr.on('data', (c: Buffer) => err.push(c));
    child.on('error', reject);
    // 'exit' fires before the zombie is reaped only for an instant: take a last sample first.
    child.on('exit', () => sample());
    child.on('close', (code) => {
      clearInterval(timer);
      resolve({
        ms: Number(process.hrtime.bigint() - started) / 1e6,
        peakRssMb: peakKb === undefined ? undefined : peakKb / 1024,
        cpuSeconds: cpu,
        code,
        stdoutBytes,
        stderr: Buffer.concat(err).toString('utf8'),
      });
    });
  });
}

export function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? NaN;
}
