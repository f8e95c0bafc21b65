// livekit-agents (Python) 1.3–1.6 captures: JSON (`start`) for every version range, the coloured dev text
// and its compact variant for 1.6 (the only versions that use ColoredFormatter). Lines and extras as read
// at the git tags of livekit/agents (research note livekit-agents-python.md); formatting in python-format.ts.
import { Capture } from './capture.js';
import type { ExpectedFinding, ExpectedSubject, FormatId, Scenario } from './model.js';
import {
  coloredLine,
  enabled,
  jsonLine,
  PyFloat,
  type PyJsonLayout,
  type PyLevel,
  type PyRecord,
  type PyValue,
} from './python-format.js';
import { variantsOf, type ScenarioSpec, type Variant } from './scenario.js';

export interface PyVersion {
  range: string;
  layout: PyJsonLayout;
  /** 1.3.7+ keeps exc_text on forwarded records (JSON `exc_info`); before, the traceback is only in `message`. */
  forwardsExcText: boolean;
  /** 1.3.6+: room_io's forced close carries `room`. */
  closeHasRoom: boolean;
  /** ipc/job_proc_executor.py logging_extra: `room_id` (room SID) up to 1.5.x, `room` (name) from 1.6.0. */
  roomKey: 'room_id' | 'room';
  /** stt/stt.py retry warning: 1.3.1–1.4.0 old text with `tts` and exc_info; 1.4.2+ `: {e}` and `stt`. */
  retry: 'old' | 'new';
  /** inference/stt.py: 1.3.1–1.4.0 `LiveKit STT returned error: {raw}`; 1.5.3+ APIStatusError with status_code. */
  sttError: 'raw-old' | 'status';
  /** How the exhausted stream shows (voice/audio_recognition.py). */
  exhausted:
    'Error in _stt_task' | 'Error in _stt_pump' | 'STT stream ended on an unrecoverable error, recreating';
  /** 1.5.15+ (not 1.6.0rc): `AgentSession.aclose() timed out after 60.0s; ...`. */
  acloseBound: boolean;
  /** 1.5.2+: `drain timed out, forcing shutdown`, `process did not ack shutdown in time, killing process`. */
  drainTimeoutLine: boolean;
  /** worker.py drain_timeout: 1800 up to 1.6.4, DRAIN_TIMEOUT = 3600 from 1.6.5. */
  drainTimeout: number;
  /** 1.3.6+: beta/workflows/warm_transfer.py exists. */
  warmTransfer: boolean;
  /** ColoredFormatter dev/compact exist (1.6.0+). */
  colored: boolean;
  /** The tag the tracebacks' paths and the lines were checked at. */
  tag: string;
}

export const PY_VERSIONS: readonly PyVersion[] = [
  {
    range: '1.3.1-1.3.5',
    layout: 'cli.py',
    forwardsExcText: false,
    closeHasRoom: false,
    roomKey: 'room_id',
    retry: 'old',
    sttError: 'raw-old',
    exhausted: 'Error in _stt_task',
    acloseBound: false,
    drainTimeoutLine: false,
    drainTimeout: 1800,
    warmTransfer: false,
    colored: false,
    tag: '1.3.5',
  },
  {
    range: '1.3.7-1.4.0',
    layout: 'log.py',
    forwardsExcText: true,
    closeHasRoom: true,
    roomKey: 'room_id',
    retry: 'old',
    sttError: 'raw-old',
    exhausted: 'Error in _stt_task',
    acloseBound: false,
    drainTimeoutLine: false,
    drainTimeout: 1800,
    warmTransfer: true,
    colored: false,
    tag: '1.4.0',
  },
  {
    range: '1.5.15-1.5.17',
    layout: 'log.py',
    forwardsExcText: true,
    closeHasRoom: true,
    roomKey: 'room_id',
    retry: 'new',
    sttError: 'status',
    exhausted: 'Error in _stt_pump',
    acloseBound: true,
    drainTimeoutLine: true,
    drainTimeout: 1800,
    warmTransfer: true,
    colored: false,
    tag: '1.5.15',
  },
  {
    range: '1.6.6-1.6.8',
    layout: 'log.py',
    forwardsExcText: true,
    closeHasRoom: true,
    roomKey: 'room',
    retry: 'new',
    sttError: 'status',
    exhausted: 'STT stream ended on an unrecoverable error, recreating',
    acloseBound: true,
    drainTimeoutLine: true,
    drainTimeout: 3600,
    warmTransfer: true,
    colored: true,
    tag: '1.6.8',
  },
];

const T0 = Date.parse('2026-04-22T16:00:00.000Z');
const POD = 'py-agent-6c9f7d5b8-q7m2t';
const LOGGER = 'livekit.agents';
const SITE = '/app/.venv/lib/python3.12/site-packages/livekit/agents';
const CALLER = 'sip_+14155550142';

interface PyJob {
  pid: number;
  jobId: string;
  roomSid: string;
  roomName: string;
}
const JOBS: Record<string, PyJob> = {
  job: {
    pid: 812,
    jobId: 'AJ_Vq8nR2mXc4Tz',
    roomSid: 'RM_hT6wKp3ZqN9d',
    roomName: 'call-_+14155550142_Zx9cVb7nM1aS',
  },
  job2: {
    pid: 845,
    jobId: 'AJ_Lr5tY7uI2oPa',
    roomSid: 'RM_bN4mQ8wE1rTy',
    roomName: 'call-_+14155550177_Hj3kL5zX8cVb',
  },
};

/** A Python capture in one format; calls are made in time order. */
class PyWriter {
  private readonly cap = new Capture();
  private seq = 0;
  constructor(
    readonly v: PyVersion,
    private readonly format: FormatId,
    private readonly threshold: PyLevel,
  ) {}

  private emit(at: number, r: Omit<PyRecord, 'createdUs'>): void {
    if (!enabled(r.level, this.threshold)) return;
    // Microseconds below the millisecond: deterministic, and 0 for the first record (isoformat then
    // omits the fraction, as CPython does).
    const createdUs = at * 1000 + ((this.seq++ * 173) % 1000);
    const rec: PyRecord = { ...r, createdUs };
    const text =
      this.format === 'python-json'
        ? jsonLine(rec, this.v.layout)
        : coloredLine(rec, this.format === 'python-compact' ? 'compact' : 'dev');
    this.cap.add({
      format: this.format,
      text,
      time: Math.floor(createdUs / 1000),
      pod: POD,
      container: 'agent',
      stream: 'stdout',
    });
  }

  private procExtra(key: string, running = true): [string, PyValue][] {
    const j = JOBS[key]!;
    if (!running) return [['pid', j.pid]];
    return [
      ['pid', j.pid],
      ['job_id', j.jobId],
      this.v.roomKey === 'room' ? ['room', j.roomName] : ['room_id', j.roomSid],
    ];
  }

  /** A record logged in job process `key` and forwarded (ipc/log_queue.py, ipc/supervised_proc.py). */
  p(
    at: number,
    key: string,
    level: PyLevel,
    msg: string,
    extra: [string, PyValue][] = [],
    tb?: string,
  ): void {
    const merged = [...extra];
    for (const [k, val] of this.procExtra(key)) {
      const i = merged.findIndex(([x]) => x === k);
      if (i >= 0)
        merged[i] = [k, val]; // setattr overwrites the call's extra in place
      else merged.push([k, val]);
    }
    const r: Omit<PyRecord, 'createdUs'> = {
      level,
      name: LOGGER,
      message: tb === undefined ? msg : `${msg}\n${tb}`,
      extras: merged,
    };
    if (tb !== undefined && this.v.forwardsExcText) r.excText = tb;
    this.emit(at, r);
  }

  /** A worker-process line about a job process: the call passes `extra=self.logging_extra()`. */
  sup(
    at: number,
    key: string,
    level: PyLevel,
    msg: string,
    extra: [string, PyValue][] = [],
    running = true,
  ): void {
    // `process initialized` spreads logging_extra() first; the others pass it alone or after their own keys.
    const proc = this.procExtra(key, running);
    const extras = msg === 'process initialized' ? [...proc, ...extra] : [...extra, ...proc];
    this.emit(at, { level, name: LOGGER, message: msg, extras });
  }

  /** A worker-process line (no pid). */
  w(at: number, level: PyLevel, msg: string, extra: [string, PyValue][] = [], tb?: string): void {
    const r: Omit<PyRecord, 'createdUs'> = { level, name: LOGGER, message: msg, extras: extra };
    if (tb !== undefined) r.excText = tb;
    this.emit(at, r);
  }

  capture(): Capture {
    return this.cap;
  }
}

// ---- tracebacks (frames illustrative; the last line is the exception's str() as the version renders it)

function tb(frames: [file: string, line: number, fn: string, code: string][], last: string): string {
  const body = frames.map(([f, l, fn, code]) => `  File "${SITE}/${f}", line ${l}, in ${fn}\n    ${code}`);
  return ['Traceback (most recent call last):', ...body, last].join('\n');
}

const INACTIVITY = 'session closed due to agent inactivity';
const FRAME_RAW = `{"type":"error","message":"${INACTIVITY}","code":2007}`;
const FRAME_REPR = `{'type': 'error', 'message': '${INACTIVITY}', 'code': 2007}`;

/** str() of the error the inference STT raises, in this version's rendering (_exceptions.py). */
function sttErrorStr(v: PyVersion): string {
  if (v.sttError === 'raw-old') return `LiveKit STT returned error: ${FRAME_RAW} (body=None, retryable=True)`;
  return `message='LiveKit Inference STT returned error: ${INACTIVITY}', status_code=2007, retryable=True, body=${FRAME_REPR}`;
}

function sttTraceback(v: PyVersion): string {
  const type = v.sttError === 'raw-old' ? 'APIError' : 'APIStatusError';
  const raise =
    v.sttError === 'raw-old'
      ? 'raise APIError(f"LiveKit STT returned error: {msg.data}")'
      : 'raise APIStatusError(';
  return tb(
    [
      ['stt/stt.py', 266, '_main_task', 'return await self._run()'],
      ['inference/stt.py', 497, '_run', 'await asyncio.gather(*tasks)'],
      ['inference/stt.py', 468, 'recv_task', raise],
    ],
    `livekit.agents._exceptions.${type}: ${sttErrorStr(v)}`,
  );
}

/** stt/stt.py RecognizeStream._main_task: streaming attempts count 0, 1, 2; the interval 0.1 then 2.0. */
function sttRetry(w: PyWriter, at: number, attempt: number, key = 'job'): void {
  const v = w.v;
  const interval = attempt === 0 ? '0.1' : '2.0';
  if (v.retry === 'old')
    w.p(
      at,
      key,
      'WARNING',
      `failed to recognize speech, retrying in ${interval}s`,
      [
        ['tts', 'livekit.agents.inference.stt.STT'],
        ['attempt', attempt],
        ['streamed', true],
      ],
      sttTraceback(v),
    );
  else
    w.p(at, key, 'WARNING', `failed to recognize speech: ${sttErrorStr(v)}, retrying in ${interval}s`, [
      ['stt', 'livekit.agents.inference.stt.STT'],
      ['attempt', attempt],
      ['streamed', true],
    ]);
}

/** After three retries the stream raises; voice/audio_recognition.py logs it per version. */
function sttExhausted(w: PyWriter, at: number): void {
  const v = w.v;
  const exc = tb(
    [
      [
        'voice/audio_recognition.py',
        741,
        v.exhausted === 'Error in _stt_task' ? '_stt_task' : '_stt_pump',
        'async for ev in node:',
      ],
      ['stt/stt.py', 281, '_main_task', 'raise APIConnectionError('],
    ],
    'livekit.agents._exceptions.APIConnectionError: failed to recognize speech after 3 attempts',
  );
  if (v.exhausted === 'STT stream ended on an unrecoverable error, recreating') {
    w.p(at, 'job', 'WARNING', v.exhausted, [], exc);
    return;
  }
  w.p(at, 'job', 'ERROR', v.exhausted, [], exc);
  // voice/agent_session.py _on_error: 1.4.2+ names the error; before, the old text and exc_info.
  if (v.retry === 'new')
    w.p(
      at + 2,
      'job',
      'ERROR',
      'AgentSession is closing due to unrecoverable error: failed to recognize speech after 3 attempts',
    );
  else w.p(at + 2, 'job', 'ERROR', 'AgentSession is closing due to unrecoverable error', [], exc);
  sessionEnd(w, at + 40, 'error', 'job');
}

/**
 * The process pool prewarms a job process (ipc/supervised_proc.py `initializing process` /
 * `process initialized`, logging_extra with only `pid`: no job is running yet), then worker.py logs
 * `received job request` (a worker line: `job_id` but no `pid`).
 */
function jobStart(w: PyWriter, at: number, key = 'job'): void {
  const j = JOBS[key]!;
  w.sup(at - 20_000, key, 'INFO', 'initializing process', [], false);
  w.sup(at - 19_580, key, 'INFO', 'process initialized', [['elapsed_time', new PyFloat(0.42)]], false);
  w.w(at, 'INFO', 'received job request', [
    ['job_id', j.jobId],
    ['dispatch_id', 'AD_' + j.jobId.slice(3)],
    ['room', j.roomName],
    ['room_id', j.roomSid],
    ['agent_name', 'voice-assistant'],
    ['resuming', false],
    ['enable_recording', false],
  ]);
}

/** voice/room_io/room_io.py forced close: extras `participant`, `reason` (and `room` from 1.3.6). */
function forcedClose(w: PyWriter, at: number, key = 'job'): void {
  const j = JOBS[key]!;
  const extra: [string, PyValue][] = w.v.closeHasRoom
    ? [
        ['room', j.roomName],
        ['participant', CALLER],
        ['reason', 'CLIENT_INITIATED'],
      ]
    : [
        ['participant', CALLER],
        ['reason', 'CLIENT_INITIATED'],
      ];
  w.p(
    at,
    key,
    'INFO',
    'closing agent session due to participant disconnect (disable via `RoomInputOptions.close_on_disconnect=False`)',
    extra,
  );
}

/** voice/agent_session.py debug `session closed`; ipc/job_proc_lazy_main.py; ipc/supervised_proc.py `process exiting`. */
function sessionEnd(w: PyWriter, at: number, reason: string, key = 'job'): void {
  w.p(at, key, 'DEBUG', 'session closed', [
    ['reason', reason],
    ['error', null],
  ]);
  w.p(at + 12, key, 'DEBUG', 'shutting down job task', [
    ['reason', ''],
    ['user_initiated', false],
  ]);
  w.sup(at + 418, key, 'INFO', 'process exiting', [['reason', '']]);
}

function laterJob(w: PyWriter, at: number): void {
  jobStart(w, at, 'job2');
  forcedClose(w, at + 75_000, 'job2');
  sessionEnd(w, at + 75_900, 'participant_disconnected', 'job2');
}

const job = (key = 'job'): ExpectedSubject => ({ kind: 'AgentProcess', name: JOBS[key]!.jobId });
const s = (sec: number): number => T0 + Math.round(sec * 1000);

interface PyScript {
  id: string;
  title: string;
  shows: (v: PyVersion) => string;
  upstream: (v: PyVersion) => string[];
  versions?: (v: PyVersion) => boolean;
  /** Which formats (default: JSON, and dev/compact where the version has them). */
  formats?: FormatId[];
  run: (w: PyWriter) => void;
  findings: (v: PyVersion, f: FormatId) => ExpectedFinding[];
  variants?: Variant[];
}

const SRC = {
  json: (v: PyVersion) =>
    v.layout === 'cli.py'
      ? '`livekit/agents/cli/cli.py` `JsonFormatter` (1.3.1–1.3.6: `level`, `name`, `message`, …)'
      : '`livekit/agents/cli/log.py` `JsonFormatter` (1.3.7–1.6.10: `message`, `level`, `name`, [`exc_info`], extras, `timestamp`)',
  colored:
    '`livekit/agents/cli/log.py` `ColoredFormatter` and `setup_logging` (dev / compact format strings, 1.6.0–1.6.10)',
  forward: (v: PyVersion) =>
    `\`livekit/agents/ipc/log_queue.py\` (forwarded records; ${v.forwardsExcText ? 'exc_text kept, 1.3.7+' : 'traceback only in the message, 1.3.1–1.3.5'}), \`ipc/supervised_proc.py\` / \`ipc/job_proc_executor.py\` logging_extra (\`pid\`, \`job_id\`, \`${v.roomKey}\`)`,
  roomIo: (v: PyVersion) =>
    `\`livekit/agents/voice/room_io/room_io.py\` forced close (extras ${v.closeHasRoom ? '`room`, ' : ''}\`participant\`, \`reason\`)`,
  end: '`livekit/agents/voice/agent_session.py` debug `session closed`; `ipc/supervised_proc.py` `process exiting` (all versions)',
  stt: (v: PyVersion) =>
    `\`livekit/agents/stt/stt.py\` retry warning (${v.retry === 'old' ? '1.3.1–1.4.0: `retrying in {interval}s`, extra `tts`, exc_info' : '1.4.2+: `failed to recognize speech: {e}, retrying in {interval}s`, extra `stt`'}); \`livekit/agents/inference/stt.py\` (${v.sttError === 'raw-old' ? '`LiveKit STT returned error: {msg.data}`, 1.3.1–1.4.0' : '`APIStatusError`, `status_code`, 1.5.3+'}); \`_exceptions.py\` __str__`,
};

const SCRIPTS: PyScript[] = [
  {
    id: 'lk101-lk102-orphaned-stt',
    title: 'Hung close with an orphaned STT stream',
    shows: (v) =>
      'The caller hangs up; room_io logs the forced close, but no `process exiting` (and, at debug, no `session closed`) ' +
      'follows for that job. The STT stream keeps running and the server closes it for inactivity twice, 30 minutes apart: ' +
      (v.retry === 'old'
        ? 'the retry warnings (`retrying in 0.1s`, extra `tts` as upstream wrote it) carry the error only in their traceback, whose last line holds the raw frame with code 2007.'
        : 'the retry warnings carry the server text and `status_code=2007` in their message (attempt 0, then 0 again: the streaming counter resets on each final transcript).'),
    upstream: (v) => [SRC.roomIo(v), SRC.end, SRC.stt(v)],
    run: (w) => {
      jobStart(w, s(0));
      forcedClose(w, s(38.83));
      sttRetry(w, s(1838.9), 0);
      sttRetry(w, s(3639.2), 0);
      laterJob(w, s(3900));
    },
    findings: () => [
      { ruleId: 'LK101', subject: job() },
      { ruleId: 'LK102', subject: job() },
    ],
    variants: ['stern', 'kubectl-prefix-timestamps'],
  },
  {
    id: 'lk101-close-completes',
    title: 'Forced close that completes (near miss for LK101/LK102)',
    shows: () =>
      'The caller hangs up; the job ends with `process exiting` 1.3 s later (at debug level `session closed` comes first). ' +
      'Nothing to report.',
    upstream: (v) => [SRC.roomIo(v), SRC.end],
    run: (w) => {
      jobStart(w, s(0));
      forcedClose(w, s(38.83));
      sessionEnd(w, s(39.9), 'participant_disconnected');
      laterJob(w, s(240));
    },
    findings: () => [],
  },
  {
    id: 'lk103-aclose-timeout',
    title: 'AgentSession.aclose() times out',
    versions: (v) => v.acloseBound,
    shows: () =>
      'The forced close hangs; 60 s later the job process logs `AgentSession.aclose() timed out after 60.0s; proceeding ' +
      'with shutdown so registered callbacks still run.` (error, no call extras; forwarded, so `pid`, `job_id` and the ' +
      'room key follow), and only then `process exiting`. The close never completed by itself.',
    upstream: () => [
      '`livekit/agents/ipc/job_proc_lazy_main.py` `_SESSION_ACLOSE_TIMEOUT = 60.0` (1.5.15+, not 1.6.0rc1/rc2)',
    ],
    run: (w) => {
      jobStart(w, s(0));
      forcedClose(w, s(38.83));
      w.p(
        s(98.84),
        'job',
        'ERROR',
        'AgentSession.aclose() timed out after 60.0s; proceeding with shutdown so registered callbacks still run.',
      );
      w.sup(s(99.3), 'job', 'INFO', 'process exiting', [['reason', '']]);
      laterJob(w, s(240));
    },
    findings: () => [
      { ruleId: 'LK101', subject: job() },
      { ruleId: 'LK103', subject: job() },
    ],
    variants: ['stern'],
  },
  {
    id: 'lk103-slow-close-completes',
    title: 'A slow close inside the bound (near miss for LK103)',
    versions: (v) => v.acloseBound,
    shows: () =>
      'The forced close takes 45 s and the job then ends normally (`process exiting`). Nothing to report.',
    upstream: (v) => [SRC.roomIo(v), SRC.end],
    run: (w) => {
      jobStart(w, s(0));
      forcedClose(w, s(38.83));
      sessionEnd(w, s(83.9), 'participant_disconnected');
      laterJob(w, s(240));
    },
    findings: () => [],
  },
  {
    id: 'lk104-retries-exhausted',
    title: 'STT retries exhausted',
    versions: (v) => v.range !== '1.3.1-1.3.5',
    shows: (v) =>
      'Three retry warnings on one stream within 5 s (streaming attempts 0, 1, 2), then the stream gives up: ' +
      '`failed to recognize speech after 3 attempts` appears only inside the traceback of ' +
      `\`${v.exhausted}\`` +
      (v.exhausted.startsWith('STT stream ended')
        ? ' (a warning: from 1.6.6 the stream is recreated and one STT failure no longer closes the session).'
        : ", followed by `AgentSession is closing due to unrecoverable error…` and the job's end."),
    upstream: (v) => [
      SRC.stt(v),
      '`livekit/agents/voice/audio_recognition.py` (how the exhausted stream is logged, per version)',
      '`livekit/agents/voice/agent_session.py` `_on_error`',
    ],
    run: (w) => {
      jobStart(w, s(0));
      sttRetry(w, s(600.1), 0);
      sttRetry(w, s(600.3), 1);
      sttRetry(w, s(602.4), 2);
      sttExhausted(w, s(604.6));
      laterJob(w, s(900));
    },
    findings: () => [{ ruleId: 'LK104', subject: job() }],
  },
  {
    id: 'lk104-retries-reset',
    title: 'Retries that a final transcript resets (near miss for LK104)',
    versions: (v) => v.range !== '1.3.1-1.3.5',
    shows: () =>
      'Attempts 0 and 1, then the stream recovers (a final transcript resets the Python counter), and 20 minutes later ' +
      'attempts 0 and 1 again. The stream never gives up: nothing to report.',
    upstream: (v) => [SRC.stt(v)],
    run: (w) => {
      jobStart(w, s(0));
      sttRetry(w, s(600.1), 0);
      sttRetry(w, s(600.3), 1);
      sttRetry(w, s(1800.2), 0);
      sttRetry(w, s(1800.4), 1);
      forcedClose(w, s(1900.5));
      sessionEnd(w, s(1901.6), 'participant_disconnected');
    },
    findings: () => [],
  },
  {
    id: 'lk201-delete-failed',
    title: 'Warm transfer: deleting the caller room fails',
    versions: (v) => v.warmTransfer,
    shows: () =>
      'The caller hangs up during a warm transfer (`participant disconnected from caller room: <identity>, closing`); ' +
      '`job.py` delete_room then fails with `error while deleting room: TwirpError(...)` (warning). The room stays.',
    upstream: () => [
      '`livekit/agents/beta/workflows/warm_transfer.py` (1.3.6+)',
      "`livekit/agents/job.py` delete_room (`error while deleting room: {e}`; the TwirpError text is livekit-api's, unverified)",
    ],
    run: (w) => {
      jobStart(w, s(0));
      w.p(s(612.4), 'job', 'INFO', `participant disconnected from caller room: ${CALLER}, closing`);
      w.p(
        s(612.73),
        'job',
        'WARNING',
        'error while deleting room: TwirpError(code=internal, message=internal error, status=500)',
      );
      laterJob(w, s(900));
    },
    findings: () => [{ ruleId: 'LK201', subject: job() }],
  },
  {
    id: 'lk201-unknown-error',
    title: 'Warm transfer: unknown error while deleting the room',
    versions: (v) => v.warmTransfer && v.range.startsWith('1.6'),
    shows: () =>
      'The caller hangs up; delete_room hits an unexpected exception: `unknown error while deleting room` with its ' +
      'traceback (logger.exception, forwarded: in JSON both in `message` and `exc_info`; in the dev text twice).',
    upstream: () => [
      '`livekit/agents/job.py` delete_room `logger.exception("unknown error while deleting room")`',
    ],
    run: (w) => {
      jobStart(w, s(0));
      w.p(s(612.4), 'job', 'INFO', `participant disconnected from caller room: ${CALLER}, closing`);
      w.p(
        s(612.75),
        'job',
        'ERROR',
        'unknown error while deleting room',
        [],
        tb(
          [
            [
              'job.py',
              412,
              'delete_room',
              'await api.room.delete_room(api.DeleteRoomRequest(room=room_name))',
            ],
            ['../../livekit/api/room_service.py', 94, 'delete_room', 'return await self._client.request('],
          ],
          'aiohttp.client_exceptions.ClientConnectorError: Cannot connect to host my-project.livekit.cloud:443 ssl:default [Connect call failed]',
        ),
      );
      laterJob(w, s(900));
    },
    findings: () => [{ ruleId: 'LK201', subject: job() }],
  },
  {
    id: 'lk201-hangup-silent-success',
    title: 'Warm transfer whose delete succeeds silently (near miss for LK201)',
    versions: (v) => v.warmTransfer,
    shows: () =>
      'The caller hangs up and delete_room succeeds, which Python never logs. Nothing after the hang-up is no evidence ' +
      'of a leak (RULES.md LK201): nothing to report.',
    upstream: () => ['`livekit/agents/job.py` delete_room (success logs nothing, all versions)'],
    run: (w) => {
      jobStart(w, s(0));
      w.p(s(612.4), 'job', 'INFO', `participant disconnected from caller room: ${CALLER}, closing`);
      laterJob(w, s(900));
    },
    findings: () => [],
  },
  {
    id: 'lk301-drain-failed',
    title: 'Worker drain fails and kills the job process',
    versions: (v) => v.range !== '1.3.1-1.3.5',
    shows: (v) =>
      `\`draining worker\` (\`id\`, \`timeout: ${v.drainTimeout}\`) starts the drain — no problem by itself. A call is still ` +
      'running when the drain times out: ' +
      (v.drainTimeoutLine
        ? '`drain timed out, forcing shutdown` (warning, no extras), then the supervisor `process did not ack shutdown in time, killing process` (error, with `pid`, `job_id` and the room key).'
        : 'before 1.5.2 the TimeoutError is not logged; the supervisor reports `process did not exit in time, killing process` (error, `pid`, `job_id`, room key).'),
    upstream: (v) => [
      `\`livekit/agents/worker.py\` drain() (\`draining worker\`, drain_timeout ${v.drainTimeout})`,
      v.drainTimeoutLine
        ? '`livekit/agents/cli/cli.py` `drain timed out, forcing shutdown` (1.5.2+); `ipc/supervised_proc.py` aclose `process did not ack shutdown in time, killing process` (1.5.2+)'
        : '`livekit/agents/ipc/supervised_proc.py` aclose `process did not exit in time, killing process` (all versions)',
    ],
    run: (w) => {
      const v = w.v;
      jobStart(w, s(0));
      w.w(s(300), 'INFO', 'draining worker', [
        ['id', 'AW_p4Tg7YhN2kQs'],
        ['timeout', v.drainTimeout],
      ]);
      if (v.drainTimeoutLine) {
        w.w(s(300 + v.drainTimeout), 'WARNING', 'drain timed out, forcing shutdown');
        w.sup(
          s(300 + v.drainTimeout + 10.2),
          'job',
          'ERROR',
          'process did not ack shutdown in time, killing process',
        );
        w.sup(s(300 + v.drainTimeout + 10.21), 'job', 'INFO', 'killing process');
      } else {
        w.w(s(300.1), 'INFO', 'shutting down worker', [['id', 'AW_p4Tg7YhN2kQs']]);
        w.sup(s(310.2), 'job', 'ERROR', 'process did not exit in time, killing process');
        w.sup(s(310.21), 'job', 'INFO', 'killing process');
      }
    },
    // The supervisor's line names the job; `drain timed out` is a worker line (no pid): attributed to the input.
    findings: (v) => [
      { ruleId: 'LK301', subject: job() },
      ...(v.drainTimeoutLine ? [{ ruleId: 'LK301' }] : []),
    ],
    variants: ['cri'],
  },
  {
    id: 'lk301-drain-clean',
    title: 'A drain that ends cleanly, with a slow ping (near miss for LK301)',
    versions: (v) => v.range !== '1.3.1-1.3.5',
    shows: () =>
      'SIGTERM: `draining worker` starts the drain; the supervisor warns once about a slow pong (`process is ' +
      'unresponsive`, `delay` in ms — a warning, not a kill); the last call ends (`process exiting`) and the worker ' +
      'shuts down (`shutting down worker`). Nothing to report.',
    upstream: (v) => [
      `\`livekit/agents/worker.py\` drain() / aclose(); \`ipc/supervised_proc.py\` high-ping warning (drain_timeout ${v.drainTimeout})`,
    ],
    run: (w) => {
      jobStart(w, s(0));
      w.w(s(300), 'INFO', 'draining worker', [
        ['id', 'AW_p4Tg7YhN2kQs'],
        ['timeout', w.v.drainTimeout],
      ]);
      w.sup(s(312.4), 'job', 'WARNING', 'process is unresponsive', [['delay', 734]]);
      forcedClose(w, s(420.5));
      sessionEnd(w, s(421.6), 'participant_disconnected');
      w.w(s(422.3), 'INFO', 'shutting down worker', [['id', 'AW_p4Tg7YhN2kQs']]);
    },
    findings: () => [],
  },
];

export function livekitAgentsScenarios(): Scenario[] {
  const out: Scenario[] = [];
  for (const v of PY_VERSIONS) {
    const formats: FormatId[] = v.colored
      ? ['python-json', 'python-colored', 'python-compact']
      : ['python-json'];
    for (const format of formats) {
      for (const script of SCRIPTS) {
        if (script.versions && !script.versions(v)) continue;
        if (script.formats && !script.formats.includes(format)) continue;
        // `start` is INFO; the coloured formats come from `dev` (DEBUG) and `--simulation` (compact).
        const w = new PyWriter(v, format, format === 'python-json' ? 'INFO' : 'DEBUG');
        script.run(w);
        const capture = w.capture();
        const findings = script.findings(v, format);
        const compact = format === 'python-compact';
        const fname = format === 'python-json' ? 'agent.jsonl' : 'agent.txt';
        const spec: ScenarioSpec = {
          dir: `livekit-agents/${v.range}/${format}/${script.id}`,
          title: `${script.title} — livekit-agents ${v.range}, ${format === 'python-json' ? 'JSON (start)' : format === 'python-colored' ? 'coloured dev text' : 'compact coloured text'}`,
          shows:
            script.shows(v) +
            (format === 'python-json'
              ? `\n\n\`start\` at INFO: debug lines (\`session closed\`, \`shutting down job task\`) are not written. Key order of ${v.layout === 'cli.py' ? '1.3.1–1.3.6 (`level`, `name`, `message`)' : '1.3.7+ (`message` first)'}.`
              : `\n\n${compact ? '`--simulation` (compact: `%H:%M:%S`, no date, no ` - `)' : '`dev` (`%Y-%m-%d %H:%M:%S,mmm`, local time, no zone)'} at DEBUG; SGR codes around the level and the extras, \`\\x1b[90m\\x1b[0m\` even with no extras. Local time is UTC (TZ=UTC).` +
                (compact
                  ? ' The compact time has no date, so a time window cannot be placed; none of these rules needs one for Python (LK101 reads the close timeout or STT activity, not a 60 s window).'
                  : '')),
          upstream: [
            v.layout === 'cli.py' || format === 'python-json' ? SRC.json(v) : SRC.colored,
            SRC.forward(v),
            ...script.upstream(v),
            `read at tag \`livekit-agents@${v.tag}\` (and every tag of the range)`,
          ],
          generatedWith:
            "scripts/fixtures-logs/livekit-agents.ts with the formatter of scripts/fixtures-logs/python-format.ts, which follows the upstream format strings and key order; TZ=UTC. Traceback frames are illustrative; their last lines are the exceptions' str() as the version renders it.",
          capture,
          captureName: fname,
          expected: { findings, notEvaluated: [] },
          variants: format === 'python-json' && v.range.startsWith('1.6') ? (script.variants ?? []) : [],
        };
        out.push(...variantsOf(spec));
      }
    }
  }
  return out;
}

export { PyFloat };
