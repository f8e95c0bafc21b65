// Every rule storyctl ships, in catalog order (RULES.md): `storyctl rules`, `explain`, the engine,
// SARIF rule declarations and the README's rule table all read this one list.
import { sr101 } from './cluster/sr101-stalled-graceful-cancel.js';
import { sr102 } from './cluster/sr102-cancel-window-inherits-drain.js';
import { sr103 } from './cluster/sr103-slow-cancel-finish.js';
import { sr104 } from './cluster/sr104-cancel-request-refused.js';
import { sr201 } from './cluster/sr201-terminal-run-live-step-states.js';
import { sr202 } from './cluster/sr202-step-state-drift.js';
import { sr203 } from './cluster/sr203-step-state-without-steprun.js';
import { sr204 } from './cluster/sr204-step-counters-mismatch.js';
import { sr205 } from './cluster/sr205-terminal-without-finish-time.js';
import { sr301 } from './cluster/sr301-live-steprun-under-terminal-run.js';
import { sr302 } from './cluster/sr302-orphaned-steprun.js';
import { sr303 } from './cluster/sr303-stuck-finalizer.js';
import { sr304 } from './cluster/sr304-canceled-runs-accumulate.js';
import { br101 } from './logs/br101-cancel-waited-full-window.js';
import { br102 } from './logs/br102-steprun-cleanup-stuck.js';
import { dt101 } from './logs/dt101-turn-stranded-by-restart.js';
import { dt102 } from './logs/dt102-turn-timed-out.js';
import { dt103 } from './logs/dt103-named-session-replay-unresolved.js';
import { lk101 } from './logs/lk101-close-hung-in-drain.js';
import { lk102 } from './logs/lk102-orphaned-stt-socket.js';
import { lk103 } from './logs/lk103-session-close-timeout.js';
import { lk104 } from './logs/lk104-stt-retries-exhausted.js';
import { lk201 } from './logs/lk201-warm-transfer-room-leak.js';
import { lk301 } from './logs/lk301-worker-drain-unresolved.js';
import {
  isClusterRule,
  isLogRule,
  type ClusterRule,
  type LogRule,
  type Rule,
  type RuleMeta,
} from './types.js';

export const allRules: readonly Rule[] = [
  sr101,
  sr102,
  sr103,
  sr104,
  sr201,
  sr202,
  sr203,
  sr204,
  sr205,
  sr301,
  sr302,
  sr303,
  sr304,
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

export const clusterRules: readonly ClusterRule[] = allRules.filter(isClusterRule);
export const logRules: readonly LogRule[] = allRules.filter(isLogRule);

export function allRuleMetas(): RuleMeta[] {
  return allRules.map((r) => r.meta);
}

export function findRule(id: string): Rule | undefined {
  const want = id.trim().toUpperCase();
  return allRules.find((r) => r.meta.id.toUpperCase() === want);
}

export function findRuleMeta(id: string): RuleMeta | undefined {
  return findRule(id)?.meta;
}
