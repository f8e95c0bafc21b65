// agents-js (@livekit/agents 1.4.6–1.7.0) captures, written by the real pino/pino-pretty (pino-session.ts).
// Every line below is a log call read upstream (research note agents-js.md, git tags of livekit/agents-js);
// the comment on each helper names the file. Times: 2026-04-22, UTC (TZ=UTC for pino-pretty's clock).
import { Capture, type CapturedRecord } from './capture.js';
import {
  drainTimedOut,
  noJobContext,
  sttApiError,
  sttErrorFrame,
  sttExhausted,
  twirpError,
} from './js-errors.js';
import type { ExpectedFinding, ExpectedSubject, FormatId, Scenario } from './model.js';
import { PinoSession, type JsLevel } from './pino-session.js';
import { variantsOf, type ScenarioSpec } from './scenario.js';

export interface JsVersion {
  /** Folder name: the tags every line of the capture exists in. */
  range: string;
  /** The version a worker binds (`version`), one release of the range. */
  pkg: string;
  /** 1.7.0: `lk.pii.participant_identity` / `lk.pii.room_name`. */
  pii: boolean;
  /** types.ts intervalForRetry: 0.1 (ms) up to 1.6.2, FIRST_RETRY_INTERVAL_MS = 100 from 1.6.3. */
  firstRetry: string;
  /** 1.4.5–1.4.11: beta/workflows/warm_transfer.ts calls getJobContext() (throws); 1.5+: captured context. */
  warmTransfer: 'beta' | 'captured';
  /** worker.ts drain(): a timeout (DRAIN_TIMEOUT 1 h) only from 1.5.0. */
  drainTimeout: boolean;
  /** 1.4.0–1.6.2: the exhausted stream's rejection surfaces as debug `Unhandled promise rejection`. */
  unhandledExhaustion: boolean;
}

export const JS_VERSIONS: readonly JsVersion[] = [
  {
    range: '1.4.6-1.4.11',
    pkg: '1.4.9',
    pii: false,
    firstRetry: '0.1',
    warmTransfer: 'beta',
    drainTimeout: false,
    unhandledExhaustion: true,
  },
  {
    range: '1.5.0-1.6.2',
    pkg: '1.6.1',
    pii: false,
    firstRetry: '0.1',
    warmTransfer: 'captured',
    drainTimeout: true,
    unhandledExhaustion: true,
  },
  {
    range: '1.7.0',
    pkg: '1.7.0',
    pii: true,
    firstRetry: '100',
    warmTransfer: 'captured',
    drainTimeout: true,
    unhandledExhaustion: false,
  },
];

const T0 = Date.parse('2026-04-22T14:00:00.000Z');
const s = (sec: number): number => T0 + Math.round(sec * 1000);
const HOST = 'voice-agent-5b7c9d8f6-x2k4q';
const CALLER = 'sip_+14155550123';
const ROOM = 'call-_+14155550123_kLmN8pQr2sTu';
const JOB = 'AJ_7kPqW2xYz9Lm';
const JOB2 = 'AJ_3fGhJ8kLm2Nb';
const WORKER_PID = 1;
const JOB_PID = 23;
const JOB2_PID = 41;

/**
 * The process whose findings an expected entry names: JS correlates by hostname + pid. pino-pretty drops
 * the hostname (its default `ignore: 'hostname'`), so a dev capture names the process by pid alone.
 */
let prettySubjects = false;
const proc = (pid: number, host = HOST): ExpectedSubject => ({
  kind: 'AgentProcess',
  name: prettySubjects ? String(pid) : `${host}/${pid}`,
});

type Step = (p: PinoSession, v: JsVersion) => void;

/** A small script of upstream log calls for one scenario; run once per format. */
interface JsScript {
  id: string;
  title: string;
  shows: (v: JsVersion, pretty: boolean) => string;
  upstream: (v: JsVersion) => string[];
  /** Which versions it applies to (all by default). */
  versions?: (v: JsVersion) => boolean;
  /** start (info) or dev (debug); a script may force a level (`--log-level debug`). */
  level?: (pretty: boolean, v: JsVersion) => JsLevel;
  /** Only what `start` writes (production JSON): a line `dev` cannot produce. */
  onlyJson?: boolean;
  steps: Step[];
  findings: (v: JsVersion, pretty: boolean) => ExpectedFinding[];
  notEvaluated?: (v: JsVersion, pretty: boolean) => ExpectedFinding[];
  /** Collector variants to emit besides the plain capture. */
  variants?: ScenarioSpec['variants'];
}

// ---- upstream calls -------------------------------------------------------------------------------

/** The worker process and one job process on the same pod. */
function processes(p: PinoSession): void {
  p.process('worker', { hostname: HOST, pid: WORKER_PID });
  p.process('job', { hostname: HOST, pid: JOB_PID, jobId: JOB, roomName: ROOM });
  p.process('job2', {
    hostname: HOST,
    pid: JOB2_PID,
    jobId: JOB2,
    roomName: 'call-_+14155550188_Qw3eRt5yUi7o',
  });
}

/** worker.ts `starting worker` (worker logger: `version`), then a job request and its job process. */
function workerAndJob(at: number, jobKey = 'job', jobId = JOB): Step {
  return (p) => {
    if (jobKey === 'job') p.log(at, 'worker', 'worker', 'info', 'starting worker');
    p.logChild(
      at + 812,
      'worker',
      'worker',
      { jobId, resuming: false, agentName: 'voice-assistant' },
      'info',
      'received job request',
    );
    // ipc/job_proc_lazy_main.ts: logger = log().child({ pid }); debug lines before startJobRequest.
    p.log(at + 1140, jobKey, 'jobpre', 'debug', 'initializing job runner');
    p.log(at + 1187, jobKey, 'jobpre', 'debug', 'job runner initialized');
    p.log(at + 1203, jobKey, 'job', 'debug', 'job started');
  };
}

/** voice/room_io/room_io.ts: the forced close (root logger). */
function forcedClose(at: number, key = 'job'): Step {
  return (p, v) =>
    p.log(
      at,
      key,
      'root',
      'info',
      v.pii
        ? { 'lk.pii.participant_identity': CALLER, reason: 'CLIENT_INITIATED' }
        : { participant: CALLER, reason: 'CLIENT_INITIATED' },
      'closing agent session due to participant disconnect ' +
        '(disable via `RoomInputOptions.closeOnDisconnect=False`)',
    );
}

/** voice/agent_activity.ts drain, voice/agent_session.ts `AgentSession closed`, the job's end (debug). */
function sessionClosed(at: number, reason: string, error: unknown = null, key = 'job'): Step {
  return (p) => {
    p.log(at, key, 'root', 'info', 'mainTask: scheduling paused and no more speech tasks to wait');
    p.log(at + 3, key, 'root', 'info', 'AgentActivity mainTask: exiting');
    p.log(at + 41, key, 'root', 'info', { reason, error }, 'AgentSession closed');
    p.log(at + 58, key, 'job', 'debug', 'shutting down');
    p.log(at + 212, key, 'job', 'debug', 'Job process shutdown');
  };
}

/** inference/stt.ts error frame, then stt/stt.ts's retry warning (attempt = failure + 1, up to maxRetry). */
function sttFailure(at: number, failure: number, key = 'job'): Step {
  return (p, v) => {
    const frame = sttErrorFrame('session closed due to agent inactivity', 2007);
    p.log(at, key, 'root', 'error', { error: frame }, 'Received error from LiveKit STT');
    if (failure < 3) {
      const interval = failure === 0 ? v.firstRetry : '2000';
      p.log(
        at + 2,
        key,
        'root',
        'warn',
        { stt: 'inference.STT', attempt: failure + 1, error: sttApiError(frame) },
        `failed to recognize speech, retrying in ${interval}ms`,
      );
      return;
    }
    // The 4th failure: no warning; emitError({recoverable: false}) closes the session (agent_session.ts _onError).
    const sttError = {
      type: 'stt_error',
      timestamp: at + 3,
      label: 'inference.STT',
      error: sttApiError(frame),
      recoverable: false,
    };
    p.log(at + 3, key, 'root', 'error', sttError, 'AgentSession is closing due to an unrecoverable error');
    if (v.unhandledExhaustion)
      p.log(at + 4, key, 'job', 'debug', { error: sttExhausted() }, 'Unhandled promise rejection');
    sessionClosed(at + 19, 'error', sttError, key)(p, v);
  };
}

/** ipc/job_proc_lazy_main.ts (1.4.6+): the bounded AgentSession.close(). */
function closeTimedOut(at: number): Step {
  return (p) =>
    p.log(
      at,
      'job',
      'job',
      'error',
      { timeout: 60000 },
      'AgentSession.close() timed out; proceeding with shutdown so registered callbacks still run.',
    );
}

/** A later, healthy job on the same worker: keeps the capture going past the windows. */
function laterJob(at: number): Step[] {
  return [
    workerAndJob(at, 'job2', JOB2),
    forcedClose(at + 95_000, 'job2'),
    sessionClosed(at + 96_204, 'participant_disconnected', null, 'job2'),
  ];
}

/** workflows/warm_transfer.ts (1.5+) / beta/workflows/warm_transfer.ts (1.4.5–1.4.11): the caller hangs up. */
function callerHungUp(at: number): Step {
  return (p, v) =>
    p.log(
      at,
      'job',
      'root',
      'info',
      v.pii ? { 'lk.pii.participant_identity': CALLER } : { participantIdentity: CALLER },
      'participant disconnected from caller room, closing',
    );
}

/** job.ts deleteRoom (1.5+): JobContext logger, the room key bound and given again. */
function roomDeleted(at: number): Step {
  return (p, v) =>
    p.log(
      at,
      'job',
      'jobctx',
      'info',
      v.pii ? { 'lk.pii.room_name': ROOM } : { roomName: ROOM },
      'room deleted',
    );
}

// ---- scripts ----------------------------------------------------------------------------------------

const SRC = {
  log: (v: JsVersion) =>
    `\`agents/src/log.ts\` (createLogger) at \`@livekit/agents@${v.pkg}\`; pino 8.21.0, pino-pretty 11.3.0`,
  roomIo: (v: JsVersion) =>
    `\`agents/src/voice/room_io/room_io.ts\` forced close (${v.pii ? '`lk.pii.participant_identity`, 1.7.0' : '`participant`, 1.4.0–1.6.4'})`,
  session:
    '`agents/src/voice/agent_session.ts` `AgentSession closed` / `_onError`; `agents/src/voice/agent_activity.ts` drain lines (1.4.0–1.7.0)',
  jobProc:
    '`agents/src/ipc/job_proc_lazy_main.ts` job logger `child({ pid })` then `child({ jobID })` (1.4.0–1.7.0)',
  worker: '`agents/src/worker.ts` worker logger `child({ version })`, `received job request` (1.4.0–1.7.0)',
  stt: (v: JsVersion) =>
    `\`agents/src/inference/stt.ts\` \`Received error from LiveKit STT\`; \`agents/src/stt/stt.ts\` retry warning (\`retrying in ${v.firstRetry}ms\` first: ${v.firstRetry === '100' ? '1.6.3+' : '1.4.0–1.6.2'}), counter never reset (1.4.0–1.7.0)`,
};

const SCRIPTS: JsScript[] = [
  {
    id: 'lk101-close-hung',
    title: 'Forced close that never completes',
    shows: () =>
      'The caller hangs up; room_io logs the forced close, but no drain lines and no `AgentSession closed` follow for that ' +
      'process. The worker takes another job a few minutes later, so the capture runs well past the 60 s window.',
    upstream: (v) => [SRC.roomIo(v), SRC.session, SRC.worker],
    steps: [workerAndJob(s(0)), forcedClose(s(38.83)), ...laterJob(s(240))],
    findings: () => [{ ruleId: 'LK101', subject: proc(JOB_PID) }],
    variants: ['kubectl-prefix', 'kubectl-timestamps', 'kubectl-prefix-timestamps', 'stern', 'cri', 'gzip'],
  },
  {
    id: 'lk101-close-completes',
    title: 'Forced close that completes (near miss for LK101)',
    shows: () =>
      'The caller hangs up; the activity drains and `AgentSession closed` (`reason: participant_disconnected`) follows 1.2 s ' +
      'later. Nothing to report.',
    upstream: (v) => [SRC.roomIo(v), SRC.session],
    steps: [
      workerAndJob(s(0)),
      forcedClose(s(38.83)),
      sessionClosed(s(40.03), 'participant_disconnected'),
      ...laterJob(s(240)),
    ],
    findings: () => [],
    variants: ['kubectl-timestamps'],
  },
  {
    id: 'lk102-orphaned-stt-socket',
    title: 'Orphaned STT socket after a hung close',
    shows: () =>
      'The forced close never completes; the inference STT stream stays open and the server closes it for inactivity ' +
      'twice, 30 minutes apart (`Received error from LiveKit STT`, `code: 2007`, `session closed due to agent inactivity`), ' +
      "each followed by the plugin's retry warning (attempt 1, then 2: the JS counter never resets).",
    upstream: (v) => [SRC.roomIo(v), SRC.stt(v)],
    steps: [
      workerAndJob(s(0)),
      forcedClose(s(38.83)),
      sttFailure(s(1838.9), 0),
      sttFailure(s(3639.2), 1),
      ...laterJob(s(3900)),
    ],
    findings: () => [
      { ruleId: 'LK101', subject: proc(JOB_PID) },
      { ruleId: 'LK102', subject: proc(JOB_PID) },
    ],
    variants: ['cri-512', 'stern'],
  },
  {
    id: 'lk102-inactivity-on-live-session',
    title: 'A 2007 on a live session (near miss for LK102)',
    shows: () =>
      'During a live call the STT socket is closed once for inactivity (2007) and the plugin reconnects (attempt 1). The ' +
      'caller later hangs up and the close completes. No close was hung when the 2007 came: nothing to report.',
    upstream: (v) => [SRC.stt(v), SRC.session],
    steps: [
      workerAndJob(s(0)),
      sttFailure(s(1801.4), 0),
      forcedClose(s(1930.2)),
      sessionClosed(s(1931.5), 'participant_disconnected'),
    ],
    findings: () => [],
  },
  {
    id: 'lk103-close-timeout',
    title: 'AgentSession.close() times out',
    shows: () =>
      'The forced close hangs; 60 s later the job logger (pid twice, `jobID`) reports `AgentSession.close() timed out; ' +
      'proceeding with shutdown so registered callbacks still run.` with `timeout: 60000`, and no `AgentSession closed`.',
    upstream: (v) => [
      SRC.roomIo(v),
      SRC.jobProc + '; the bound since 1.4.6 (`SESSION_CLOSE_TIMEOUT = 60 * 1000`)',
    ],
    steps: [workerAndJob(s(0)), forcedClose(s(38.83)), closeTimedOut(s(98.85)), ...laterJob(s(240))],
    findings: () => [
      { ruleId: 'LK101', subject: proc(JOB_PID) },
      { ruleId: 'LK103', subject: proc(JOB_PID) },
    ],
  },
  {
    id: 'lk103-slow-close-completes',
    title: 'A slow close that completes inside the bound (near miss for LK103)',
    shows: () =>
      'The forced close takes 45 s (a long final utterance) and then `AgentSession closed` arrives, inside both the 60 s ' +
      'LK101 window and the 60 s close bound. Nothing to report.',
    upstream: (v) => [SRC.roomIo(v), SRC.session],
    steps: [
      workerAndJob(s(0)),
      forcedClose(s(38.83)),
      sessionClosed(s(83.9), 'participant_disconnected'),
      ...laterJob(s(240)),
    ],
    findings: () => [],
  },
  {
    id: 'lk104-retries-exhausted',
    title: 'STT retries exhausted over an hour (the counter never resets)',
    shows: (v) =>
      'Four 2007 closures 20 minutes apart on one stream. Because stt/stt.ts never resets its loop counter (1.4–1.7), the ' +
      'warnings count attempt 1, 2, 3 although the stream recovered in between, and the 4th failure logs no warning: it ' +
      'closes the session (`AgentSession is closing due to an unrecoverable error`, `type: stt_error`, `recoverable: false`), ' +
      'then `AgentSession closed` with `reason: error`.' +
      (v.unhandledExhaustion
        ? ' At debug level the job logger also shows `Unhandled promise rejection` with `failed to recognize speech after 4 attempts` (1.4.0–1.6.2).'
        : ' 1.6.3+ swallows the final rejection, so `after 4 attempts` is never logged.'),
    upstream: (v) => [SRC.stt(v), SRC.session],
    steps: [
      workerAndJob(s(0)),
      sttFailure(s(1200.5), 0),
      sttFailure(s(2400.7), 1),
      sttFailure(s(3600.9), 2),
      sttFailure(s(4801.1), 3),
    ],
    findings: () => [{ ruleId: 'LK104', subject: proc(JOB_PID) }],
  },
  {
    id: 'lk104-two-retries',
    title: 'Two retries that recover (near miss for LK104)',
    shows: () =>
      'Two 2007 closures (attempt 1, attempt 2) and the stream keeps working; the call ends normally. maxRetry (3) is ' +
      'never reached: nothing to report.',
    upstream: (v) => [SRC.stt(v), SRC.session],
    steps: [
      workerAndJob(s(0)),
      sttFailure(s(1200.5), 0),
      sttFailure(s(2400.7), 1),
      forcedClose(s(2500.2)),
      sessionClosed(s(2501.4), 'participant_disconnected'),
    ],
    findings: () => [],
  },
  {
    id: 'lk201-no-job-context',
    title: 'Warm transfer leaves the caller room (job context missing)',
    shows: (v) =>
      v.warmTransfer === 'beta'
        ? "The caller hangs up during a warm transfer. 1.4.5–1.4.11's handler calls `getJobContext()` from an rtc-node " +
          'event, which throws `no job context found, are you running this code inside a job entrypoint?`; it surfaces only ' +
          'as a **debug** `Unhandled promise rejection` on the job logger, so this capture runs at `--log-level debug`. ' +
          'The room is never deleted.'
        : 'The caller hangs up during a warm transfer and the workflow has no captured job context: ' +
          '`no job context captured, cannot delete caller room` (warn). The caller room stays.',
    upstream: (v) => [
      v.warmTransfer === 'beta'
        ? '`agents/src/beta/workflows/warm_transfer.ts` (1.4.5–1.4.11) `onCallerParticipantDisconnected`; `agents/src/job.ts` getJobContext; the `unhandledRejection` handler in `agents/src/ipc/job_proc_lazy_main.ts`; changeset `.changeset/warm-transfer-job-context.md` (1.5.0)'
        : '`agents/src/workflows/warm_transfer.ts` (1.5.0–1.7.0) `no job context captured, cannot delete caller room`',
    ],
    // 1.4.x: the only trace is a debug line, so this capture runs `start --log-level debug`.
    level: (pretty, v) => (pretty || v.warmTransfer === 'beta' ? 'debug' : 'info'),
    steps: [
      workerAndJob(s(0)),
      callerHungUp(s(612.4)),
      (p, v) => {
        if (v.warmTransfer === 'beta')
          p.log(s(612.41), 'job', 'job', 'debug', { error: noJobContext() }, 'Unhandled promise rejection');
        else p.log(s(612.41), 'job', 'root', 'warn', 'no job context captured, cannot delete caller room');
      },
      ...laterJob(s(900)),
    ],
    findings: () => [{ ruleId: 'LK201', subject: proc(JOB_PID) }],
  },
  {
    id: 'lk201-delete-failed',
    title: 'Warm transfer: deleting the caller room fails',
    versions: (v) => v.warmTransfer === 'captured',
    shows: () =>
      'The caller hangs up; JobContext.deleteRoom catches a Twirp failure and logs `error while deleting room` (warn, ' +
      'JobContext bindings, the room key twice). The caller room stays.',
    upstream: () => [
      '`agents/src/workflows/warm_transfer.ts` and `agents/src/job.ts` deleteRoom (1.5.0–1.7.0)',
    ],
    steps: [
      workerAndJob(s(0)),
      callerHungUp(s(612.4)),
      (p, v) =>
        p.log(
          s(612.73),
          'job',
          'jobctx',
          'warn',
          v.pii
            ? { error: twirpError('internal error', 500, 'internal'), 'lk.pii.room_name': ROOM }
            : { error: twirpError('internal error', 500, 'internal'), roomName: ROOM },
          'error while deleting room',
        ),
      ...laterJob(s(900)),
    ],
    findings: () => [{ ruleId: 'LK201', subject: proc(JOB_PID) }],
  },
  {
    id: 'lk201-no-room-deleted',
    title: 'Warm transfer: no `room deleted` within 30 s',
    versions: (v) => v.warmTransfer === 'captured',
    shows: () =>
      'The caller hangs up and nothing follows for that process: 1.5+ logs `room deleted` on a successful delete, so its ' +
      'absence for minutes is the evidence of a leak (the delete promise never settled).',
    upstream: () => [
      '`agents/src/workflows/warm_transfer.ts`, `agents/src/job.ts` deleteRoom `room deleted` (1.5.0–1.7.0)',
    ],
    steps: [workerAndJob(s(0)), callerHungUp(s(612.4)), ...laterJob(s(900))],
    findings: () => [{ ruleId: 'LK201', subject: proc(JOB_PID) }],
  },
  {
    id: 'lk201-room-deleted',
    title: 'Warm transfer that deletes the caller room (near miss for LK201)',
    versions: (v) => v.warmTransfer === 'captured',
    shows: () => 'The caller hangs up; `room deleted` follows 310 ms later. Nothing to report.',
    upstream: () => ['`agents/src/job.ts` deleteRoom `room deleted` (1.5.0–1.7.0)'],
    steps: [workerAndJob(s(0)), callerHungUp(s(612.4)), roomDeleted(s(612.71)), ...laterJob(s(900))],
    findings: () => [],
  },
  {
    id: 'lk201-hangup-at-info',
    title: 'Warm transfer hang-up at info level (1.4.x logs nothing after it)',
    versions: (v) => v.warmTransfer === 'beta',
    onlyJson: true,
    shows: () =>
      "The same hang-up as `lk201-no-job-context`, but at `start`'s default info level: 1.4.x writes nothing after the " +
      'hang-up line, whether the delete worked or not (its failure is a debug line, its success is silent). A missing ' +
      '`room deleted` is no evidence in 1.4.x (RULES.md LK201): storyctl must stay quiet here, and cannot see this leak.',
    upstream: () => ['`agents/src/beta/workflows/warm_transfer.ts` (1.4.5–1.4.11)'],
    steps: [workerAndJob(s(0)), callerHungUp(s(612.4)), ...laterJob(s(900))],
    findings: () => [],
  },
  {
    id: 'lk301-drain-timed-out',
    title: 'Worker drain times out',
    versions: (v) => v.drainTimeout,
    onlyJson: true,
    shows: () =>
      'SIGTERM: the worker drains (debug `draining worker`, invisible at info) while a call goes on; after the 1 h ' +
      '`DRAIN_TIMEOUT` the CLI logs the thrown WorkerError with `logger.error(e)`: `err` (type `WorkerError`, stack ' +
      'starting `Error: timed out draining`) and `msg: "timed out draining"`, on the root logger (no `version`).',
    upstream: () => [
      '`agents/src/worker.ts` drain() (`DRAIN_TIMEOUT = 60 * 60 * 1000`, 1.5.0+); `agents/src/cli.ts` SIGTERM handler `logger.error(e)` (production only)',
    ],
    steps: [
      workerAndJob(s(0)),
      (p) => p.log(s(300), 'worker', 'worker', 'debug', 'draining worker'),
      (p) =>
        p.logChild(
          s(312.5),
          'worker',
          'worker',
          { jobId: 'AJ_9sDfG4hJk6Lq', resuming: false, agentName: 'voice-assistant' },
          'info',
          'Worker is draining and no longer available, rejecting job',
        ),
      (p) => p.log(s(3900), 'worker', 'root', 'error', drainTimedOut()),
    ],
    findings: () => [{ ruleId: 'LK301', subject: proc(WORKER_PID) }],
  },
  {
    id: 'lk301-job-unresponsive',
    title: 'Job process unresponsive and killed at shutdown',
    shows: () =>
      'At shutdown the supervisor waits for the job process: `job shutdown is taking too much time` (error, worker pid, no ' +
      'job id) and the job process itself reports `job process orphaned, shutting down.` (warn, job logger).',
    upstream: () => [
      '`agents/src/ipc/supervised_proc.ts` close() / ping; `agents/src/ipc/job_proc_lazy_main.ts` orphan timer (1.4.0–1.7.0)',
    ],
    steps: [
      workerAndJob(s(0)),
      (p) => p.log(s(300), 'worker', 'root', 'warn', { delay: 1212 }, 'job executor is unresponsive'),
      (p) => p.log(s(361), 'worker', 'root', 'error', 'job shutdown is taking too much time'),
      (p) => p.log(s(376.2), 'job', 'job', 'warn', 'job process orphaned, shutting down.'),
    ],
    // Two processes each log a failure; the supervisor's line carries no job id that would join them.
    findings: () => [
      { ruleId: 'LK301', subject: proc(WORKER_PID) },
      { ruleId: 'LK301', subject: proc(JOB_PID) },
    ],
  },
  {
    id: 'lk301-drain-clean',
    title: 'A drain that ends cleanly (near miss for LK301)',
    shows: () =>
      'SIGTERM while a call runs: the worker drains (debug `draining worker`), rejects a new job (`Worker is draining ' +
      'and no longer available, rejecting job`), the call ends (`AgentSession closed`) and the worker shuts down ' +
      '(debug `shutting down worker`, `worker closed due to SIGTERM.`). At info level only the rejection and the close ' +
      'show. Nothing to report.',
    upstream: () => [
      '`agents/src/worker.ts` drain() / close(); `agents/src/cli.ts` SIGTERM handler (1.4.0–1.7.0)',
    ],
    steps: [
      workerAndJob(s(0)),
      (p) => p.log(s(300), 'worker', 'root', 'debug', 'SIGTERM received in CLI.'),
      (p) => p.log(s(300.002), 'worker', 'worker', 'debug', 'draining worker'),
      (p) =>
        p.logChild(
          s(312.5),
          'worker',
          'worker',
          { jobId: 'AJ_9sDfG4hJk6Lq', resuming: false, agentName: 'voice-assistant' },
          'info',
          'Worker is draining and no longer available, rejecting job',
        ),
      forcedClose(s(420.5)),
      sessionClosed(s(421.7), 'participant_disconnected'),
      (p) => p.log(s(422.4), 'worker', 'worker', 'debug', 'shutting down worker'),
      (p) => p.log(s(422.6), 'worker', 'root', 'debug', 'worker closed due to SIGTERM.'),
    ],
    findings: () => [],
  },
  {
    id: 'lk301-slow-ping-clean-exit',
    title: 'A slow ping and a clean end (near miss for LK301)',
    shows: () =>
      'The supervisor warns once that a pong was slow (`job executor is unresponsive`, `delay: 812`) — a warning, not a ' +
      'failure — and the call then ends normally. Nothing to report.',
    upstream: () => ['`agents/src/ipc/supervised_proc.ts` high-ping warning (`highPingThreshold` 500 ms)'],
    steps: [
      workerAndJob(s(0)),
      (p) => p.log(s(300), 'worker', 'root', 'warn', { delay: 812 }, 'job executor is unresponsive'),
      forcedClose(s(420.5)),
      sessionClosed(s(421.7), 'participant_disconnected'),
      ...laterJob(s(600)),
    ],
    findings: () => [],
  },
];

async function render(script: JsScript, v: JsVersion, pretty: boolean): Promise<CapturedRecord[]> {
  const level = script.level?.(pretty, v) ?? (pretty ? 'debug' : 'info');
  const p = new PinoSession({ pretty, level, packageVersion: v.pkg, piiKeys: v.pii });
  processes(p);
  for (const step of script.steps) step(p, v);
  return p.finish();
}

export async function agentsJsScenarios(): Promise<Scenario[]> {
  const out: Scenario[] = [];
  for (const v of JS_VERSIONS) {
    for (const pretty of [false, true]) {
      const format: FormatId = pretty ? 'pino-pretty' : 'pino-json';
      for (const script of SCRIPTS) {
        if (script.versions && !script.versions(v)) continue;
        if (pretty && script.onlyJson) continue;
        const records = await render(script, v, pretty);
        const cap = new Capture();
        cap.addAll(records);
        const level = script.level?.(pretty, v) ?? (pretty ? 'debug' : 'info');
        // pino-pretty has no date: plain dev output cannot place a window. Its windowed positives are
        // "not evaluated" there; the --timestamps variant dates them (the collector's time).
        prettySubjects = pretty;
        const findings = script.findings(v, pretty);
        const windowed = pretty
          ? findings.filter(
              (f) => f.ruleId === 'LK101' || (f.ruleId === 'LK201' && script.id === 'lk201-no-room-deleted'),
            )
          : [];
        const spec: ScenarioSpec = {
          dir: `agents-js/${v.range}/${format}/${script.id}`,
          title: `${script.title} — agents-js ${v.range}, ${pretty ? 'pino-pretty (dev)' : 'pino JSON (start)'}`,
          shows:
            script.shows(v, pretty) +
            `\n\nThe process runs \`${pretty ? 'dev' : 'start'}\` at level \`${level}\`; the worker binds \`version: "${v.pkg}"\`.` +
            (pretty
              ? '\n\npino-pretty output has no date (`[HH:MM:ss.l]`, local time: generated with TZ=UTC). A window rule cannot be ' +
                'placed without a date, so in the plain capture a windowed positive is expected as *not evaluated*; ' +
                'the `kubectl logs --timestamps` variant takes the date from the collector and expects the finding.'
              : ''),
          upstream: [SRC.log(v), SRC.jobProc, ...script.upstream(v)],
          generatedWith: `scripts/fixtures-logs/agents-js.ts through the real pino 8.21.0${pretty ? ' and pino-pretty 11.3.0 (`colorize: true`)' : ''}, configured as agents/src/log.ts configures them (see scripts/fixtures-logs/pino-session.ts): in-memory destination, Date.now stubbed per call, explicit \`base: { pid, hostname }\` in pino's default order. TZ=UTC. Error stacks are fixed text with illustrative frames (a real stack would carry the generating machine's paths).`,
          capture: cap,
          captureName: pretty ? 'agent.txt' : 'agent.jsonl',
          expected: {
            findings: findings.filter((f) => !windowed.includes(f)),
            notEvaluated: [...windowed, ...(script.notEvaluated?.(v, pretty) ?? [])],
          },
          // Collector variants of the JSON capture for the newest release only (the prefixes do not depend on
          // the version); every pino-pretty windowed positive gets its dated --timestamps twin.
          variants: pretty
            ? windowed.length > 0
              ? ['kubectl-timestamps']
              : []
            : v.range === '1.7.0'
              ? (script.variants ?? [])
              : [],
          variantExpected: pretty && windowed.length > 0 ? { findings, notEvaluated: [] } : undefined,
        };
        out.push(...variantsOf(spec));
      }
    }
  }
  return out;
}
