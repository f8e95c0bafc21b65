// Captures that are not one program's: formats storyctl does not read (issue 11 item 5: a warning and
// exit 3, never a silent "no findings") and captures that mix several programs' formats in one input.
import { Capture } from './capture.js';
import type { ExpectedFinding, Scenario } from './model.js';
import { variantsOf } from './scenario.js';

/** Every log rule: none can be evaluated on an input storyctl cannot read. */
const LOG_RULES = [
  'LK101',
  'LK102',
  'LK103',
  'LK104',
  'LK201',
  'LK301',
  'BR101',
  'BR102',
  'DT101',
  'DT102',
  'DT103',
];
const notEvaluatedAll = (): ExpectedFinding[] => LOG_RULES.map((ruleId) => ({ ruleId }));

function unknown(
  dir: string,
  title: string,
  shows: string,
  upstream: string[],
  lines: [number, string][],
  name: string,
): Scenario[] {
  const cap = new Capture();
  for (const [time, text] of lines)
    cap.add({ format: 'unknown', text, time, pod: 'x', container: 'x', stream: 'stdout' });
  return variantsOf({
    dir,
    title,
    shows:
      shows +
      '\n\nExpected: no finding, a warning naming the file and showing what its first line looks like, every log rule ' +
      'listed under `notEvaluated` for it (one entry per rule here; one entry per input would do as well), and exit 3.',
    upstream,
    generatedWith: 'scripts/fixtures-logs/misc.ts (fixed lines).',
    capture: cap,
    captureName: name,
    expected: { findings: [], notEvaluated: notEvaluatedAll(), unrecognisedInputs: [name], exitCode: 3 },
  });
}

const t = (iso: string): number => Date.parse(iso);

function nginx(): Scenario[] {
  const ua =
    '"Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Safari/537.36"';
  const rows: [string, string, number, number][] = [
    ['14:06:01', 'POST /twirp/livekit.RoomService/DeleteRoom HTTP/1.1', 200, 2],
    ['14:06:38', 'GET /rtc?access_token=eyJhbGciOiJIUzI1NiJ9.redacted HTTP/1.1', 101, 0],
    ['14:07:12', 'POST /twirp/livekit.AgentDispatchService/CreateDispatch HTTP/1.1', 200, 187],
    ['14:09:40', 'GET /healthz HTTP/1.1', 200, 2],
    ['14:10:05', 'POST /twirp/livekit.RoomService/DeleteRoom HTTP/1.1', 500, 49],
  ];
  return unknown(
    'unknown/nginx-access/ingress-combined',
    'An nginx access log (combined format): not a format storyctl reads',
    'The ingress in front of a LiveKit server: nginx `log_format combined` lines. Some request paths hold words the ' +
      'rules look for (`DeleteRoom`), so the needle prefilter may pick lines, but no line is a record in a known format.',
    [
      'nginx `log_format combined` (`$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent"`)',
    ],
    rows.map(([hms, req, status, bytes]) => [
      t(`2026-04-22T${hms}Z`),
      `10.42.3.17 - - [22/Apr/2026:${hms} +0000] "${req}" ${status} ${bytes} "-" ${ua}`,
    ]),
    'access.txt',
  );
}

function log4j(): Scenario[] {
  const lines: [string, string, string, string][] = [
    [
      '14:06:38,830',
      'INFO ',
      'c.e.voice.CallGateway',
      'call 7781 ended: closing agent session due to participant disconnect',
    ],
    [
      '14:06:39,012',
      'WARN ',
      'c.e.voice.RoomJanitor',
      'room call-7781 still open after hang-up, retrying delete',
    ],
    [
      '14:07:09,407',
      'ERROR',
      'c.e.voice.RoomJanitor',
      'failed to delete caller room call-7781 after 3 attempts',
    ],
  ];
  return unknown(
    'unknown/log4j/java-gateway',
    'A log4j PatternLayout log: not a format storyctl reads',
    "A Java SIP gateway next to the agents, logging with log4j's `%d %-5p [%t] %c{1.} - %m%n`. Its messages quote " +
      'LiveKit texts (`closing agent session due to participant disconnect`, `failed to delete caller room`): a reader ' +
      'that matched needles without knowing the format would raise false findings here.',
    ['log4j 2 `PatternLayout` `%d{yyyy-MM-dd HH:mm:ss,SSS} %-5p [%t] %c{1.} - %m%n`'],
    lines.map(([time, level, logger, msg]) => [
      t(`2026-04-22T${time.replace(',', '.')}Z`),
      `2026-04-22 ${time} ${level} [main] ${logger} - ${msg}`,
    ]),
    'gateway.txt',
  );
}

/**
 * livekit-agents 1.3–1.5 `dev` writes through RichLoggingHandler (a Rich table per record). Chosen out of
 * scope for the rules: it is a terminal format (no ANSI and 80 columns off a TTY, no date, the time blanked
 * when it repeats), production runs `start` (JSON). The layout below follows the research note's rendered
 * 1.5.15 sample; it is not produced by Rich itself.
 */
function rich(): Scenario[] {
  const rows: [string, string, string, string?][] = [
    [
      '16:00:00.000',
      'INFO',
      'received job request',
      '{"job_id": "AJ_Vq8nR2mXc4Tz", "dispatch_id": "AD_Vq8nR2mXc4Tz", "room": "call-_+14155550142_Zx9cVb7nM1aS", "room_id": "RM_hT6wKp3ZqN9d", "agent_name": "voice-assistant", "resuming": false, "enable_recording": false}',
    ],
    [
      '16:00:38.830',
      'INFO',
      'closing agent session due to participant disconnect (disable via `RoomInputOptions.close_on_disconnect=False`)',
      '{"room": "call-_+14155550142_Zx9cVb7nM1aS", "participant": "sip_+14155550142", "reason": "CLIENT_INITIATED", "pid": 812, "job_id": "AJ_Vq8nR2mXc4Tz", "room_id": "RM_hT6wKp3ZqN9d"}',
    ],
    [
      '16:01:38.840',
      'ERROR',
      'AgentSession.aclose() timed out after 60.0s; proceeding with shutdown so registered callbacks still run.',
      '{"pid": 812, "job_id": "AJ_Vq8nR2mXc4Tz", "room_id": "RM_hT6wKp3ZqN9d"}',
    ],
  ];
  const lines: [number, string][] = [];
  for (const [time, level, msg, extra] of rows) {
    // 4-column gutter, time, level padded to 8, name padded to 18, message word-wrapped to 80 columns.
    const head = `    ${time} ${level.padEnd(8)} ${'livekit.agents'.padEnd(18)} `;
    const width = 80 - head.length;
    const words = msg.split(' ');
    const wrapped: string[] = [];
    let cur = '';
    for (const word of words) {
      if (cur && cur.length + 1 + word.length > width) {
        wrapped.push(cur);
        cur = word;
      } else cur = cur ? `${cur} ${word}` : word;
    }
    if (cur) wrapped.push(cur);
    const text = [head + wrapped[0], ...wrapped.slice(1).map((w) => ' '.repeat(head.length) + w)];
    if (extra) text.push(' '.repeat(head.length - 4) + extra);
    lines.push([t(`2026-04-22T${time}Z`), text.join('\n')]);
  }
  return unknown(
    'unknown/livekit-agents-rich/1.5-dev',
    'livekit-agents 1.3–1.5 `dev` Rich output: a terminal format storyctl does not read (by choice)',
    'What `python agent.py dev` prints on 1.3–1.5 (RichLoggingHandler; 1.6 `console`/`connect` too). storyctl supports ' +
      "the JSON of `start` and 1.6's ColoredFormatter; the Rich table is left out on purpose (terminal-only, no date, " +
      'wrapped and truncated columns). The layout follows the rendered 1.5.15 sample of the research note and is not ' +
      'byte-exact Rich output.',
    ['`livekit/agents/cli/cli.py` `RichLoggingHandler` (1.3–1.5; `cli/_legacy.py` in 1.6), Rich 15 layout'],
    lines,
    'agent-dev.txt',
  );
}

/**
 * One input holding several programs' records, as a CI job concatenates `kubectl logs` of several pods:
 * agents-js JSON, then an agents-js dev block (pino-pretty, dated by the JSON lines before it), then
 * livekit-agents JSON, the controller's zap JSON and Ductor's file format.
 */
function mixed(all: readonly Scenario[]): Scenario[] {
  const parts = [
    'agents-js/1.7.0/pino-json/lk101-close-hung',
    'agents-js/1.7.0/pino-pretty/lk103-close-timeout',
    'livekit-agents/1.6.6-1.6.8/python-json/lk103-aclose-timeout',
    'bobrapet/v0.1.12/zap-json/br101-cancel-waited-window',
    'ductor/0.20.x/ductor-file/dt102-timed-out',
  ];
  const cap = new Capture();
  const findings: ExpectedFinding[] = [];
  for (const dir of parts) {
    const sc = all.find((x) => x.dir === dir);
    if (!sc?.capture) throw new Error(`mixed: no scenario ${dir}`);
    cap.addAll(sc.capture.records);
    findings.push(...sc.expected.findings, ...sc.expected.notEvaluated); // the dev block is dated here
  }
  return variantsOf({
    dir: 'mixed/five-programs/ci-artifact',
    title: 'One input, five formats (a CI artifact)',
    shows:
      'The records of five scenarios, concatenated: ' +
      parts.map((p) => `[\`${p}\`](../../../${p}/README.md)`).join(', ') +
      '. Each block keeps its findings. The pino-pretty block has no date of its own: it takes it from the nearest ' +
      'dated line of the same input (the agents-js JSON just before it), so its LK101 — not evaluated in its own ' +
      'scenario — is a finding here. The `kubectl-prefix-timestamps` variant dates every line from the collector.',
    upstream: ["see each part's README"],
    generatedWith: 'scripts/fixtures-logs/misc.ts from the records of the five scenarios above.',
    capture: cap,
    captureName: 'capture.txt',
    expected: { findings, notEvaluated: [] },
    variants: ['kubectl-prefix-timestamps', 'gzip'],
    now: '2026-05-14T08:30:00Z',
  });
}

export function miscScenarios(all: readonly Scenario[]): Scenario[] {
  return [...nginx(), ...log4j(), ...rich(), ...mixed(all)];
}
