// Ductor's `%(ctx)s` (`ductor_bot/log_context.py`): `[agent:op:chat:topic:sid8] ` in 0.20.x,
// `[op:chat:sid8] ` in 0.4.x, any part left out when unset (`[main] `, `[main:cron] `,
// `[main:msg:-1001234567890:1a2b3c4d] `), nothing at all when none is set. The topic is a forum
// topic's free-text name (`Release Planning: Q2`, `Topic #7`), so the parts cannot simply be split
// on `:`: the op code, the chat id and the session prefix have shapes, and what lies between the
// chat and the session is the topic.
import type { DuctorContext } from '../../model/log-event.js';

/** `msg` (middleware), `cb` (callback query), `cron`, `hb` (heartbeat), `wh` (webhook). */
const OPS = new Set(['msg', 'cb', 'cron', 'hb', 'wh']);
const CHAT = /^-?\d+$/;
/** `session_id[:8]`: the head of a UUID (Claude, Codex), or another id with a digit in it. */
const SID8 = /^(?:[0-9a-f]{8}|(?=[^:]*\d)[\w-]{8})$/;

/** The context at the start of a message, and the message after it. */
export function ductorContext(message: string): { context: DuctorContext; message: string } | undefined {
  if (message.charCodeAt(0) !== 91 /* [ */) return undefined;
  // The topic may hold `:` and spaces; `] ` ends the context.
  const end = message.indexOf('] ');
  if (end < 2) return undefined;
  const parts = message.slice(1, end).split(':');
  const context: DuctorContext = {};
  let i = 0;
  if (!OPS.has(parts[0] as string)) {
    const agent = parts[0] as string;
    if (!/^[\w.-]+$/.test(agent)) return undefined;
    context.agent = agent;
    i = 1;
  }
  if (i < parts.length && OPS.has(parts[i] as string)) context.op = parts[i++] as string;
  if (i < parts.length && CHAT.test(parts[i] as string)) context.chat = parts[i++] as string;
  const rest = parts.slice(i);
  if (rest.length > 0 && SID8.test(rest.at(-1) as string)) context.session = rest.pop() as string;
  if (rest.length > 0) context.topic = rest.join(':');
  return { context, message: message.slice(end + 2) };
}
