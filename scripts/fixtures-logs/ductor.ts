// Ductor captures (0.4.x and 0.20.x): the two handlers of `ductor_bot/logging_config.py`, byte for byte:
//   FILE_FMT    "%(asctime)s [%(levelname)s] %(name)s:%(filename)s:%(lineno)d: %(ctx)s%(message)s" (%Y-%m-%d %H:%M:%S)
//   CONSOLE_FMT "%(asctime)s %(levelname)s %(name)s: %(ctx)s%(message)s" (%H:%M:%S), levelname padded to 8,
//               SGR colour around the padded level only when stderr is a TTY.
// ctx from `ductor_bot/log_context.py`: 0.4.x `[op:chat:sid8] `, 0.20.x `[agent:op:chat:topic:sid8] `, any
// part absent, no brackets at all when none is set. Research note ductor.md.
import { Capture } from './capture.js';
import type { ExpectedFinding, FormatId, Scenario } from './model.js';
import { variantsOf, type ScenarioSpec, type Variant } from './scenario.js';

type DLevel = 'DEBUG' | 'INFO' | 'WARNING' | 'ERROR';
const ANSI: Record<DLevel, string> = {
  DEBUG: '\x1b[36m',
  INFO: '\x1b[32m',
  WARNING: '\x1b[33m',
  ERROR: '\x1b[31m',
};

export interface DuctorVersion {
  range: '0.4.x' | '0.20.x';
  tag: string;
}
const VERSIONS: readonly DuctorVersion[] = [
  { range: '0.4.x', tag: 'v0.4.4' },
  { range: '0.20.x', tag: '0.20.1 (pyproject at 22beaee26de1)' },
];

/** Where each message is logged: logger and file:line (exact for v0.4.4; illustrative for 0.20.x). */
type Site = [logger: string, file: string, line: number];
const SITES: Record<DuctorVersion['range'], Record<string, Site>> = {
  '0.4.x': {
    logging: ['ductor_bot.logging_config', 'logging_config.py', 132],
    pidAcquired: ['ductor_bot.infra.pidlock', 'pidlock.py', 115],
    pidReleased: ['ductor_bot.infra.pidlock', 'pidlock.py', 130],
    pidStale: ['ductor_bot.infra.pidlock', 'pidlock.py', 98],
    pidStopping: ['ductor_bot.infra.pidlock', 'pidlock.py', 50],
    pidKill: ['ductor_bot.infra.pidlock', 'pidlock.py', 64],
    online: ['ductor_bot.bot.app', 'app.py', 171],
    normalStart: ['ductor_bot.orchestrator.flows', 'flows.py', 174],
    streamStart: ['ductor_bot.orchestrator.flows', 'flows.py', 214],
    resolved: ['ductor_bot.orchestrator.flows', 'flows.py', 52],
    streamDone: ['ductor_bot.orchestrator.flows', 'flows.py', 251],
    errorPreserved: ['ductor_bot.orchestrator.flows', 'flows.py', 111],
    streamCmd: ['ductor_bot.cli.claude_provider', 'claude_provider.py', 249],
    streamTimedOut: ['ductor_bot.cli.claude_provider', 'claude_provider.py', 203],
    cliDone: ['ductor_bot.cli.service', 'service.py', 302],
    orchShutdown: ['ductor_bot.orchestrator.core', 'core.py', 434],
    botShutdown: ['ductor_bot.bot.app', 'app.py', 971],
  },
  '0.20.x': {
    logging: ['ductor_bot.logging_config', 'logging_config.py', 151],
    pidAcquired: ['ductor_bot.infra.pidlock', 'pidlock.py', 115],
    pidReleased: ['ductor_bot.infra.pidlock', 'pidlock.py', 130],
    pidStale: ['ductor_bot.infra.pidlock', 'pidlock.py', 98],
    pidStopping: ['ductor_bot.infra.pidlock', 'pidlock.py', 50],
    pidKill: ['ductor_bot.infra.pidlock', 'pidlock.py', 64],
    online: ['ductor_bot.messenger.telegram.startup', 'startup.py', 88],
    normalStart: ['ductor_bot.orchestrator.flows', 'flows.py', 231],
    streamStart: ['ductor_bot.orchestrator.flows', 'flows.py', 289],
    resolved: ['ductor_bot.orchestrator.flows', 'flows.py', 64],
    streamDone: ['ductor_bot.orchestrator.flows', 'flows.py', 341],
    aborted: ['ductor_bot.orchestrator.flows', 'flows.py', 301],
    preserving: ['ductor_bot.orchestrator.flows', 'flows.py', 152],
    timedOut: ['ductor_bot.orchestrator.flows', 'flows.py', 156],
    extended: ['ductor_bot.cli.timeout_controller', 'timeout_controller.py', 97],
    streamCmd: ['ductor_bot.cli.claude_provider', 'claude_provider.py', 288],
    streamTimedOut: ['ductor_bot.cli.executor', 'executor.py', 176],
    cliDone: ['ductor_bot.cli.service', 'service.py', 318],
    termination: ['ductor_bot.__main__', '__main__.py', 74],
    shutdownTerminated: ['ductor_bot.orchestrator.lifecycle', 'lifecycle.py', 212],
    orchShutdown: ['ductor_bot.orchestrator.lifecycle', 'lifecycle.py', 219],
    supervisorStopped: ['ductor_bot.multiagent.supervisor', 'supervisor.py', 188],
    bgSubmitted: ['ductor_bot.background.observer', 'observer.py', 121],
    namedFailed: ['ductor_bot.background.observer', 'observer.py', 203],
    queueDrained: ['ductor_bot.messenger.telegram.middleware', 'middleware.py', 201],
  },
};

class DuctorWriter {
  private readonly cap = new Capture();
  constructor(
    readonly v: DuctorVersion,
    private readonly format: FormatId,
    private readonly tty = false,
  ) {}

  log(at: number, level: DLevel, site: string, ctx: string, msg: string): void {
    const s = SITES[this.v.range][site];
    if (!s) throw new Error(`no ${site} in ${this.v.range}`);
    const [logger, file, line] = s;
    const d = new Date(at);
    const p = (n: number): string => String(n).padStart(2, '0');
    const time = `${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
    const text =
      this.format === 'ductor-file'
        ? `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${time} [${level}] ${logger}:${file}:${line}: ${ctx}${msg}`
        : `${time} ${this.tty ? `${ANSI[level]}${level.padEnd(8)}\x1b[0m` : level.padEnd(8)} ${logger}: ${ctx}${msg}`;
    this.cap.add({
      format: this.format,
      text,
      time: at,
      pod: 'ductor-5d8f7c6b9-t2w9x',
      container: 'ductor',
      stream: 'stderr',
    });
  }

  capture(): Capture {
    return this.cap;
  }
}

// ---- ctx and sequences --------------------------------------------------------------------------

/** log_context.py: the parts that are set, joined with `:`, in brackets and a space; "" when none. */
function ctx(v: DuctorVersion, parts: { op?: string; chat?: string; topic?: string; sid?: string }): string {
  const list =
    v.range === '0.20.x'
      ? ['main', parts.op, parts.chat, parts.topic, parts.sid?.slice(0, 8)]
      : [parts.op, parts.chat, parts.sid?.slice(0, 8)];
  const set = list.filter((x): x is string => x !== undefined && x !== '');
  return set.length > 0 ? `[${set.join(':')}] ` : '';
}

function start(w: DuctorWriter, at: number, pid: number, before?: (w: DuctorWriter) => void): void {
  w.log(at, 'INFO', 'logging', '', 'Logging initialized (level=INFO)');
  before?.(w);
  w.log(at + 20, 'INFO', 'pidAcquired', '', `PID lock acquired (pid=${pid})`);
}

function online(w: DuctorWriter, at: number): void {
  w.log(
    at,
    'INFO',
    'online',
    w.v.range === '0.20.x' ? '[main] ' : '',
    'Bot online: @ductor_helper_bot (id=7712345678)',
  );
}

interface Turn {
  chat: string;
  topic?: string;
  /** An existing session (resumed) or undefined for a new one. */
  resume?: string;
  msgs?: number;
}

/** flows.py: the open line names the chat only; `Session resolved` carries the sid in ctx when resumed. */
function openTurn(w: DuctorWriter, at: number, t: Turn, cmd = false): void {
  const base = { op: 'msg', chat: t.chat, ...(t.topic !== undefined ? { topic: t.topic } : {}) };
  w.log(at, 'INFO', 'streamStart', ctx(w.v, base), 'Streaming flow starting');
  const withSid = t.resume !== undefined ? ctx(w.v, { ...base, sid: t.resume }) : ctx(w.v, base);
  w.log(
    at + 2,
    'INFO',
    'resolved',
    withSid,
    `Session resolved sid=${t.resume?.slice(0, 8) ?? '<new>'} new=${t.resume === undefined ? 'True' : 'False'} msgs=${t.msgs ?? 0}`,
  );
  if (cmd) {
    // claude_provider.py _log_cmd: an argument after a `--` option longer than 80 chars is cut to 80 + "...",
    // newlines included, so the record spans lines.
    const prompt =
      'Please look at the failing CI job:\ntests/test_api.py::test_create_run fails\nsince the last merge. Fix it and push.';
    const memory =
      '# MAINMEMORY\n- The user prefers small commits with clear messages.\n- Run the test suite before pushing anything.';
    const cut = (s: string): string => (s.length > 80 ? `${s.slice(0, 80)}...` : s);
    const argv = [
      'claude',
      '-p',
      '--output-format',
      'stream-json',
      '--verbose',
      '--permission-mode',
      'bypassPermissions',
      '--model',
      'opus',
      '--append-system-prompt',
      cut(memory),
    ];
    if (t.resume !== undefined) argv.push('--resume', t.resume);
    argv.push('--', cut(prompt));
    w.log(
      at + 5,
      'INFO',
      'streamCmd',
      t.resume !== undefined ? withSid : ctx(w.v, base),
      `CLI stream cmd: ${argv.join(' ')}`,
    );
  }
}

function completeTurn(w: DuctorWriter, at: number, t: Turn): void {
  const c = ctx(w.v, {
    op: 'msg',
    chat: t.chat,
    ...(t.topic !== undefined ? { topic: t.topic } : {}),
    ...(t.resume !== undefined ? { sid: t.resume } : {}),
  });
  w.log(at, 'INFO', 'cliDone', c, `CLI main [ok] cost=$0.0412 tokens=18234 duration_ms=${48211}`);
  w.log(at + 3, 'INFO', 'streamDone', c, 'Streaming flow completed');
}

/** 0.20.x: SIGTERM with work in flight (`Shutdown terminated` only when killed >= 1). */
function gracefulStop(w: DuctorWriter, at: number, killed: number): void {
  if (w.v.range === '0.20.x') {
    w.log(at, 'INFO', 'termination', '', 'Termination signal received, shutting down gracefully...');
    if (killed > 0)
      w.log(
        at + 310,
        'INFO',
        'shutdownTerminated',
        '',
        `Shutdown terminated ${killed} active CLI process(es)`,
      );
    w.log(at + 320, 'INFO', 'orchShutdown', '', 'Orchestrator shutdown');
    w.log(at + 335, 'INFO', 'supervisorStopped', '', 'AgentSupervisor stopped (all agents shut down)');
  } else {
    w.log(at + 320, 'INFO', 'orchShutdown', '', 'Orchestrator shutdown');
    w.log(at + 335, 'INFO', 'botShutdown', '', 'Telegram bot shut down');
  }
  w.log(at + 341, 'INFO', 'pidReleased', '', 'PID lock released');
}

/** Some other chat's healthy turn: the capture goes on. */
function otherTurn(w: DuctorWriter, at: number, chat = '987654321'): void {
  const t: Turn = { chat, resume: 'c0ffee12-9a8b-4c7d-8e6f-5a4b3c2d1e0f', msgs: 7 };
  openTurn(w, at, t);
  completeTurn(w, at + 41_000, t);
}

const T0 = Date.parse('2026-05-14T08:00:00Z');
const s = (sec: number): number => T0 + Math.round(sec * 1000);
const chat = (name: string): ExpectedFinding['subject'] & object => ({ kind: 'DuctorChat', name });

interface DtScript {
  id: string;
  title: string;
  versions: DuctorVersion['range'][];
  shows: (v: DuctorVersion) => string;
  upstream: (v: DuctorVersion) => string[];
  run: (w: DuctorWriter) => void;
  findings: ExpectedFinding[];
  variants?: Variant[];
  /** Also emit a console capture as written to a TTY (`docker run -t`): colour around the level. */
  tty?: boolean;
}

const PIDLOCK = '`ductor_bot/infra/pidlock.py` (the same strings in 0.4.x and 0.20.x)';
const FLOWS = (v: DuctorVersion) =>
  v.range === '0.20.x'
    ? '`ductor_bot/orchestrator/flows.py` (SessionKey era; `Session resolved` after set_log_context)'
    : '`ductor_bot/orchestrator/flows.py` (v0.4.4 L52, L174, L214, L251)';

const SCRIPTS: DtScript[] = [
  {
    id: 'dt101-graceful-stop',
    title: 'A turn stranded by a graceful stop',
    versions: ['0.20.x'],
    tty: true,
    shows: () =>
      'Chat 222333444 starts a streaming turn (a new session; the `CLI stream cmd:` record spans three lines, its prompt ' +
      'cut at 80 characters). The bot gets SIGTERM with the CLI still running: `Termination signal received, shutting ' +
      'down gracefully...`, `Shutdown terminated 1 active CLI process(es)`, `PID lock released`. The next lifetime serves ' +
      'another chat only; chat 222333444 never has another turn.',
    upstream: (v) => [
      FLOWS(v),
      '`ductor_bot/__main__.py` termination handler; `Orchestrator.shutdown` (`ductor_bot/orchestrator/lifecycle.py`)',
      PIDLOCK,
    ],
    run: (w) => {
      start(w, s(0), 4117);
      online(w, s(1.2));
      openTurn(w, s(60), { chat: '222333444' }, true);
      gracefulStop(w, s(95), 1);
      start(w, s(110), 4188);
      online(w, s(111.3));
      otherTurn(w, s(300));
    },
    findings: [{ ruleId: 'DT101', subject: chat('222333444') }],
    variants: ['kubectl-timestamps'],
  },
  {
    id: 'dt101-hard-end',
    title: 'A turn stranded by a hard end (stale PID file at the next start)',
    versions: ['0.4.x', '0.20.x'],
    shows: () =>
      'Chat 444555666 has a streaming turn running when the process dies without a word (OOM kill): the next start ' +
      'logs `Stale PID file found (pid=31337), overwriting` before `PID lock acquired`. No later turn in that chat.',
    upstream: (v) => [FLOWS(v), PIDLOCK],
    run: (w) => {
      start(w, s(0), 31337);
      online(w, s(1.2));
      openTurn(w, s(60), { chat: '444555666', resume: 'deadbeef-1234-4abc-9def-0123456789ab', msgs: 3 });
      start(w, s(400), 31402, (x) =>
        x.log(s(400.01), 'WARNING', 'pidStale', '', 'Stale PID file found (pid=31337), overwriting'),
      );
      online(w, s(401.4));
      otherTurn(w, s(500));
    },
    findings: [{ ruleId: 'DT101', subject: chat('444555666') }],
  },
  {
    id: 'dt101-pid1-restart',
    title: 'A turn stranded when the bot is PID 1 in its container',
    versions: ['0.4.x', '0.20.x'],
    shows: () =>
      'The bot runs as PID 1 (an operator-built image with ductor as the entrypoint; upstream ships no such Dockerfile) ' +
      'and its `bot.pid` survives on a volume. A group chat (-1009876543210) has a turn running when the container dies; ' +
      'at the restart the lock file holds `1`, which is the new process itself: `Stopping existing bot instance (pid=1)`, ' +
      '`pid=1 did not exit after 5s, force killing` (the kernel drops both signals), then `PID lock acquired (pid=1)` — ' +
      'never the stale-file line.',
    upstream: (v) => [
      FLOWS(v),
      PIDLOCK + ': `_is_process_alive(1)` is true for the new PID 1, `_KILL_WAIT_SECONDS = 5.0`',
    ],
    run: (w) => {
      start(w, s(0), 1);
      online(w, s(1.2));
      openTurn(w, s(60), { chat: '-1009876543210' });
      start(w, s(400), 1, (x) => {
        x.log(s(400.01), 'INFO', 'pidStopping', '', 'Stopping existing bot instance (pid=1)');
        x.log(s(405.02), 'WARNING', 'pidKill', '', 'pid=1 did not exit after 5s, force killing');
      });
      online(w, s(406.6));
      otherTurn(w, s(500));
    },
    findings: [{ ruleId: 'DT101', subject: chat('-1009876543210') }],
  },
  {
    id: 'dt101-next-turn-after-restart',
    title: 'A turn cut by a restart that the chat picks up (near miss for DT101)',
    versions: ['0.4.x', '0.20.x'],
    shows: (v) =>
      (v.range === '0.20.x'
        ? 'Chat 777888999 has a turn in flight at a graceful stop (`Shutdown terminated 1 active CLI process(es)`); '
        : 'Chat 777888999 has a turn in flight when the process dies hard (`Stale PID file found` at the next start); ') +
      'after the restart the user writes again and the next turn resumes the session (`Session resolved sid=… new=False`). ' +
      'A later turn in the chat: nothing to report.',
    upstream: (v) => [FLOWS(v), PIDLOCK],
    run: (w) => {
      const sid = '9f8e7d6c-5b4a-4392-8170-6f5e4d3c2b1a';
      start(w, s(0), 5120);
      online(w, s(1.2));
      openTurn(w, s(60), { chat: '777888999', resume: sid, msgs: 4 });
      if (w.v.range === '0.20.x') {
        gracefulStop(w, s(95), 1);
        start(w, s(110), 5190);
      } else
        start(w, s(400), 5190, (x) =>
          x.log(s(400.01), 'WARNING', 'pidStale', '', 'Stale PID file found (pid=5120), overwriting'),
        );
      online(w, s(w.v.range === '0.20.x' ? 111.3 : 401.3));
      const t: Turn = { chat: '777888999', resume: sid, msgs: 5 };
      openTurn(w, s(620), t);
      completeTurn(w, s(661), t);
    },
    findings: [],
  },
  {
    id: 'dt101-aborted-before-stop',
    title: 'An aborted turn and an in-flight one at a graceful stop (near miss for DT101)',
    versions: ['0.20.x'],
    shows: () =>
      "Chat 555000111's turn is stopped by its user: `Streaming flow aborted/interrupted by user` (0.20.x's wording — a " +
      'matcher on `aborted by user` misses it) and `Queue drained chat=555000111 discarded=0` (a /stop, not a drain). ' +
      "Then SIGTERM while chat 777888999's turn runs (`Shutdown terminated 1 active CLI process(es)`); chat 777888999 " +
      'resumes after the restart. Neither chat is stranded: nothing to report.',
    upstream: (v) => [
      FLOWS(v) + ': `Streaming flow aborted/interrupted by user`',
      '`ductor_bot/messenger/telegram/middleware.py` `Queue drained chat=%d discarded=%d`',
      PIDLOCK,
    ],
    run: (w) => {
      const sid = '9f8e7d6c-5b4a-4392-8170-6f5e4d3c2b1a';
      start(w, s(0), 5120);
      online(w, s(1.2));
      openTurn(w, s(30), { chat: '555000111' });
      w.log(
        s(52),
        'INFO',
        'aborted',
        ctx(w.v, { op: 'msg', chat: '555000111' }),
        'Streaming flow aborted/interrupted by user',
      );
      w.log(
        s(52.01),
        'INFO',
        'queueDrained',
        ctx(w.v, { op: 'msg', chat: '555000111' }),
        'Queue drained chat=555000111 discarded=0',
      );
      openTurn(w, s(60), { chat: '777888999', resume: sid, msgs: 4 });
      gracefulStop(w, s(95), 1);
      start(w, s(110), 5190);
      online(w, s(111.3));
      const t: Turn = { chat: '777888999', resume: sid, msgs: 5 };
      openTurn(w, s(620), t);
      completeTurn(w, s(661), t);
    },
    findings: [],
  },
  {
    id: 'dt102-timed-out',
    title: 'A timed-out turn nobody resumes',
    versions: ['0.20.x'],
    shows: () =>
      'A forum-topic turn in the supergroup -1001234567890, topic `Release Planning: Q2` (a topic name may hold spaces ' +
      'and `:`, so the context cannot be split on `:`). New session: the timeout is extended twice, the CLI stream times ' +
      'out, `Timeout: preserving session_id 1a2b3c4d for resume` comes **before** `Session timed out after 600s ' +
      'model=opus` (both with the base timeout). No later turn of that chat resumes 1a2b3c4d.',
    upstream: (v) => [
      FLOWS(v) + ' `_handle_timeout`',
      '`ductor_bot/cli/timeout_controller.py`, `ductor_bot/cli/executor.py`',
    ],
    run: (w) => {
      const t: Turn = { chat: '-1001234567890', topic: 'Release Planning: Q2' };
      start(w, s(0), 6001);
      online(w, s(1.2));
      openTurn(w, s(60), t, true);
      const c = ctx(w.v, { op: 'msg', chat: t.chat, topic: 'Release Planning: Q2' });
      w.log(s(600), 'INFO', 'extended', c, 'Timeout extended (1/2): +120s');
      w.log(s(720), 'INFO', 'extended', c, 'Timeout extended (2/2): +120s');
      w.log(s(900), 'WARNING', 'streamTimedOut', c, 'CLI stream timed out after 600s');
      w.log(s(900.2), 'INFO', 'preserving', c, 'Timeout: preserving session_id 1a2b3c4d for resume');
      w.log(s(900.21), 'WARNING', 'timedOut', c, 'Session timed out after 600s model=opus');
      otherTurn(w, s(1500));
    },
    findings: [{ ruleId: 'DT102', subject: chat('-1001234567890') }],
    variants: ['kubectl-timestamps'],
  },
  {
    id: 'dt102-resumed',
    title: 'A timed-out turn that the next turn resumes (near miss for DT102)',
    versions: ['0.20.x'],
    shows: () =>
      "Chat 123456789's new session times out (`Timeout: preserving session_id 1a2b3c4d for resume`, `Session timed out " +
      'after 600s model=opus`); five minutes later the user writes again and `Session resolved sid=1a2b3c4d new=False ' +
      'msgs=1` (with `:1a2b3c4d` in its context) resumes it. Nothing to report.',
    upstream: (v) => [FLOWS(v)],
    run: (w) => {
      const t: Turn = { chat: '123456789' };
      start(w, s(0), 6001);
      online(w, s(1.2));
      openTurn(w, s(60), t);
      const c = ctx(w.v, { op: 'msg', chat: t.chat });
      w.log(s(660), 'WARNING', 'streamTimedOut', c, 'CLI stream timed out after 600s');
      w.log(s(660.2), 'INFO', 'preserving', c, 'Timeout: preserving session_id 1a2b3c4d for resume');
      w.log(s(660.21), 'WARNING', 'timedOut', c, 'Session timed out after 600s model=opus');
      const r: Turn = { chat: '123456789', resume: '1a2b3c4d-77e6-4f5a-9b8c-0d1e2f3a4b5c', msgs: 1 };
      openTurn(w, s(960), r);
      completeTurn(w, s(1010), r);
    },
    findings: [],
  },
  {
    id: 'dt102-timeout-0.4',
    title: 'A 0.4.x timeout (DT102 does not apply)',
    versions: ['0.4.x'],
    shows: () =>
      '0.4.x has no `Session timed out` line: a timeout shows as `CLI stream timed out after 600s` ' +
      '(`ductor_bot.cli.claude_provider`) and, in v0.4.4, `Session error preserved model=opus provider=claude` (the ' +
      'session is kept; v0.4.0–v0.4.3 log `Session error reset model=…` instead). DT102 reads the 0.20.x line only: ' +
      'nothing to report.',
    upstream: () => [
      '`ductor_bot/cli/claude_provider.py` L203, `ductor_bot/orchestrator/flows.py` L111 (v0.4.4)',
    ],
    run: (w) => {
      const t: Turn = { chat: '123456789' };
      start(w, s(0), 6001);
      online(w, s(1.2));
      openTurn(w, s(60), t, true);
      const c = ctx(w.v, { op: 'msg', chat: t.chat });
      w.log(s(660), 'WARNING', 'streamTimedOut', c, 'CLI stream timed out after 600s');
      w.log(s(660.2), 'WARNING', 'errorPreserved', c, 'Session error preserved model=opus provider=claude');
      otherTurn(w, s(900));
    },
    findings: [],
  },
  {
    id: 'dt103-replay-unresolved',
    title: 'A named-session replay at startup that never resolves',
    versions: ['0.20.x'],
    shows: () =>
      'At startup (after a hard end) recovery re-submits the named session `nightly-report` of chat 333444555: ' +
      '`Background task submitted id=bg-7f3a2c chat=333444555 provider=claude session=nightly-report` with ctx `[main] `, ' +
      'before `Bot online:`. Neither `CLI ns:nightly-report [ok|error]` nor `Named session task failed` follows before ' +
      'the process ends (`PID lock released`).',
    upstream: () => [
      '`ductor_bot/messenger/telegram/startup.py` `_handle_recovery` before `Bot online:` (0.20.x)',
      '`ductor_bot/background/observer.py` `Background task submitted id=%s chat=%d provider=%s session=%s`',
      '`ductor_bot/cli/service.py` `CLI %s [%s] cost=$%.4f tokens=%d duration_ms=%.0f`',
    ],
    run: (w) => {
      start(w, s(0), 7001, (x) =>
        x.log(s(0.01), 'WARNING', 'pidStale', '', 'Stale PID file found (pid=6950), overwriting'),
      );
      w.log(
        s(0.9),
        'INFO',
        'bgSubmitted',
        '[main] ',
        'Background task submitted id=bg-7f3a2c chat=333444555 provider=claude session=nightly-report',
      );
      online(w, s(1.2));
      otherTurn(w, s(300));
      gracefulStop(w, s(1800), 0);
    },
    findings: [{ ruleId: 'DT103', subject: chat('333444555') }],
  },
  {
    id: 'dt103-replay-resolved',
    title: 'A named-session replay that resolves (near miss for DT103)',
    versions: ['0.20.x'],
    shows: () =>
      'The same replay of `nightly-report`, resolved three minutes later by `CLI ns:nightly-report [ok] cost=$0.1834 ' +
      'tokens=52311 duration_ms=184220`. Nothing to report.',
    upstream: () => ['`ductor_bot/background/observer.py`, `ductor_bot/cli/service.py` (0.20.x)'],
    run: (w) => {
      start(w, s(0), 7001, (x) =>
        x.log(s(0.01), 'WARNING', 'pidStale', '', 'Stale PID file found (pid=6950), overwriting'),
      );
      w.log(
        s(0.9),
        'INFO',
        'bgSubmitted',
        '[main] ',
        'Background task submitted id=bg-7f3a2c chat=333444555 provider=claude session=nightly-report',
      );
      online(w, s(1.2));
      w.log(
        s(185.1),
        'INFO',
        'cliDone',
        '[main] ',
        'CLI ns:nightly-report [ok] cost=$0.1834 tokens=52311 duration_ms=184220',
      );
      otherTurn(w, s(300));
      gracefulStop(w, s(1800), 0);
    },
    findings: [],
  },
];

export function ductorScenarios(): Scenario[] {
  const out: Scenario[] = [];
  for (const v of VERSIONS) {
    const dirs: [FormatId, string, boolean][] = [
      ['ductor-file', 'ductor-file', false],
      ['ductor-console', 'ductor-console', false],
      ['ductor-console', 'ductor-console-tty', true],
    ];
    for (const [format, dirName, tty] of dirs) {
      for (const script of SCRIPTS) {
        if (!script.versions.includes(v.range)) continue;
        if (tty && !script.tty) continue;
        const w = new DuctorWriter(v, format, tty);
        script.run(w);
        const file = format === 'ductor-file';
        const spec: ScenarioSpec = {
          dir: `ductor/${v.range}/${dirName}/${script.id}`,
          title: `${script.title} — Ductor ${v.range}, ${file ? 'file handler (agent.log)' : tty ? 'console handler on a TTY' : 'console handler (stderr)'}`,
          shows:
            script.shows(v) +
            (file
              ? '\n\nThe file handler (`agent.log`): `%Y-%m-%d %H:%M:%S`, local time without a zone (UTC here), `[LEVEL]` unpadded, `logger:file.py:line:`.'
              : `\n\nThe console handler (stderr, what \`docker logs\` / \`kubectl logs\` capture): \`%H:%M:%S\`, no date, level padded to 8, no file:line${tty ? '; stderr is a TTY (`docker run -t`), so the padded level is wrapped in SGR colour' : ''}. None of the DT rules needs a date.`),
          upstream: [
            '`ductor_bot/logging_config.py` FILE_FMT / CONSOLE_FMT / `_ColorFormatter` (identical in v0.4.0–v0.4.4 and the 0.20-era versions)',
            `\`ductor_bot/log_context.py\` (${v.range === '0.20.x' ? '`[agent:op:chat:topic:sid8] `' : '`[op:chat:sid8] `'})`,
            ...script.upstream(v),
            `read at ${v.tag}`,
          ],
          generatedWith: `scripts/fixtures-logs/ductor.ts, which follows the format strings above; TZ=UTC. ${v.range === '0.20.x' ? 'file:line numbers are illustrative for 0.20.x (the index holds no tagged 0.20 release); the texts are exact.' : 'file:line numbers are those of v0.4.4.'} The \`CLI stream cmd:\` argv is illustrative; its 80-character cut follows \`_log_cmd\`.`,
          capture: w.capture(),
          captureName: file ? 'agent.log.txt' : 'ductor.stderr.txt',
          expected: { findings: script.findings, notEvaluated: [] },
          variants: format === 'ductor-console' && !tty ? (script.variants ?? []) : [],
        };
        out.push(...variantsOf(spec));
      }
    }
  }
  return out;
}
