// Every cluster rule, in ID order (RULES.md): `storyctl rules`, the README table and the engine read this list.
import type { ClusterRule } from '../types.js';
import { sr101 } from './sr101-stalled-graceful-cancel.js';
import { sr102 } from './sr102-cancel-window-inherits-drain.js';
import { sr103 } from './sr103-slow-cancel-finish.js';
import { sr201 } from './sr201-terminal-run-live-step-states.js';
import { sr202 } from './sr202-step-state-drift.js';
import { sr203 } from './sr203-step-state-without-steprun.js';
import { sr204 } from './sr204-step-counters-mismatch.js';
import { sr205 } from './sr205-terminal-without-finish-time.js';
import { sr301 } from './sr301-live-steprun-under-terminal-run.js';
import { sr302 } from './sr302-orphaned-steprun.js';
import { sr303 } from './sr303-stuck-finalizer.js';

export const clusterRules: ClusterRule[] = [
  sr101,
  sr102,
  sr103,
  sr201,
  sr202,
  sr203,
  sr204,
  sr205,
  sr301,
  sr302,
  sr303,
];

export { sr101, sr102, sr103, sr201, sr202, sr203, sr204, sr205, sr301, sr302, sr303 };
