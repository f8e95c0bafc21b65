// A realistic mixed capture for the lint bench: a `stern`-style capture of voice agents (pino),
// the Bobrapet controller (zap) and Python agents, with kubectl timestamps on part of it, clean
// session closes and unrelated timeouts as near misses, and N planted orphaned STT sockets.
import { createWriteStream } from 'node:fs';

export interface Planted {
  hostname: string;
  pid: number;
}

const FORCED =
  'closing agent session due to participant disconnect (disable via `RoomInputOptions.closeOnDisconnect=False`)';
const AGENT_MSGS = [
  'received user transcript',
  'llm metrics',
  'tts metrics',
  'playout finished',
  'speech handle created',
  'agent state changed',
  'user state changed',
  'eou metrics',
  'stt metrics',
  'publishing track',
];

/** Deterministic PRNG so every run writes the same bytes. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export async function generateCapture(
  path: string,
  targetBytes: number,
  planted: number,
): Promise<Planted[]> {
  const rand = rng(42);
  const out = createWriteStream(path, { highWaterMark: 4 << 20 });
  const start = Date.parse('2026-04-22T12:00:00Z');
  const span = 3 * 3600_000; // three hours of traffic
  const approxLines = Math.round(targetBytes / 230);
  const step = span / approxLines;
  const plants: Planted[] = Array.from({ length: planted }, (_, i) => ({
    hostname: `agent-plant-${i}`,
    pid: 30_000 + i,
  }));
  // Each planted orphan: forced close, then 2007 closures every 30 min for two hours.
  const events: [number, string][] = [];
  plants.forEach((p, i) => {
    const close = start + 5 * 60_000 + i * Math.floor((span - 2.5 * 3600_000) / Math.max(1, planted));
    events.push([close, pinoLine(close, 30, p.pid, p.hostname, `"jobID":"AJ_plant${i}"`, FORCED)]);
    for (let k = 1; k <= 4; k++) {
      const t = close + k * 30 * 60_000;
      events.push([
        t,
        pinoLine(
          t,
          50,
          p.pid,
          p.hostname,
          '"error":{"type":"error","message":"session closed due to agent inactivity","code":2007}',
          'Received error from LiveKit STT',
        ),
      ]);
      events.push([
        t + 3,
        pinoLine(
          t + 3,
          40,
          p.pid,
          p.hostname,
          '"stt":"livekit.STT","attempt":1',
          'failed to recognize speech, retrying in 100ms',
        ),
      ]);
    }
  });
  events.sort((a, b) => a[0] - b[0]);
  let next = 0;
  let written = 0;
  let buf: string[] = [];
  let bufBytes = 0;
  let t = start;
  let n = 0;
  const flush = async (): Promise<void> => {
    const s = buf.join('');
    buf = [];
    bufBytes = 0;
    if (!out.write(s)) await new Promise<void>((r) => out.once('drain', () => r()));
  };
  while (written < targetBytes) {
    t += step;
    n++;
    while (next < events.length && (events[next] as [number, string])[0] <= t) {
      const line = `${prefix(rand, t)}${(events[next] as [number, string])[1]}\n`;
      buf.push(line);
      bufBytes += line.length;
      next++;
    }
    const line = `${prefix(rand, Math.round(t))}${noise(rand, Math.round(t), n)}\n`;
    buf.push(line);
    bufBytes += line.length;
    written += line.length;
    if (bufBytes > 1 << 20) await flush();
  }
  while (next < events.length) {
    buf.push(`${(events[next] as [number, string])[1]}\n`);
    next++;
  }
  await flush();
  await new Promise<void>((resolve, reject) => out.end((e?: Error | null) => (e ? reject(e) : resolve())));
  return plants;
}

function pinoLine(t: number, level: number, pid: number, host: string, fields: string, msg: string): string {
  return `{"level":${level},"time":${t},"pid":${pid},"hostname":"${host}",${fields},"msg":"${msg}"}`;
}

function prefix(rand: () => number, t: number): string {
  const r = rand();
  // About a third of the capture came through `kubectl logs --timestamps`.
  if (r < 0.33) return `${new Date(t).toISOString().replace('Z', '')}512345Z `;
  return '';
}

function noise(rand: () => number, t: number, n: number): string {
  const r = rand();
  const pid = 4000 + (n % 23);
  const host = `agent-${(n % 7).toString(16)}f${(n % 5) + 1}c`;
  if (r < 0.62) {
    const msg = AGENT_MSGS[n % AGENT_MSGS.length] as string;
    return pinoLine(
      t,
      n % 9 === 0 ? 20 : 30,
      pid,
      host,
      `"jobID":"AJ_${(n % 97).toString(36)}x${pid}","lk.pii.room_name":"call-${n % 311}","durationMs":${n % 997},"ttftMs":${(n * 7) % 1500}`,
      msg,
    );
  }
  if (r < 0.64) {
    // A clean close: forced close immediately followed by AgentSession closed (near miss).
    return rand() < 0.5
      ? pinoLine(t, 30, pid, host, '"reason":"participant_disconnected"', 'AgentSession closed')
      : pinoLine(
          t,
          20,
          pid,
          host,
          '"speechId":"sp_1"',
          'mainTask: scheduling paused and no more speech tasks to wait',
        );
  }
  if (r < 0.84) {
    const iso = new Date(t).toISOString();
    return `{"level":"info","ts":"${iso}","logger":"steprun","msg":"Reconciling StepRun","controller":"steprun","controllerGroup":"runs.bubustack.io","controllerKind":"StepRun","namespace":"livekit-voice","name":"voice-run-${n % 400}-voice-agent","reconcileID":"${(n * 2654435761) >>> 0}"}`;
  }
  if (r < 0.85) {
    return `{"level":"info","ts":"${new Date(t).toISOString()}","logger":"dag","msg":"StoryRun timed out","namespace":"batch","name":"nightly-${n % 13}"}`;
  }
  if (r < 0.96) {
    return `{"message": "${n % 2 ? 'user speech committed' : 'agent speech committed'}", "level": "INFO", "name": "livekit.agents", "pid": ${900 + (n % 5)}, "job_id": "AJ_py${n % 5}", "room": "call-${n % 50}", "timestamp": "${new Date(t).toISOString().replace('Z', '000+00:00')}"}`;
  }
  const d = new Date(t).toISOString().slice(0, 19).replace('T', ' ');
  return `${d} [INFO] ductor_bot.bot.handlers:handlers.py:212: [main:msg:${100000000 + (n % 50)}:1a2b3c4d] Message received len=${n % 400}`;
}
