// Every log rule, in catalog order (RULES.md "Log rules").
import type { LogRule } from '../log-rule.js';
import { br101 } from './br101-cancel-waited-full-window.js';
import { br102 } from './br102-steprun-cleanup-stuck.js';
import { dt101 } from './dt101-turn-stranded-by-restart.js';
import { dt102 } from './dt102-turn-timed-out.js';
import { dt103 } from './dt103-named-session-replay-unresolved.js';
import { lk101 } from './lk101-close-hung-in-drain.js';
import { lk102 } from './lk102-orphaned-stt-socket.js';
import { lk103 } from './lk103-session-close-timeout.js';
import { lk104 } from './lk104-stt-retries-exhausted.js';
import { lk201 } from './lk201-warm-transfer-room-leak.js';
import { lk301 } from './lk301-worker-drain-unresolved.js';

export const logRules: LogRule[] = [
  lk101,
  lk102,
  lk103,
  lk104,
  lk201,
  lk301,
  br101,
  br102,
  dt101,
  dt102,
  dt103,
];
