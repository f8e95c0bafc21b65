// Runs rules and stamps their drafts into findings: cluster rules over a model at once, log rules
// over a stream of events. A rule that throws becomes one internal finding and the other rules
// still run (STYLE.md: theme-check). Rules are an input: nothing here picks them.
import { fingerprint, occurrenceKey } from '../model/fingerprint.js';
import type { LogEvent } from '../model/log-event.js';
import type { Finding, NotEvaluated, Subject } from '../model/report.js';
import type { World } from '../model/world.js';
import type {
  CaptureEnd,
  ClusterRule,
  ClusterRuleContext,
  FindingDraft,
  LogRule,
  LogRuleContext,
  LogRuleRun,
  NotEvaluatedDraft,
  RuleMeta,
  RuleOutput,
} from './types.js';

export const INTERNAL_RULE_ID = 'internal-error';

export interface EngineResult {
  findings: Finding[];
  notEvaluated: NotEvaluated[];
}

export function stampFinding(meta: RuleMeta, d: FindingDraft): Finding {
  const f: Finding = {
    ruleId: meta.id,
    severity: d.severity ?? meta.severity,
    message: d.message,
    evidence: d.evidence,
    fingerprint: fingerprint(meta.id, d.subject, d.location?.file),
    occurrence: occurrenceKey(meta.id, d.subject, d.anchor, d.location),
  };
  if (d.subject) f.subject = d.subject;
  if (d.location) f.location = d.location;
  if (d.fix) f.fix = d.fix;
  return f;
}

export function stampNotEvaluated(meta: RuleMeta, d: NotEvaluatedDraft): NotEvaluated {
  const n: NotEvaluated = { ruleId: meta.id, reason: d.reason };
  if (d.subject) n.subject = d.subject;
  return n;
}

export function internalFinding(ruleId: string, error: unknown, subject?: Subject): Finding {
  const message = error instanceof Error ? error.message : String(error);
  const f: Finding = {
    ruleId: INTERNAL_RULE_ID,
    severity: 'error',
    message: `rule ${ruleId} failed: ${message} (a storyctl bug: please report it with this output at https://github.com/bubustack/storyctl/issues)`,
    evidence: { rule: ruleId, error: message },
    // Which rule crashed is part of the identity: two crashed rules are two findings.
    fingerprint: fingerprint(`${INTERNAL_RULE_ID}/${ruleId}`, subject),
    occurrence: occurrenceKey(INTERNAL_RULE_ID, subject, ruleId),
  };
  if (subject) f.subject = subject;
  return f;
}

export function collect(meta: RuleMeta, out: RuleOutput, into: EngineResult): void {
  for (const d of out.findings) into.findings.push(stampFinding(meta, d));
  for (const d of out.notEvaluated) into.notEvaluated.push(stampNotEvaluated(meta, d));
}

export function runClusterRules(
  rules: readonly ClusterRule[],
  world: World,
  ctx: ClusterRuleContext,
): EngineResult {
  const result: EngineResult = { findings: [], notEvaluated: [] };
  for (const rule of rules) {
    const missing = rule.requires.filter((k) => world.unavailable[k] !== undefined);
    if (missing.length > 0) {
      const reason = missing.map((k) => world.unavailable[k]).join('; ');
      result.notEvaluated.push({ ruleId: rule.meta.id, reason });
      continue;
    }
    try {
      collect(rule.meta, rule.check(world, ctx), result);
    } catch (error) {
      result.findings.push(internalFinding(rule.meta.id, error));
    }
  }
  return result;
}

/**
 * A log finding without a fix of its own gets its rule's: a log names no object to run a command
 * on, so what to do is said in words (the rules that can name a command set it themselves).
 */
function withRuleFix(meta: RuleMeta, out: RuleOutput): RuleOutput {
  return { ...out, findings: out.findings.map((d) => (d.fix ? d : { ...d, fix: meta.fix })) };
}

/** Log rules over one capture: feed every event in input order, then finish once. */
export interface LogRuleSession {
  feed(ev: LogEvent): void;
  finish(end: CaptureEnd): EngineResult;
}

export function startLogRules(rules: readonly LogRule[], ctx: LogRuleContext): LogRuleSession {
  const result: EngineResult = { findings: [], notEvaluated: [] };
  const active: { rule: LogRule; run: LogRuleRun | undefined }[] = rules.map((rule) => {
    try {
      return { rule, run: rule.create(ctx) };
    } catch (error) {
      result.findings.push(internalFinding(rule.meta.id, error));
      return { rule, run: undefined };
    }
  });
  return {
    feed(ev) {
      for (const a of active) {
        if (!a.run) continue;
        try {
          a.run.onEvent(ev);
        } catch (error) {
          result.findings.push(internalFinding(a.rule.meta.id, error));
          a.run = undefined;
        }
      }
    },
    finish(end) {
      for (const a of active) {
        if (!a.run) continue;
        try {
          collect(a.rule.meta, withRuleFix(a.rule.meta, a.run.finish(end)), result);
        } catch (error) {
          result.findings.push(internalFinding(a.rule.meta.id, error));
        }
      }
      return result;
    },
  };
}
