// The parsed flags of `storyctl finish`, apart from the command's registration so that the flow
// (loaded only when finish runs) and the registration do not import each other.
import type { ClusterFlags } from '../cluster-flags.js';

export type DryRun = 'none' | 'client' | 'server';

export interface FinishFlags extends ClusterFlags {
  forceTerminal?: boolean;
  dryRun?: DryRun;
  yes?: boolean;
  reason?: string;
  keepSteps?: boolean;
  wait?: number;
  allStalled?: boolean;
  maxChanges: number;
  output: 'table' | 'json' | 'yaml';
  /** Show personal data in the plan and its JSON/YAML (masked by default, as in reports). */
  showPii?: boolean;
  stopBudget: number;
  color?: boolean;
}
