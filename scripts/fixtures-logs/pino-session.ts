// Runs the real pino 8.21.0 and pino-pretty 11.3.0 the way @livekit/agents 1.4.4–1.7.0 configure them
// (agents/src/log.ts createLogger): `pino({ level, serializers: { error: pino.stdSerializers.err } },
// multistream([{ stream: pretty ? pinoPretty({ colorize: true }) : process.stdout, level },
// { stream: new OtelDestination(), level: 'debug' }]))`. Three things differ, all for determinism and
// none visible in the output: the main stream is an in-memory sink (pino-pretty gets it as its
// `destination`), the OtelDestination slot holds a recorder that notes which process wrote each line,
// and `base` is given explicitly as `{ pid, hostname }` (pino's default base, in the same order) so a
// fixture does not carry the generating machine's pid and hostname. Date.now is stubbed around each call.
import { Writable } from 'node:stream';
import { multistream, pino, type Logger } from 'pino';
import { build as pinoPretty } from 'pino-pretty';
import type { CapturedRecord } from './capture.js';

class Sink extends Writable {
  readonly chunks: string[] = [];
  override _write(chunk: Buffer, _enc: string, cb: () => void): void {
    this.chunks.push(chunk.toString('utf8'));
    cb();
  }
}

class Recorder extends Writable {
  constructor(private readonly onLine: () => void) {
    super();
  }
  override _write(_chunk: Buffer, _enc: string, cb: () => void): void {
    this.onLine();
    cb();
  }
}

export type JsLoggerKind = 'root' | 'jobpre' | 'job' | 'jobctx' | 'worker';
export type JsLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal';

export interface JsProcess {
  hostname: string;
  pid: number;
  /** The job id the job logger (`jobID`) and JobContext (`jobId`) bind. */
  jobId?: string;
  roomName?: string;
}

interface Loggers {
  proc: JsProcess;
  root: Logger;
  jobpre: Logger;
  job?: Logger;
  jobctx?: Logger;
  worker: Logger;
}

export interface PinoSessionOptions {
  pretty: boolean;
  /** `start` runs at info, `dev` at debug; `--log-level` / LOG_LEVEL change it. */
  level: JsLevel;
  /** The @livekit/agents version the worker logger binds as `version`. */
  packageVersion: string;
  /** 1.7.0 binds `lk.pii.room_name` on JobContext; earlier `roomName`. */
  piiKeys: boolean;
  container?: string;
}

/** The pod's stdout during one capture: every process's logger writes into the same stream. */
export class PinoSession {
  private readonly sink = new Sink();
  private readonly main: Writable;
  private readonly emitted: { proc: JsProcess; time: number }[] = [];
  private readonly procs = new Map<string, Loggers>();
  private now = 0;

  constructor(private readonly opts: PinoSessionOptions) {
    this.main = opts.pretty ? pinoPretty({ colorize: true, destination: this.sink }) : this.sink;
  }

  process(key: string, proc: JsProcess): void {
    const recorder = new Recorder(() => this.emitted.push({ proc, time: this.now }));
    const root = pino(
      {
        level: this.opts.level,
        serializers: { error: pino.stdSerializers.err },
        base: { pid: proc.pid, hostname: proc.hostname },
      },
      multistream([
        { stream: this.main, level: this.opts.level },
        { stream: recorder, level: 'debug' },
      ]),
    );
    const jobpre = root.child({ pid: proc.pid });
    const l: Loggers = { proc, root, jobpre, worker: root.child({ version: this.opts.packageVersion }) };
    if (proc.jobId !== undefined) {
      l.job = jobpre.child({ jobID: proc.jobId });
      l.jobctx = root.child(
        this.opts.piiKeys
          ? { jobId: proc.jobId, 'lk.pii.room_name': proc.roomName }
          : { jobId: proc.jobId, roomName: proc.roomName },
      );
    }
    this.procs.set(key, l);
  }

  /** One log call at `at` (epoch ms); `first` is the fields object or an Error, as in the upstream call. */
  log(at: number, key: string, kind: JsLoggerKind, level: JsLevel, first: unknown, msg?: string): void {
    const l = this.procs.get(key);
    if (!l) throw new Error(`no process ${key}`);
    const logger = l[kind];
    if (!logger) throw new Error(`process ${key} has no ${kind} logger`);
    const realNow = Date.now;
    this.now = at;
    Date.now = () => at;
    try {
      if (msg === undefined) (logger[level] as (o: unknown) => void)(first);
      else (logger[level] as (o: unknown, m: string) => void)(first, msg);
    } finally {
      Date.now = realNow;
    }
  }

  /** Child of a logger with extra bindings (worker.ts logs `child({ jobId, resuming, agentName })`). */
  logChild(at: number, key: string, kind: JsLoggerKind, bindings: object, level: JsLevel, msg: string): void {
    const l = this.procs.get(key);
    const logger = l?.[kind];
    if (!logger) throw new Error(`process ${key} has no ${kind} logger`);
    const realNow = Date.now;
    this.now = at;
    Date.now = () => at;
    try {
      logger.child(bindings)[level](msg);
    } finally {
      Date.now = realNow;
    }
  }

  async finish(): Promise<CapturedRecord[]> {
    if (this.opts.pretty) {
      await new Promise<void>((resolve, reject) => {
        this.sink.on('finish', () => resolve());
        this.sink.on('error', reject);
        this.main.end();
      });
    }
    const out = this.sink.chunks.join('');
    const texts = this.opts.pretty ? splitPretty(out) : out.split('\n').filter((l) => l !== '');
    if (texts.length !== this.emitted.length)
      throw new Error(`pino wrote ${texts.length} records but ${this.emitted.length} were recorded`);
    return texts.map((text, i) => {
      const e = this.emitted[i]!;
      return {
        format: this.opts.pretty ? 'pino-pretty' : 'pino-json',
        text,
        time: e.time,
        pod: e.proc.hostname,
        container: this.opts.container ?? 'agent',
        stream: 'stdout',
      };
    });
  }
}

const PRETTY_HEADER = /^\[\d{2}:\d{2}:\d{2}\.\d{3}\] /;

/** pino-pretty records: a `[HH:MM:ss.l] ` header line and the indented lines after it. */
function splitPretty(out: string): string[] {
  const records: string[] = [];
  for (const line of out.replace(/\n$/, '').split('\n')) {
    if (PRETTY_HEADER.test(line) || records.length === 0) records.push(line);
    else records[records.length - 1] += `\n${line}`;
  }
  return records;
}
