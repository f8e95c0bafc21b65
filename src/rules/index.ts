// Every rule storyctl ships, in catalog order (RULES.md). `storyctl rules`, `explain`, SARIF rule
// declarations and the README's rule table all read this list.
import { clusterRules } from './cluster/index.js';
import { logRules } from './logs/index.js';
import type { RuleMeta } from './types.js';

export { clusterRules, logRules };

export function allRuleMetas(): RuleMeta[] {
  return [...clusterRules.map((r) => r.meta), ...logRules.map((r) => r.meta)];
}

export function findRuleMeta(id: string): RuleMeta | undefined {
  const want = id.trim().toUpperCase();
  return allRuleMetas().find((m) => m.id.toUpperCase() === want);
}
