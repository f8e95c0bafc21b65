// What cluster rule tests need beyond the shared builders (test/support/objects.ts): a rule
// context at a given time, and one rule run through the real engine.
import type { World } from '../../../src/model/world.js';
import { runClusterRules, type EngineResult } from '../../../src/rules/engine.js';
import type { ClusterRule, ClusterRuleContext } from '../../../src/rules/types.js';

export function ctx(now: string, o: { budget?: number; assumeCancelAt?: string } = {}): ClusterRuleContext {
  const c: ClusterRuleContext = { now: Date.parse(now), stopBudgetSeconds: o.budget ?? 30 };
  if (o.assumeCancelAt) c.assumeCancelAt = Date.parse(o.assumeCancelAt);
  return c;
}

/** Run one rule through the engine, so findings are stamped exactly as doctor stamps them. */
export function runRule(rule: ClusterRule, world: World, context: ClusterRuleContext): EngineResult {
  return runClusterRules([rule], world, context);
}
