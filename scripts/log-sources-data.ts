// What storyctl's log rules read, verified against the upstream source at the versions in the field
// (issue 11 item 1). One data module: scripts/log-sources.ts writes docs/log-sources.md and the README's
// "Supported log sources" matrix from it (`--check` fails on drift), and the fixture generators take
// their format ids from it. Facts come from the research notes read at the upstream git tags
// (agents-js.md, livekit-agents-python.md, bobrapet.md section A, ductor.md); where they disagree with
// LOG-FORMATS.md or RULES.md, the source wins and DOC_ERRORS says where.

export type SystemId = 'agents-js' | 'livekit-agents' | 'bobrapet' | 'ductor';

export interface SystemInfo {
  id: SystemId;
  name: string;
  repo: string;
  /** The versions in the field that were read, as ranges of tags. */
  versions: string;
}

export const SYSTEMS: readonly SystemInfo[] = [
  {
    id: 'agents-js',
    name: 'LiveKit Agents for Node (`@livekit/agents`)',
    repo: 'livekit/agents-js',
    versions: '1.4.0–1.7.0',
  },
  {
    id: 'livekit-agents',
    name: 'LiveKit Agents for Python (`livekit-agents`)',
    repo: 'livekit/agents',
    versions: '1.3.1–1.6.10',
  },
  {
    id: 'bobrapet',
    name: 'Bobrapet operator (controller-runtime v0.23.3 zap)',
    repo: 'bubustack/bobrapet',
    versions: 'v0.1.5–v0.1.12',
  },
  {
    id: 'ductor',
    name: 'Ductor (Telegram bot for coding-agent CLIs)',
    repo: 'PleasePrompto/ductor',
    versions: '0.4.0–0.4.4, 0.20.x',
  },
];

export type TimeKind = 'full' | 'time-of-day' | 'zone-less';

export interface FormatInfo {
  id: string;
  system: SystemId;
  name: string;
  /** The upstream file that writes it. */
  writer: string;
  versions: string;
  /** How it writes time: a zone/epoch, a time of day only, or a wall clock without a zone. */
  time: TimeKind;
  /** A line exactly as written (`\e` is ESC). */
  example: string;
  notes: string;
}

export const FORMATS = [
  {
    id: 'pino-json',
    system: 'agents-js',
    name: 'pino JSON (`start`)',
    writer:
      '`agents/src/log.ts` createLogger: `pino({ level, serializers: { error: pino.stdSerializers.err } }, multistream([{ stream: process.stdout }, OtelDestination]))`; pino ^8.19.0 (8.21.0)',
    versions: '1.4.0–1.7.0',
    time: 'full',
    example:
      '{"level":30,"time":1776866438830,"pid":23,"hostname":"voice-agent-5b7c9d8f6-x2k4q","lk.pii.participant_identity":"sip_+14155550123","reason":"CLIENT_INITIATED","msg":"closing agent session due to participant disconnect (disable via `RoomInputOptions.closeOnDisconnect=False`)"}',
    notes:
      'Keys: `level` (10–60), `time` (epoch ms), `pid`, `hostname`, child bindings outermost first, call fields, `msg`. Duplicate keys kept (job logger: `pid` twice). `err`/`error` through pino-std-serializers 6.2.2 `err`.',
  },
  {
    id: 'pino-pretty',
    system: 'agents-js',
    name: 'pino-pretty (`dev`, `connect`, `console`, `download-files`)',
    writer: '`agents/src/log.ts`: `pinoPretty({ colorize: true })`; pino-pretty ^11.0.0 (11.3.0)',
    versions: '1.4.0–1.7.0',
    time: 'time-of-day',
    example:
      '[14:00:38.830] \\e[32mINFO\\e[39m (23): \\e[36mclosing agent session due to participant disconnect (disable via `RoomInputOptions.closeOnDisconnect=False`)\\e[39m',
    notes:
      'Local time without a date or zone; no hostname (`ignore: hostname`); colour on the header line only; then 4-space `key: value` lines (JSON values), error keys last, `stack` lines indented 10; `pid`, `hostname`, `name`, `level`, `time`, `timestamp`, `caller` never printed.',
  },
  {
    id: 'python-json',
    system: 'livekit-agents',
    name: 'JSON (`start`)',
    writer:
      '`livekit/agents/cli/log.py` JsonFormatter (1.3.7+); `livekit/agents/cli/cli.py` JsonFormatter (1.3.1–1.3.6)',
    versions: '1.3.1–1.6.10',
    time: 'full',
    example:
      '{"message": "AgentSession.aclose() timed out after 60.0s; proceeding with shutdown so registered callbacks still run.", "level": "ERROR", "name": "livekit.agents", "pid": 812, "job_id": "AJ_Vq8nR2mXc4Tz", "room": "call-_+14155550142_Zx9cVb7nM1aS", "timestamp": "2026-04-22T16:01:38.840692+00:00"}',
    notes:
      '1.3.7+: `message`, `level`, `name`, [`exc_info`], [`stack_info`], extras in record order, `timestamp` (UTC isoformat, no fraction when µs = 0); 1.3.1–1.3.6: `level`, `name`, `message`, …. Separators `, ` / `: `, ensure_ascii=False. Forwarded records add `pid`, `job_id`, `room_id` (≤1.5.x) / `room` (1.6).',
  },
  {
    id: 'python-colored',
    system: 'livekit-agents',
    name: 'coloured dev text (`dev`, `start --log-format colored`)',
    writer:
      '`livekit/agents/cli/log.py` ColoredFormatter `"%(asctime)s - %(esc_levelcolor)s%(levelname)-4s%(esc_reset)s %(name)s - %(message)s %(esc_gray)s%(extra)s"`',
    versions: '1.6.0–1.6.10',
    time: 'zone-less',
    example:
      '2026-04-22 16:00:38,830 - \\e[32mINFO\\e[0m livekit.agents - closing agent session due to participant disconnect (disable via `RoomInputOptions.close_on_disconnect=False`) \\e[90m{"room": "call-_+14155550142_Zx9cVb7nM1aS", "participant": "sip_+14155550142", "reason": "CLIENT_INITIATED", "pid": 812, "job_id": "AJ_Vq8nR2mXc4Tz"}\\e[0m',
    notes:
      "Local time, no zone; SGR written whatever the output; ends `\\e[90m\\e[0m` even with no extras; a traceback follows on raw lines; a forwarded traceback is printed twice, the extras JSON after the first copy's last line. 1.3–1.5 `dev` uses Rich instead (not read by storyctl).",
  },
  {
    id: 'python-compact',
    system: 'livekit-agents',
    name: 'compact coloured text (`--simulation`; TCP `console` with a leading `\\r`)',
    writer:
      '`livekit/agents/cli/log.py` setup_logging compact: `"%(asctime)s %(esc_levelcolor)s%(levelname)-4s%(esc_reset)s %(name)s %(message)s %(esc_gray)s%(extra)s"`, datefmt `%H:%M:%S`',
    versions: '1.6.0–1.6.10',
    time: 'time-of-day',
    example:
      '16:00:38 \\e[32mINFO\\e[0m livekit.agents closing agent session due to participant disconnect (disable via `RoomInputOptions.close_on_disconnect=False`) \\e[90m{…}\\e[0m',
    notes: 'No date, no milliseconds, no ` - ` separators.',
  },
  {
    id: 'zap-json',
    system: 'bobrapet',
    name: 'zap production JSON (default)',
    writer:
      '`cmd/main.go` `zap.Options{}` + BindFlags; controller-runtime v0.23.3 `pkg/log/zap/zap.go` (JSON encoder, RFC3339 time, sampling 100/s)',
    versions: 'v0.1.5–v0.1.12',
    time: 'full',
    example:
      '{"level":"info","ts":"2026-04-22T18:15:32Z","logger":"storyrun","msg":"Graceful cancel timeout expired; deleting remaining StepRuns","controller":"storyrun","controllerGroup":"runs.bubustack.io","controllerKind":"StoryRun","StoryRun":{"name":"livekit-voice-assistant-rm-6jwy7uutjydd-241a4c029032ae1d","namespace":"livekit-voice"},"namespace":"livekit-voice","name":"livekit-voice-assistant-rm-6jwy7uutjydd-241a4c029032ae1d","reconcileID":"…","storyrun":"livekit-voice-assistant-rm-6jwy7uutjydd-241a4c029032ae1d","remainingStepRuns":3,"timeout":"2m0s","startedAt":"2026-04-22T18:13:32.023539756Z"}',
    notes:
      '`level`, `ts` (RFC3339 to the second: lines tie), `logger`, `msg`, reconcile context, WithValues, call key/values, `error`, `stacktrace`. No `caller`. Keys repeat (`namespace`, `name`). stderr.',
  },
  {
    id: 'zap-console',
    system: 'bobrapet',
    name: 'zap console (`--zap-devel`)',
    writer:
      'controller-runtime v0.23.3 `pkg/log/zap/zap.go` newConsoleEncoder (development config, RFC3339 time)',
    versions: 'v0.1.5–v0.1.12',
    time: 'full',
    example:
      '2026-04-22T18:15:32Z\tINFO\tstoryrun\tGraceful cancel timeout expired; deleting remaining StepRuns\t{"controller":"storyrun",…,"timeout":"2m0s","startedAt":"2026-04-22T18:13:32.023539756Z"}',
    notes:
      'Tab-separated `ts`, `LEVEL`, `logger`, `msg`, the fields as one JSON object; stack traces (from Warn up) on the following lines.',
  },
  {
    id: 'ductor-file',
    system: 'ductor',
    name: 'file handler (`agent.log`)',
    writer:
      '`ductor_bot/logging_config.py` FILE_FMT `"%(asctime)s [%(levelname)s] %(name)s:%(filename)s:%(lineno)d: %(ctx)s%(message)s"`, FILE_DATE_FMT `%Y-%m-%d %H:%M:%S`',
    versions: '0.4.0–0.4.4, 0.20.x',
    time: 'zone-less',
    example:
      '2026-05-14 08:15:00 [WARNING] ductor_bot.orchestrator.flows:flows.py:156: [main:msg:-1001234567890:Release Planning: Q2] Session timed out after 600s model=opus',
    notes: 'Local time, one-second precision, no zone; never coloured. ctx from `ductor_bot/log_context.py`.',
  },
  {
    id: 'ductor-console',
    system: 'ductor',
    name: 'console handler (stderr: `docker logs`, `kubectl logs`)',
    writer:
      '`ductor_bot/logging_config.py` CONSOLE_FMT `"%(asctime)s %(levelname)s %(name)s: %(ctx)s%(message)s"`, DATE_FMT `%H:%M:%S`, `_ColorFormatter`',
    versions: '0.4.0–0.4.4, 0.20.x',
    time: 'time-of-day',
    example:
      '08:15:00 WARNING  ductor_bot.orchestrator.flows: [main:msg:-1001234567890:Release Planning: Q2] Session timed out after 600s model=opus',
    notes:
      'No date; level padded to 8; no file:line; SGR around the padded level only when stderr is a TTY (`\\e[33mWARNING \\e[0m`).',
  },
] as const satisfies readonly FormatInfo[];

export type FormatId = (typeof FORMATS)[number]['id'];

export interface Message {
  /** The rules that read it. */
  rules: string[];
  system: SystemId;
  /** Which role it plays for the rule. */
  role: string;
  level: string;
  /** The exact text (a `{…}` part is variable). */
  text: string;
  fields?: string;
  file: string;
  /** The tags the text exists in. */
  versions: string;
}

const JS = 'agents-js';
const PY = 'livekit-agents';

export const MESSAGES: readonly Message[] = [
  // ---- LK101 / LK102 / LK103: the session close ----
  {
    rules: ['LK101', 'LK102', 'LK103'],
    system: JS,
    role: 'forced close starts',
    level: 'info',
    text: 'closing agent session due to participant disconnect (disable via `RoomInputOptions.closeOnDisconnect=False`)',
    fields:
      '`participant` (1.4.0–1.6.4) / `lk.pii.participant_identity` (1.7.0), `reason` (DisconnectReason name); root logger',
    file: 'agents/src/voice/room_io/room_io.ts',
    versions: '1.4.0–1.7.0',
  },
  {
    rules: ['LK101', 'LK102'],
    system: JS,
    role: 'close done',
    level: 'info',
    text: 'AgentSession closed',
    fields:
      '`reason` (`error`, `job_shutdown`, `participant_disconnected`, `user_initiated`), `error` (null or the raw error object)',
    file: 'agents/src/voice/agent_session.ts',
    versions: '1.4.0–1.7.0',
  },
  {
    rules: ['LK101'],
    system: JS,
    role: 'drain lines before the close (also on every agent handoff)',
    level: 'info',
    text: 'mainTask: scheduling paused and no more speech tasks to wait / AgentActivity mainTask: exiting',
    file: 'agents/src/voice/agent_activity.ts',
    versions: '1.4.0–1.7.0',
  },
  {
    rules: ['LK101'],
    system: JS,
    role: 'job end (debug only)',
    level: 'debug',
    text: 'shutting down (job logger) / job exiting (worker, `reason`)',
    file: 'agents/src/ipc/job_proc_lazy_main.ts, agents/src/ipc/supervised_proc.ts',
    versions: '1.4.0–1.7.0',
  },
  {
    rules: ['LK101', 'LK102', 'LK103'],
    system: PY,
    role: 'forced close starts',
    level: 'info',
    text: 'closing agent session due to participant disconnect (disable via `RoomInputOptions.close_on_disconnect=False`)',
    fields:
      '`participant`, `reason` (1.3.1–1.3.5); `room`, `participant`, `reason` (1.3.6+); then `pid`, `job_id`, `room_id`/`room`',
    file: 'livekit/agents/voice/room_io/room_io.py',
    versions: '1.3.1–1.6.10',
  },
  {
    rules: ['LK101', 'LK102'],
    system: PY,
    role: 'close done (debug: absent from `start` captures)',
    level: 'debug',
    text: 'session closed',
    fields: '`reason`, `error`',
    file: 'livekit/agents/voice/agent_session.py',
    versions: '1.3.1–1.6.10',
  },
  {
    rules: ['LK101', 'LK102'],
    system: PY,
    role: 'job end (worker-process line about the job)',
    level: 'info',
    text: 'process exiting',
    fields: '`reason` (often `""`), `pid`, `job_id`, `room_id`/`room`',
    file: 'livekit/agents/ipc/supervised_proc.py',
    versions: '1.3.1–1.6.10',
  },
  {
    rules: ['LK103', 'LK101'],
    system: JS,
    role: 'the bounded close timed out',
    level: 'error',
    text: 'AgentSession.close() timed out; proceeding with shutdown so registered callbacks still run.',
    fields: '`timeout: 60000`; job logger (`pid` twice, `jobID`)',
    file: 'agents/src/ipc/job_proc_lazy_main.ts',
    versions: '1.4.6–1.7.0',
  },
  {
    rules: ['LK103', 'LK101'],
    system: PY,
    role: 'the bounded close timed out',
    level: 'error',
    text: 'AgentSession.aclose() timed out after 60.0s; proceeding with shutdown so registered callbacks still run.',
    fields: 'no call extras; forwarded: `pid`, `job_id`, room key',
    file: 'livekit/agents/ipc/job_proc_lazy_main.py',
    versions: '1.5.15–1.5.17, 1.6.0–1.6.10 (not 1.6.0rc1/rc2)',
  },
  // ---- LK102 / LK104: STT ----
  {
    rules: ['LK102', 'LK104'],
    system: JS,
    role: 'server error frame',
    level: 'error',
    text: 'Received error from LiveKit STT',
    fields:
      '`error`: `{"type":"Object","message":"session closed due to agent inactivity","stack":"","code":2007}` (the 2007 and the text are server payload)',
    file: 'agents/src/inference/stt.ts',
    versions: '1.4.0–1.7.0',
  },
  {
    rules: ['LK102', 'LK104'],
    system: JS,
    role: 'retry warning',
    level: 'warn',
    text: 'failed to recognize speech, retrying in {0.1|100|2000}ms',
    fields:
      '`stt` (`inference.STT`), `attempt` 1..3 (never reset in 1.4–1.7), `error` (serialized APIError `LiveKit STT returned error: {frame}`); first interval `0.1ms` 1.4.0–1.6.2, `100ms` 1.6.3+',
    file: 'agents/src/stt/stt.ts, agents/src/types.ts',
    versions: '1.4.0–1.7.0',
  },
  {
    rules: ['LK104'],
    system: JS,
    role: 'retries exhausted (visible tell; no warning for the 4th failure)',
    level: 'error',
    text: 'AgentSession is closing due to an unrecoverable error',
    fields:
      'STTError spread: `type: "stt_error"`, `timestamp`, `label`, `error` (serialized), `recoverable: false`; then `AgentSession closed` `reason: "error"`',
    file: 'agents/src/voice/agent_session.ts',
    versions: '1.4.0–1.7.0',
  },
  {
    rules: ['LK104'],
    system: JS,
    role: 'exhaustion error text (debug only)',
    level: 'debug',
    text: 'Unhandled promise rejection (error.message `failed to recognize speech after 4 attempts`)',
    file: 'agents/src/ipc/job_proc_lazy_main.ts, agents/src/stt/stt.ts',
    versions: '1.4.0–1.6.2 (1.6.3+ swallows it)',
  },
  {
    rules: ['LK102', 'LK104'],
    system: PY,
    role: 'retry warning (old)',
    level: 'warning',
    text: 'failed to recognize speech, retrying in {0.1|2.0}s',
    fields:
      '`tts` (sic), `attempt` 0..2 streaming / 1..3 recognize(), `streamed`; exc_info: traceback ending `APIError: LiveKit STT returned error: {raw frame} (body=None, retryable=True)`',
    file: 'livekit/agents/stt/stt.py, livekit/agents/inference/stt.py',
    versions: '1.3.1–1.4.0',
  },
  {
    rules: ['LK102', 'LK104'],
    system: PY,
    role: 'retry warning',
    level: 'warning',
    text: 'failed to recognize speech: {e}, retrying in {0.1|2.0}s',
    fields:
      "`stt`, `attempt`, `streamed`; `{e}` = `LiveKit Inference STT returned error: {raw frame}` (1.4.2–1.5.2) or `message='LiveKit Inference STT returned error: {server message}', status_code=2007, retryable=True, body={…}` (1.5.3+)",
    file: 'livekit/agents/stt/stt.py, livekit/agents/inference/stt.py, livekit/agents/_exceptions.py',
    versions: '1.4.2–1.6.10',
  },
  {
    rules: ['LK104'],
    system: PY,
    role: 'retries exhausted',
    level: 'error / warning',
    text: 'Error in _stt_task (1.3.1–1.5.1) / Error in _stt_pump (1.5.2–1.6.5) / STT stream ended on an unrecoverable error, recreating (1.6.6+, warning)',
    fields:
      'traceback ending `APIConnectionError: failed to recognize speech after 3 attempts` (streaming; `after 4 attempts` from recognize())',
    file: 'livekit/agents/voice/audio_recognition.py, livekit/agents/stt/stt.py',
    versions: '1.3.1–1.6.10',
  },
  {
    rules: ['LK104'],
    system: PY,
    role: 'the session closes on it (before 1.6.6 one STT failure closes it)',
    level: 'error',
    text: 'AgentSession is closing due to unrecoverable error: {error} (1.4.2+; before: without the suffix, with exc_info)',
    file: 'livekit/agents/voice/agent_session.py',
    versions: '1.3.1–1.6.10',
  },
  // ---- LK201: warm transfer ----
  {
    rules: ['LK201'],
    system: JS,
    role: 'caller hang-up',
    level: 'info',
    text: 'participant disconnected from caller room, closing',
    fields: '`participantIdentity` (1.4.5–1.6.4) / `lk.pii.participant_identity` (1.7.0)',
    file: 'agents/src/beta/workflows/warm_transfer.ts (1.4.5–1.4.11), agents/src/workflows/warm_transfer.ts (1.5.0+)',
    versions: '1.4.5–1.7.0',
  },
  {
    rules: ['LK201'],
    system: JS,
    role: 'cleanup ran outside the job (debug only)',
    level: 'debug',
    text: 'Unhandled promise rejection (error.message `no job context found, are you running this code inside a job entrypoint?`)',
    file: 'agents/src/job.ts getJobContext, agents/src/ipc/job_proc_lazy_main.ts',
    versions: '1.4.5–1.4.11',
  },
  {
    rules: ['LK201'],
    system: JS,
    role: 'delete failed (1.4.x: reachable; 1.5+: deleteRoom swallows errors)',
    level: 'warn',
    text: 'failed to delete caller room',
    fields: '`error`',
    file: 'agents/src/beta/workflows/warm_transfer.ts',
    versions: '1.4.5–1.4.11',
  },
  {
    rules: ['LK201'],
    system: JS,
    role: 'no captured context',
    level: 'warn',
    text: 'no job context captured, cannot delete caller room',
    file: 'agents/src/workflows/warm_transfer.ts',
    versions: '1.5.0–1.7.0',
  },
  {
    rules: ['LK201'],
    system: JS,
    role: 'room deleted (success is logged from 1.5.0)',
    level: 'info',
    text: 'room deleted',
    fields: 'JobContext bindings + `roomName` again (1.5–1.6) / `lk.pii.room_name` again (1.7)',
    file: 'agents/src/job.ts deleteRoom',
    versions: '1.5.0–1.7.0 (deleteRoom exists from 1.4.3, unused by 1.4.x warm transfer)',
  },
  {
    rules: ['LK201'],
    system: JS,
    role: 'delete failed',
    level: 'warn',
    text: 'error while deleting room',
    fields: '`error`, room key (twice)',
    file: 'agents/src/job.ts deleteRoom',
    versions: '1.5.0–1.7.0',
  },
  {
    rules: ['LK201'],
    system: PY,
    role: 'caller hang-up',
    level: 'info',
    text: 'participant disconnected from caller room: {identity}, closing',
    file: 'livekit/agents/beta/workflows/warm_transfer.py',
    versions: '1.3.6–1.6.10',
  },
  {
    rules: ['LK201'],
    system: PY,
    role: 'delete failed (success logs nothing; NOT_FOUND is silent)',
    level: 'warning / error',
    text: 'error while deleting room: {e} / server disconnected while deleting room / unknown error while deleting room (+ traceback)',
    file: 'livekit/agents/job.py delete_room',
    versions: '1.3.1–1.6.10',
  },
  // ---- LK301: drain and shutdown ----
  {
    rules: ['LK301'],
    system: JS,
    role: 'drain starts (not a finding)',
    level: 'debug',
    text: 'draining worker',
    fields: 'worker logger `version`',
    file: 'agents/src/worker.ts',
    versions: '1.4.0–1.7.0',
  },
  {
    rules: ['LK301'],
    system: JS,
    role: 'drain failed (production `start` only)',
    level: 'error',
    text: 'timed out draining',
    fields: '`err` (type `WorkerError`, stack `Error: timed out draining`), `msg`; CLI root logger',
    file: 'agents/src/worker.ts drain(), agents/src/cli.ts',
    versions: '1.5.0–1.7.0 (1.4.x drains without a timeout)',
  },
  {
    rules: ['LK301'],
    system: JS,
    role: 'shutdown failures',
    level: 'error / warn',
    text: 'job shutdown is taking too much time / job is unresponsive / job process orphaned, shutting down.',
    file: 'agents/src/ipc/supervised_proc.ts, agents/src/ipc/job_proc_lazy_main.ts',
    versions: '1.4.0–1.7.0',
  },
  {
    rules: ['LK301'],
    system: JS,
    role: 'slow ping (not a finding)',
    level: 'warn',
    text: 'job executor is unresponsive',
    fields: '`delay` (ms)',
    file: 'agents/src/ipc/supervised_proc.ts',
    versions: '1.4.0–1.7.0',
  },
  {
    rules: ['LK301'],
    system: PY,
    role: 'drain starts (not a finding)',
    level: 'info',
    text: 'draining worker',
    fields: '`id`, `timeout` (1800 up to 1.6.4, 3600 from 1.6.5)',
    file: 'livekit/agents/worker.py',
    versions: '1.3.1–1.6.10',
  },
  {
    rules: ['LK301'],
    system: PY,
    role: 'drain failed',
    level: 'warning',
    text: 'drain timed out, forcing shutdown',
    file: 'livekit/agents/cli/cli.py',
    versions: '1.5.2–1.6.10',
  },
  {
    rules: ['LK301'],
    system: PY,
    role: 'shutdown failures (supervisor lines: `pid`, `job_id`, room key)',
    level: 'error',
    text: 'process did not ack shutdown in time, killing process (1.5.2+) / process did not exit in time, killing process / process is unresponsive, killing process / job did not ack shutdown in time (1.5.2+, thread executor) / job shutdown is taking too much time.. / process exited with non-zero exit code {code}',
    file: 'livekit/agents/ipc/supervised_proc.py, livekit/agents/ipc/job_thread_executor.py',
    versions: '1.3.1–1.6.10',
  },
  {
    rules: ['LK301'],
    system: PY,
    role: 'entrypoint did not stop',
    level: 'warning',
    text: 'entrypoint did not exit in time, cancelling',
    file: 'livekit/agents/ipc/job_proc_lazy_main.py',
    versions: '1.5.2–1.6.10',
  },
  {
    rules: ['LK301'],
    system: PY,
    role: 'slow ping (not a finding)',
    level: 'warning',
    text: 'process is unresponsive / job executor is unresponsive',
    fields: '`delay` (ms)',
    file: 'livekit/agents/ipc/supervised_proc.py, livekit/agents/ipc/job_thread_executor.py',
    versions: '1.3.1–1.6.10',
  },
  // ---- BR101 / BR102 ----
  {
    rules: ['BR101'],
    system: 'bobrapet',
    role: 'the cancel waited the window (once, in the pass that deleted StepRuns)',
    level: 'info',
    text: 'Graceful cancel timeout expired; deleting remaining StepRuns',
    fields:
      'logger `storyrun`; `storyrun` (name), `remainingStepRuns`, `timeout` (Duration string, e.g. `2m0s`), `startedAt` (RFC3339Nano)',
    file: 'internal/controller/runs/storyrun_controller.go L1568',
    versions: 'v0.1.12',
  },
  {
    rules: ['BR101'],
    system: 'bobrapet',
    role: 'cancel pending (every reconcile: 5 s requeue, StepRun events, and after Finished)',
    level: 'info',
    text: 'Graceful cancel requested',
    fields: 'logger `storyrun`; `storyrun` (name)',
    file: 'internal/controller/runs/storyrun_controller.go L1489 (v0.1.5) / L1494 (v0.1.11)',
    versions: 'v0.1.5–v0.1.11',
  },
  {
    rules: ['BR101'],
    system: 'bobrapet',
    role: 'cancel-path errors',
    level: 'error',
    text: 'Failed to annotate StepRun with cancel / Failed to delete StepRun after graceful cancel timeout (v0.1.12)',
    fields: '`storyrun`, `steprun` (names), `error`, `stacktrace`',
    file: 'internal/controller/runs/storyrun_controller.go',
    versions: 'v0.1.5–v0.1.12',
  },
  {
    rules: ['BR102'],
    system: 'bobrapet',
    role: 'waiting (every pass, requeued 2–3 s with the shipped ConfigMap, 5–7.5 s without)',
    level: 'info',
    text: 'Waiting for realtime runtime resources to be deleted before removing finalizer',
    fields:
      'reconcile context (`StepRun` object, `name`) + WithStepRun (`steprun`, `namespace`, `storyrun` `{name}`, `step`, `engram`, `phase`)',
    file: 'internal/controller/runs/steprun_controller.go L1041 (v0.1.5) / L1040',
    versions: 'v0.1.5–v0.1.12',
  },
  {
    rules: ['BR102'],
    system: 'bobrapet',
    role: 'wait over',
    level: 'info',
    text: 'Owned resources are deleted, removing finalizer',
    file: 'internal/controller/runs/steprun_controller.go L1045 / L1044',
    versions: 'v0.1.5–v0.1.12',
  },
  {
    rules: ['BR102'],
    system: 'bobrapet',
    role: 'the repeated `name` trap',
    level: 'info',
    text: 'Deleting realtime resource after TTL expiry',
    fields:
      "`resource` (`deployment`, `statefulset`, `service`, `transport binding`), then the resource's `name` (last; `<storyrun>-<step>-transport` for the binding)",
    file: 'internal/controller/runs/steprun_controller.go L3544 / L3543',
    versions: 'v0.1.5–v0.1.12',
  },
  {
    rules: ['BR102'],
    system: 'bobrapet',
    role: 'each deletion pass',
    level: 'info',
    text: 'Reconciling deletion for StepRun',
    file: 'internal/controller/runs/steprun_controller.go L1008 / L1007',
    versions: 'v0.1.5–v0.1.12',
  },
  // ---- DT101 / DT102 / DT103 ----
  {
    rules: ['DT101', 'DT102'],
    system: 'ductor',
    role: 'turn opens (ctx names the chat, not the session)',
    level: 'INFO',
    text: 'Streaming flow starting / Normal flow starting',
    file: 'ductor_bot/orchestrator/flows.py (v0.4.4 L214 / L174)',
    versions: '0.4.0–0.20.x',
  },
  {
    rules: ['DT101', 'DT102'],
    system: 'ductor',
    role: 'the session of the turn (ctx has `:sid8` when resumed)',
    level: 'INFO',
    text: 'Session resolved sid={sid8|<new>} new={True|False} msgs={n}',
    file: 'ductor_bot/orchestrator/flows.py (v0.4.4 L52)',
    versions: '0.4.0–0.20.x',
  },
  {
    rules: ['DT101'],
    system: 'ductor',
    role: 'turn closes',
    level: 'INFO / WARNING / ERROR',
    text: 'Streaming|Normal flow completed; … aborted by user (0.4.x; + `(after retry)` v0.4.0–v0.4.3, `(after error)` v0.4.4); … aborted/interrupted by user (0.20.x); Session error reset model={m} (v0.4.0–v0.4.3); Session error preserved model={m} provider={p} (v0.4.4+); Session timed out after {n}s model={m} (0.20.x); Session recovery failed on retry for chat_id={id} (0.20.x, ERROR)',
    file: 'ductor_bot/orchestrator/flows.py',
    versions: '0.4.0–0.20.x (per text)',
  },
  {
    rules: ['DT101'],
    system: 'ductor',
    role: 'graceful stop with work in flight',
    level: 'INFO',
    text: 'Termination signal received, shutting down gracefully... / Shutdown terminated {n} active CLI process(es) (n ≥ 1)',
    file: 'ductor_bot/__main__.py, ductor_bot/orchestrator/lifecycle.py (or core.py)',
    versions: '0.20.x',
  },
  {
    rules: ['DT101'],
    system: 'ductor',
    role: 'process lifetime',
    level: 'INFO / WARNING',
    text: 'Logging initialized (level={L}) / PID lock acquired (pid={n}) / PID lock released / Stale PID file found (pid={n|None}), overwriting',
    file: 'ductor_bot/logging_config.py, ductor_bot/infra/pidlock.py',
    versions: '0.4.0–0.20.x',
  },
  {
    rules: ['DT101'],
    system: 'ductor',
    role: 'hard end of a PID-1 bot (operator-built image, surviving bot.pid)',
    level: 'INFO / WARNING',
    text: 'Stopping existing bot instance (pid=1) / pid=1 did not exit after 5s, force killing',
    file: 'ductor_bot/infra/pidlock.py (v0.4.4 L50 / L64)',
    versions: '0.4.0–0.20.x',
  },
  {
    rules: ['DT102'],
    system: 'ductor',
    role: 'timeout',
    level: 'INFO / WARNING',
    text: 'Timeout: preserving session_id {sid8} for resume (before the next line; only when the id is new or changed) / Session timed out after {base}s model={m}',
    file: 'ductor_bot/orchestrator/flows.py _handle_timeout',
    versions: '0.20.x (0.4.x: `CLI stream timed out after {s}s` + `Session error reset/preserved`)',
  },
  {
    rules: ['DT103'],
    system: 'ductor',
    role: 'named-session replay at start (ctx `[main] `, before `Bot online:`)',
    level: 'INFO',
    text: 'Background task submitted id={id} chat={chat} provider={p} session={name|<stateless>}',
    file: 'ductor_bot/background/observer.py, ductor_bot/messenger/telegram/startup.py',
    versions: '0.20.x (oldest stored version without `session=`)',
  },
  {
    rules: ['DT103'],
    system: 'ductor',
    role: 'replay resolved',
    level: 'INFO / ERROR',
    text: 'CLI ns:{name} [ok|error] cost=${c} tokens={t} duration_ms={d} / Named session task failed id={id} name={name} (+ traceback)',
    file: 'ductor_bot/cli/service.py, ductor_bot/background/observer.py',
    versions: '0.20.x',
  },
];

export interface DocError {
  doc: 'LOG-FORMATS.md' | 'RULES.md';
  where: string;
  says: string;
  source: string;
}

export const DOC_ERRORS: readonly DocError[] = [
  // ---- LOG-FORMATS.md section 0 ----
  {
    doc: 'LOG-FORMATS.md',
    where: '§0 ANSI colour codes',
    says: "Python's `ColoredFormatter` in `livekit/agents/cli/log.py` always writes them; only the LiveKit SDKs are listed",
    source:
      "ColoredFormatter is used only by 1.6.x (`dev`, `start --log-format colored`, compact). 1.3.x–1.5.x `dev` uses RichLoggingHandler: a Rich table with no ANSI off a TTY, 80 columns, no date. Ductor's console handler writes SGR around the padded level when stderr is a TTY (`docker run -t`).",
  },
  {
    doc: 'LOG-FORMATS.md',
    where: '§0 Time',
    says: 'formats without a date: pino-pretty and Ductor console',
    source:
      'Also livekit-agents 1.6 compact / TCP console (`%H:%M:%S`) and the Rich dev output of 1.3–1.5 (`%X`, then `HH:MM:SS.mmm` from 1.3.5, blanked when it repeats).',
  },
  // ---- §1 bobrapet ----
  {
    doc: 'LOG-FORMATS.md',
    where: '§1 StepRun lines',
    says: '`storyrun` as `{name, uid}`',
    source:
      '`refs.StoryRunReference` reflected by zap: `{"name":…}`, with `namespace`/`uid` only when set; the operator never sets them. `Reconcile()`\'s own logger writes `storyrun` as a NamespacedName object `{"name","namespace"}`; `handleTerminalStoryRun` carries both forms.',
  },
  {
    doc: 'LOG-FORMATS.md',
    where: '§1 StepRun controller',
    says: '`Waiting for realtime runtime resources …` (requeued every 5–30 s, jittered)',
    source:
      '`JitteredRequeueDelay(base, max, 5s, 30s)` = [base, 1.5·base) capped at max: 2–3 s with the shipped ConfigMap (2s/1m), 5–7.5 s without it. "5s–30s" are the fallbacks in the code comment.',
  },
  {
    doc: 'LOG-FORMATS.md',
    where: '§1 v0.1.5–v0.1.11',
    says: '`Graceful cancel requested` is logged on every requeue (about every 5 s)',
    source:
      'Fixed 5 s, no jitter — plus once per StepRun event, and it keeps being logged on later reconciles even after the run is `Finished` (the cancel branch comes before the terminal branch).',
  },
  {
    doc: 'LOG-FORMATS.md',
    where: '§1 Production JSON',
    says: '(no mention of sampling)',
    source:
      'Production zap samples: per level and message, the first 100 lines per second, then every 100th (`NewSamplerWithOptions(core, time.Second, 100, 100)`).',
  },
  {
    doc: 'LOG-FORMATS.md',
    where: '§1 messages',
    says: 'messages listed without their keys',
    source:
      '`Reconciling deletion for StoryRun`, `Removed finalizer`, `Failed to remove finalizer` carry `storyrun` as a string; `Syncing StepRun status to StoryRun` (logger `storyrun-dag-sync`) has no `storyrun` key; `StoryRun timed out` has `timeout` and `elapsed`; the finish to `Finished` logs nothing at any version; `Graceful cancel timeout expired` is logged only in a pass that deleted at least one StepRun.',
  },
  {
    doc: 'LOG-FORMATS.md',
    where: '§1 `Deleting realtime resource after TTL expiry`',
    says: "logs the resource's `name` after the StepRun's",
    source:
      'Correct; `resource` is one of `deployment`, `statefulset`, `service`, `transport binding` (with a space), and for the binding the last `name` is `<storyrun>-<step>-transport`. The same function serves the ordinary TTL path, not only deletion.',
  },
  // ---- §2 agents-js ----
  {
    doc: 'LOG-FORMATS.md',
    where: '§2 job-process lines',
    says: 'carry `pid` twice and then `jobID`; JobContext lines carry `jobId` and `roomName`',
    source:
      'Lines before `startJobRequest` have `pid` twice but no `jobID`. JobContext lines are built on the root logger: `pid` once, no `jobID`. Worker-side `supervised_proc.ts` lines carry no job id at all (`child({ runningJob })` binds `undefined`, which pino omits).',
  },
  {
    doc: 'LOG-FORMATS.md',
    where: '§2 error serialization',
    says: 'a plain error frame becomes `{"type":"Object",…}`; an `Error` gives `type`, `message`, `stack` and its own properties',
    source:
      'Correct for error-like values; also: a frame without a string `message` is written raw (its own `"type":"error"` survives); non-error objects (the STTError in `AgentSession closed`) are written raw and a nested `Error` loses `message` and `stack`; `type` is the constructor name (`WorkerError`\'s stack still starts `Error:`).',
  },
  {
    doc: 'LOG-FORMATS.md',
    where: '§2 key order',
    says: '(no mention of a second `hostname`)',
    source:
      '`job.ts` logs debug `Configuring session recording (cloud tracer)` with `{ hostname: url.hostname }`: a second `hostname` key, so a last-key-wins parser reads the cloud host. pino never de-duplicates keys.',
  },
  {
    doc: 'LOG-FORMATS.md',
    where: '§2 Development',
    says: 'Development (`dev`): pino-pretty, coloured, …',
    source:
      '`connect`, `console` and `download-files` are pretty as well (only `start` writes JSON). Colour is on the header line only (level and message; the time is plain); `timestamp`, `name`, `caller` keys are never printed; `err`/`error` come last; an empty stack leaves a whitespace-only line.',
  },
  // ---- §3 Python ----
  {
    doc: 'LOG-FORMATS.md',
    where: '§3 Production',
    says: '`{"message": …, "level": "INFO", "name": "livekit.agents", …}`',
    source:
      "Only from 1.3.7 (`cli/log.py`). 1.3.1–1.3.6 use `cli/cli.py`'s own JsonFormatter: `level`, `name`, `message`. `stack_info` may follow `exc_info`; `timestamp` loses its fraction when microseconds are 0.",
  },
  {
    doc: 'LOG-FORMATS.md',
    where: '§3 forwarded records',
    says: '`room` (1.6; the room name) or `room_id` (1.4–1.5; the room SID); up to 1.3 only `job_id`',
    source:
      "`pid` always; `job_id` and `room_id` (room SID) already in 1.3.1 and up to 1.5.17 (and 1.6.0rc1/rc2); `room` (name) from 1.6.0. `job_id`/room only while a job runs on the process. A call's own `room` extra is overwritten in place, so `room` can precede `pid`.",
  },
  {
    doc: 'LOG-FORMATS.md',
    where: '§3 worker-process records',
    says: 'Worker-process records have no pid',
    source:
      "The supervisor's lines about a process (`process exiting`, `process is unresponsive`, `killing process`, `initializing process`, …) pass `extra=self.logging_extra()`: `pid`, `job_id`, room key. `received job request` (worker) carries `job_id` but no `pid`.",
  },
  {
    doc: 'LOG-FORMATS.md',
    where: '§3 forwarded traceback',
    says: 'A forwarded traceback is in `message` and in `exc_info`',
    source:
      'Only from 1.3.7. 1.3.6: full traceback in `message`, `exc_info` only its last `Type: msg` line. 1.3.1–1.3.5: only in `message`.',
  },
  {
    doc: 'LOG-FORMATS.md',
    where: '§3 Development',
    says: '`2026-08-21 17:50:04,511 - WARNING livekit.agents - message {"extra": …}` with colour codes; forwarded tracebacks printed twice as raw lines',
    source:
      "Only 1.6.x; 1.3–1.5 `dev` is Rich. The real line is `… - \\e[33mWARNING\\e[0m livekit.agents - message \\e[90m{…}\\e[0m` and ends `\\e[90m\\e[0m` even with no extras. A forwarded traceback's first copy is part of the message, so the extras JSON follows the traceback's last line; the second copy follows raw.",
  },
  {
    doc: 'LOG-FORMATS.md',
    where: '§3 compact',
    says: 'compact console variants (`%H:%M:%S`, no ` - `) exist',
    source:
      'Only from 1.6.0 (`--simulation` with colour, and the TCP `console` with a leading `\\r`). The ≤1.5 console format string still had ` - ` and was never used.',
  },
  // ---- §4 signatures ----
  {
    doc: 'LOG-FORMATS.md',
    where: '§4 forced close',
    says: 'fields `lk.pii.participant_identity`/`participantIdentity` (JS); extras `room`, `participant`, `reason` (Python)',
    source:
      "JS: `participant` in 1.4.0–1.6.4, `lk.pii.participant_identity` in 1.7.0; `participantIdentity` is never used on this line (it is the warm-transfer hang-up's key). Python: `room` only from 1.3.6.",
  },
  {
    doc: 'LOG-FORMATS.md',
    where: '§4 close done',
    says: "info `AgentSession closed` / debug `session closed`; the job's end `process exiting` (`reason`)",
    source:
      '`process exiting` does not exist in agents-js (its job end is debug `shutting down`, the worker\'s debug `job exiting`). In Python it is a worker-process line about the job (`reason` often `""`); `session closed` is debug, so absent from `start` captures.',
  },
  {
    doc: 'LOG-FORMATS.md',
    where: '§4 drain finished (JS)',
    says: 'the two mainTask lines mark the drain',
    source:
      'They are also logged on every agent handoff (`agent_session.ts` drains the previous activity), not only at a close.',
  },
  {
    doc: 'LOG-FORMATS.md',
    where: '§4 inference STT error (Python)',
    says: '`LiveKit Inference STT returned error: …` / `status_code=2007`',
    source:
      "1.3.1–1.4.0: `LiveKit STT returned error: {raw frame}`, only inside the retry warning's traceback. 1.4.2–1.5.2: `LiveKit Inference STT returned error: {raw frame}`. `status_code=2007` exists only from 1.5.3 (`APIStatusError`).",
  },
  {
    doc: 'LOG-FORMATS.md',
    where: "§4 the orphan's tell",
    says: 'the server closes an idle socket about every 30 minutes',
    source:
      "Neither SDK's source has `2007`, `session closed due to agent inactivity` or a 30-minute figure: they are server payload (third-party code cites livekit/agents#4255). Match the strings as substrings; do not rely on the cadence.",
  },
  {
    doc: 'LOG-FORMATS.md',
    where: '§4 STT retry',
    says: 'JS `100ms` since 1.6.3; `0.1s`, `0.1ms`, `2000s` in older releases; Python `failed to recognize speech: <error>, retrying in 0.1s`, extras `stt`',
    source:
      'JS 1.4–1.7: `retrying in 0.1ms` (1.4.0–1.6.2) or `100ms` (1.6.3+), then `2000ms`; no `s` unit; the warning also carries `error`. Python: that text and `stt` only from 1.4.2; 1.3.1–1.4.0 log `failed to recognize speech, retrying in 0.1s` with the extra `tts` and a traceback.',
  },
  {
    doc: 'LOG-FORMATS.md',
    where: '§4 retries exhausted',
    says: '`after 4 attempts` JS, `after 3 attempts` Python; the JS counter never resets (agents-js PR #2494)',
    source:
      'JS: `failed to recognize speech after 4 attempts` is never logged at info (debug `Unhandled promise rejection` in 1.4.0–1.6.2, nothing from 1.6.3); no warning for the 4th failure; the visible tell is `AgentSession is closing due to an unrecoverable error` (`type: stt_error`, `recoverable: false`) and `AgentSession closed` `reason: error`. PR #2494 (merged 2026-09-14) is the later fix, not the cause. Python: streaming says `after 3 attempts`, recognize() `after 4 attempts`, inside the tracebacks of `Error in _stt_task` (≤1.5.1), `Error in _stt_pump` (1.5.2–1.6.5) or `STT stream ended on an unrecoverable error, recreating` (1.6.6+); the Python counter resets on every final transcript.',
  },
  {
    doc: 'LOG-FORMATS.md',
    where: '§4 job close timeout (Python)',
    says: '`AgentSession.aclose() timed out after 60.0s; …`',
    source: 'Text correct; a plain `logger.error` with no extras; absent in 1.6.0rc1/rc2 as well as ≤1.5.14.',
  },
  {
    doc: 'LOG-FORMATS.md',
    where: '§4 warm transfer JS 1.4.x',
    says: 'the handler calls `getJobContext()`, surfaced as a debug `Unhandled promise rejection`; a successful delete logs nothing',
    source:
      "The beta workflow exists only from 1.4.5 (not 1.4.0). The rejection is debug, so nothing is visible at `start`'s default info level. `failed to delete caller room` can fire in 1.4.5+ (a rejected `RoomServiceClient.deleteRoom`), though not in 1.5+.",
  },
  {
    doc: 'LOG-FORMATS.md',
    where: '§4 warm transfer JS 1.5+',
    says: 'success: info `room deleted`; API failure: `error while deleting room`',
    source:
      'Consistent; `error while deleting room` is warn, and both lines carry the room key twice (`roomName` 1.5–1.6, `lk.pii.room_name` 1.7). Since 1.5.1 also `caller hung up before the transfer completed, cancelling transfer`.',
  },
  {
    doc: 'LOG-FORMATS.md',
    where: '§4 warm transfer Python',
    says: 'success logs nothing; failures: …',
    source:
      'Correct; the workflow and its hang-up line exist only from 1.3.6; a `NOT_FOUND` delete is silent.',
  },
  {
    doc: 'LOG-FORMATS.md',
    where: '§4 worker drain JS',
    says: '`timed out draining` is a thrown error logged by the CLI',
    source:
      'Only from 1.5.0 (1.4.x drains with no timeout) and only under `start`. `draining worker` exists in JS too, at debug, with `version`. `job shutdown is taking too much time` is an error.',
  },
  {
    doc: 'LOG-FORMATS.md',
    where: '§4 worker drain Python',
    says: '`draining worker` (info, `timeout`); failures: …',
    source:
      'Extras are `id` and `timeout`. `drain timed out, forcing shutdown`, `process did not ack shutdown in time, killing process`, `job did not ack shutdown in time` and `entrypoint did not exit in time, cancelling` exist only from 1.5.2. Missing: `job shutdown is taking too much time..` (two dots), `process exited with non-zero exit code N`, `job executor is unresponsive` (`delay`, a warning).',
  },
  {
    doc: 'LOG-FORMATS.md',
    where: '§4 constants',
    says: 'first retry 100 ms; worker drain timeout 1 h (Python `DRAIN_TIMEOUT`)',
    source:
      'First retry 100 ms only in JS 1.6.3+ (0.1 ms before; Python 0.1 s). Python drain timeout is 1800 s up to 1.6.4, `DRAIN_TIMEOUT = 3600` from 1.6.5; JS has a 1 h `DRAIN_TIMEOUT` from 1.5.0.',
  },
  // ---- §5 Ductor ----
  {
    doc: 'LOG-FORMATS.md',
    where: '§5 console',
    says: '(no colour)',
    source:
      'The console handler wraps the padded level in SGR colour when stderr is a TTY (`\\e[33mWARNING \\e[0m`); the file never.',
  },
  {
    doc: 'LOG-FORMATS.md',
    where: '§5 context',
    says: 'trailing parts may be absent',
    source:
      'Any part may be absent, middle ones included (`[main:cron] `, `[main:msg:<chat>:<sid8>] ` without a topic, 0.4 `[msg:<chat>] `); with none set there is no bracket at all. A topic name may hold `:` and `]` as well as spaces, so the prefix cannot be split on `:`.',
  },
  {
    doc: 'LOG-FORMATS.md',
    where: '§5 turn closes',
    says: '`... aborted by user` (both versions); 0.4.x also `... aborted by user (after error)`',
    source:
      '0.20.x logs `Normal|Streaming flow aborted/interrupted by user` (a matcher on `aborted by user` misses it). `(after error)` is v0.4.4 only; v0.4.0–v0.4.3 log `(after retry)`.',
  },
  {
    doc: 'LOG-FORMATS.md',
    where: '§5 `Session error preserved`',
    says: 'a close in 0.4.x',
    source:
      'v0.4.4+ only; v0.4.0–v0.4.3 log `Session error reset model=%s` (and reset the session). 0.4.x has no `Session recovery failed`.',
  },
  {
    doc: 'LOG-FORMATS.md',
    where: '§5 `Session recovery failed on retry`',
    says: 'as written',
    source: 'Full text `Session recovery failed on retry for chat_id=<id>`, at ERROR.',
  },
  {
    doc: 'LOG-FORMATS.md',
    where: '§5 `Timeout: preserving session_id`',
    says: 'new sessions only',
    source:
      'Logged when `response.session_id != session.session_id` (new or changed id), **before** `Session timed out after …`; both lines use the base timeout, not the extended one.',
  },
  {
    doc: 'LOG-FORMATS.md',
    where: '§5 `<provider> stream timed out`',
    says: 'file example `ductor_bot.cli.executor:executor.py:176: …`',
    source:
      '0.20.x only; in 0.4.x the loggers are `ductor_bot.cli.claude_provider` (`CLI stream timed out after %.0fs`, claude_provider.py:203) and `ductor_bot.cli.codex_provider`; `executor.py` does not exist there.',
  },
  {
    doc: 'LOG-FORMATS.md',
    where: '§5 0.4.x absences',
    says: 'no `Session timed out`, no `Termination signal…`, no `Shutdown terminated…`',
    source:
      'Correct, and also absent in 0.4.x: `Timeout extended`, `Timeout: preserving…`, `Session recovery failed…`, `Background task submitted`, `CLI ns:…`, `Named session task failed`, `Downgraded stale running task`.',
  },
  {
    doc: 'LOG-FORMATS.md',
    where: '§5 turn open',
    says: 'that line names the chat only; the next line names the session',
    source:
      '`Session resolved` already has `:sid8` in its context when the session exists (`set_log_context` runs just before it). For `<new>` sessions the sid never enters the context during that turn.',
  },
  {
    doc: 'LOG-FORMATS.md',
    where: '§5 PID 1',
    says: 'where the bot is PID 1 in a container: the next start logs `Stopping existing bot instance (pid=1)` and `pid=1 did not exit after 5s, force killing`',
    source:
      'Needs an operator-built image (upstream ships only `Dockerfile.sandbox`, `sleep infinity`) and a `bot.pid` left by a hard end that survives the restart; then `PID lock acquired (pid=1)` follows. Without the file nothing is logged.',
  },
  {
    doc: 'LOG-FORMATS.md',
    where: '§5 work at the next start',
    says: 'some resume in-flight turns, the newest only notify the chat',
    source:
      '0.4.x: neither (no tracking). The intermediate `bot/app.py` auto-resumes turns and named sessions. 0.20.x notifies for foreground turns but still re-submits named sessions (TaskHub tasks are only announced).',
  },
  {
    doc: 'LOG-FORMATS.md',
    where: '§5 `Background task submitted`',
    says: '`… session=<name>`',
    source:
      '`session=` is `<stateless>` for non-named tasks; the oldest stored version has no `session=` part.',
  },
  {
    doc: 'LOG-FORMATS.md',
    where: '§5 `CLI ns:<name> [ok]`',
    says: 'as written',
    source:
      'The line continues ` cost=$%.4f tokens=%d duration_ms=%.0f`; the same `CLI <label> [ok]` line exists for `main` in 0.4.x.',
  },
  {
    doc: 'LOG-FORMATS.md',
    where: '§5 `Queue drained chat=...`',
    says: 'as written',
    source: 'Exact: `Queue drained chat=%d discarded=%d`; another stored queue class logs `… cancelled=%d`.',
  },
  {
    doc: 'LOG-FORMATS.md',
    where: '§5 file handler level',
    says: '(implied DEBUG)',
    source:
      'The file handler is at DEBUG but the root level (INFO unless `--verbose` / `log_level`) gates both sinks. One 0.20-era `logging_config.py` rate-limits aiogram polling errors and appends ` (+N identical errors suppressed)`. `Stale PID file found (pid=None)` is possible.',
  },
  // ---- RULES.md ----
  {
    doc: 'RULES.md',
    where: 'log rules, correlation',
    says: 'JS: hostname+pid; Python: job_id, else pid; Python worker-process lines have no pid',
    source:
      'pino-pretty drops the hostname, so a dev capture has pid only. Python supervisor lines about a process carry `pid`, `job_id` and the room key; `received job request` carries `job_id` without `pid`.',
  },
  {
    doc: 'RULES.md',
    where: 'LK101 (Python)',
    says: 'no `process exiting` / `session closed` …',
    source:
      '`session closed` is debug: absent from `start` captures (INFO). What a production capture shows is `process exiting` (a worker line about the job) or its absence, plus the close timeout (1.5.15+) or STT activity.',
  },
  {
    doc: 'RULES.md',
    where: 'LK102',
    says: 'inference STT errors with code 2007 / `session closed due to agent inactivity`',
    source:
      "Python 1.3.1–1.4.0 carry the frame only in the retry warning's traceback; `status_code=2007` only from 1.5.3; both strings are server payload (not in the SDKs); the ~30-minute cadence has no upstream source.",
  },
  {
    doc: 'RULES.md',
    where: 'LK104',
    says: 'STT errors outnumber maxRetry + 1 within one stream, or retry attempts reach maxRetry, with no successful transcript between',
    source:
      'JS: attempts peak at 3 (= maxRetry), the 4th failure logs no warning but closes the session (`AgentSession is closing due to an unrecoverable error`, `recoverable: false`); the counter never resets in 1.4–1.7, so the attempts spread over any time. Python streaming: attempts count 0..2 (never maxRetry) and 3 warnings + the exception never "outnumber" maxRetry + 1; the tell is `failed to recognize speech after 3 attempts` in the `Error in _stt_task` / `_stt_pump` / `STT stream ended…` traceback. Transcripts are not logged at info, so "no successful transcript between" cannot be read; Python shows a reset as attempt 0 again.',
  },
  {
    doc: 'RULES.md',
    where: 'LK201',
    says: 'per version, a cleanup failure or missing job context; no `room deleted` only where the version logs it (JS 1.5+)',
    source:
      "Consistent; add: JS 1.4.5–1.4.11's only trace is debug (`Unhandled promise rejection` with `no job context found…`), invisible at info; JS 1.4.0–1.4.4 have no warm transfer; Python's hang-up line exists from 1.3.6.",
  },
  {
    doc: 'RULES.md',
    where: 'LK301',
    says: 'a worker drain or job shutdown failure; `draining worker` is not a finding',
    source:
      "JS `draining worker` is debug; `timed out draining` only 1.5.0+ and only under `start`. Python's drain-failure lines are 1.5.2+ except `process did not exit in time, killing process` and `process is unresponsive, killing process`; supervisor lines name the job (`job_id`), `drain timed out, forcing shutdown` does not.",
  },
  {
    doc: 'RULES.md',
    where: 'BR101 (v0.1.5–v0.1.11)',
    says: '`Graceful cancel requested` for one run repeating for longer than the stop budget',
    source:
      'The line also follows every StepRun event and keeps coming after the run is `Finished`, so its span can outlast the stop; the 5 s requeue stops only when the run is no longer requeued. On v0.1.12 the expired line is written once, in the pass that deleted StepRuns; a cancel that ends inside its window logs nothing.',
  },
  {
    doc: 'RULES.md',
    where: 'DT101',
    says: 'graceful stop with `Shutdown terminated <n>`, or a hard end (`Stale PID file found` / PID 1)',
    source:
      '0.4.x logs neither `Termination signal…` nor `Shutdown terminated…`: only the hard-end paths show there. The PID-1 path needs an operator-built image and a surviving `bot.pid`.',
  },
  {
    doc: 'RULES.md',
    where: 'DT102 / DT103',
    says: '(no version stated)',
    source:
      '0.20.x only: 0.4.x has no `Session timed out`, `Background task submitted` or `CLI ns:` lines. The resolving line of DT103 continues ` cost=$… tokens=… duration_ms=…`.',
  },
];
