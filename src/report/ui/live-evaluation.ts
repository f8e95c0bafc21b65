// The dashboard's evaluation kept up to date event by event, with the same result as `evaluate`
// over the same objects (dashboard-state.ts; test/report/ui/live-evaluation.test.ts checks it over random
// event sequences). A watch of thousands of runs sees a few changes a second and a clock tick
// every second: objects are held in mutable maps (no copy per event), the world is rebuilt only
// after a change, and the rules run again only for the runs whose objects changed, plus the runs
// whose findings move with the clock. Which those are is seen, not listed: a rule reads the time
// only through `ctx.now`, so a result computed without reading it holds at any time (a canceled
// live run reads it for SR101, a deletion held by finalizers for SR303). Rules with `scope: 'world'`
// (a Story's finding counts its live runs) and StepRuns without a run are checked over the whole
// world, again only after a change or when they read the clock. While no result changes, the
// masked findings and each run's share of them are kept too (dashboard-state.ts `judge`), and a
// tick only recomputes ages and cancel timers. Pure: no IO, no React.
import { changesBetween } from '../../config/findings-filter.js';
import type { ObjectSet, StepRun, Story, StoryRun, Transport } from '../../model/kube.js';
import type { Finding, NotEvaluated } from '../../model/report.js';
import { stepRunsOfSelectedRuns } from '../../model/selection.js';
import { buildWorld, objectKey, type ObjectKind, type RunView, type World } from '../../model/world.js';
import { collect, INTERNAL_RULE_ID, internalFinding, type EngineResult } from '../../rules/engine.js';
import type { ClusterRule, ClusterRuleContext } from '../../rules/types.js';
import {
  evaluationAt,
  judge,
  type EvaluateOptions,
  type Evaluation,
  type Judgement,
  type ObjectEvent,
} from './dashboard-state.js';

type AnyObject = StoryRun | StepRun | Story | Transport;

export type LiveOptions = Omit<EvaluateOptions, 'now' | 'unavailable'>;

interface RunResult {
  /** The world it was last found valid in. */
  world: World;
  run: StoryRun;
  steps: readonly StepRun[];
  story: Story | undefined;
  /** The resolved window and its confidence, which the Transports feed into. */
  window: string;
  /** Evaluated at this time; only matters for a run whose findings move with the clock. */
  now: number;
  /** The rules read `ctx.now` for it: its findings may differ at another time. */
  timed: boolean;
  result: EngineResult;
}

/** The whole-world checks (orphan StepRuns, `scope: 'world'` rules) of one world. */
interface WideResult {
  world: World;
  now: number;
  timed: boolean;
  rest: EngineResult;
  wide: EngineResult;
}

/** The last judgement and the unmasked results it was made from (compared by identity). */
interface Judged {
  findings: readonly Finding[];
  notEvaluated: readonly NotEvaluated[];
  judgement: Judgement;
}

export class LiveEvaluation {
  private readonly maps: Record<ObjectKind, Map<string, AnyObject>> = {
    storyRuns: new Map(),
    stepRuns: new Map(),
    stories: new Map(),
    transports: new Map(),
  };
  private changed = true;
  private world: World | undefined;
  private unavailableKey = '';
  private readonly runs = new Map<string, RunResult>();
  private wideResult: WideResult | undefined;
  private readonly windowTexts = new WeakMap<RunView['window'], string>();
  private judged: Judged | undefined;
  private filterResult:
    | {
        world: World;
        findings: readonly Finding[];
        now: number;
        result: { kept: Finding[]; suppressed: number };
      }
    | undefined;
  private shown: { judgement: Judgement; now: number; evaluation: Evaluation } | undefined;

  constructor(private readonly options: LiveOptions) {}

  /** Apply one watch event (the objects are held as delivered, not copied). */
  apply(event: ObjectEvent): void {
    const map = this.maps[event.kind];
    if (event.type === 'reset') {
      map.clear();
      for (const o of event.items) map.set(keyOf(event.kind, o), o as AnyObject);
    } else if (event.type === 'upsert') map.set(keyOf(event.kind, event.object), event.object as AnyObject);
    else map.delete(keyOf(event.kind, event.object));
    this.changed = true;
  }

  evaluate(now: number, unavailable: Partial<Record<ObjectKind, string>> = {}): Evaluation {
    const options: EvaluateOptions = { ...this.options, now, unavailable };
    const key = JSON.stringify(unavailable);
    if (this.changed || !this.world || key !== this.unavailableKey) {
      this.world = this.build(unavailable);
      this.unavailableKey = key;
      this.changed = false;
    }
    const world = this.world;
    const ctx = { now, stopBudgetSeconds: this.options.stopBudgetSeconds };

    // As runClusterRules: a rule needing a kind that cannot be read is not evaluated, once.
    const notEvaluated: NotEvaluated[] = [];
    const active: ClusterRule[] = [];
    for (const rule of this.options.rules) {
      const missing = rule.requires.filter((k) => world.unavailable[k] !== undefined);
      if (missing.length > 0)
        notEvaluated.push({
          ruleId: rule.meta.id,
          reason: missing.map((k) => world.unavailable[k]).join('; '),
        });
      else active.push(rule);
    }
    const perRun = active.filter((r) => r.scope !== 'world');
    const whole = active.filter((r) => r.scope === 'world');

    const findings: Finding[] = [];
    const seen = new Set<string>();
    for (const v of world.runs) {
      const r = this.runResult(v, world, perRun, ctx);
      findings.push(...r.findings);
      notEvaluated.push(...r.notEvaluated);
      seen.add(v.key);
    }
    for (const k of [...this.runs.keys()]) if (!seen.has(k)) this.runs.delete(k);

    // StepRuns without a run, and the whole-world rules.
    const { rest, wide } = this.wideResults(world, perRun, whole, ctx);
    findings.push(...rest.findings, ...wide.findings);
    notEvaluated.push(...rest.notEvaluated, ...wide.notEvaluated);
    const deduped = dedupeInternal(findings);
    const { kept, suppressed } = this.filtered(world, deduped, now);
    // The same unmasked results as last time (the cached ones are the same objects): the same judgement.
    const last = this.judged;
    if (
      !last ||
      last.judgement.world !== world ||
      !sameItems(last.findings, kept) ||
      !sameItems(last.notEvaluated, notEvaluated) ||
      last.judgement.suppressed !== suppressed
    )
      this.judged = {
        findings: kept,
        notEvaluated,
        judgement: judge(world, { findings: kept, notEvaluated, suppressed }),
      };
    const judgement = (this.judged as Judged).judgement;
    // The dashboard's tick evaluates to see whether the screen changes, then renders that time.
    if (this.shown?.judgement !== judgement || this.shown.now !== now)
      this.shown = { judgement, now, evaluation: evaluationAt(judgement, options) };
    return this.shown.evaluation;
  }

  /**
   * The config's filter over the findings; the last answer while the findings, the world and the
   * suppressions in force stay the same (a severity override makes new objects, which would
   * otherwise look like a change on every tick).
   */
  private filtered(
    world: World,
    findings: readonly Finding[],
    now: number,
  ): { kept: Finding[]; suppressed: number } {
    const filter = this.options.filter;
    if (!filter) return { kept: [...findings], suppressed: 0 };
    const held = this.filterResult;
    if (
      held &&
      held.world === world &&
      sameItems(held.findings, findings) &&
      !changesBetween(filter, Math.min(held.now, now), Math.max(held.now, now))
    )
      return held.result;
    const out = filter(findings, world, now);
    const result = { kept: out.kept, suppressed: out.suppressed.length };
    this.filterResult = { world, findings, now, result };
    return result;
  }

  private wideResults(
    world: World,
    perRun: readonly ClusterRule[],
    whole: readonly ClusterRule[],
    ctx: ClusterRuleContext,
  ): { rest: EngineResult; wide: EngineResult } {
    const held = this.wideResult;
    if (held && held.world === world && (!held.timed || held.now === ctx.now)) return held;
    const orphans: World = {
      ...world,
      runs: [],
      runsByKey: new Map(),
      stepRuns: world.orphans.map((o) => o.stepRun),
    };
    const clock = watchedClock(ctx);
    const rest = check(perRun, orphans, clock.ctx);
    const wide = check(whole, world, clock.ctx);
    this.wideResult = { world, now: ctx.now, timed: clock.read(), rest, wide };
    return this.wideResult;
  }

  private build(unavailable: Partial<Record<ObjectKind, string>>): World {
    const set: ObjectSet = {
      storyRuns: [...this.maps.storyRuns.values()] as StoryRun[],
      stepRuns: [...this.maps.stepRuns.values()] as StepRun[],
      stories: [...this.maps.stories.values()] as Story[],
      transports: [...this.maps.transports.values()] as Transport[],
    };
    if (this.options.selected) set.stepRuns = stepRunsOfSelectedRuns(set.storyRuns, set.stepRuns);
    const worldOptions: Parameters<typeof buildWorld>[1] = { unavailable, operator: this.options.operator };
    if (this.options.operatorDefaultSeconds !== undefined)
      worldOptions.operatorDefaultSeconds = this.options.operatorDefaultSeconds;
    return buildWorld(set, worldOptions);
  }

  /** A window as text, once per window object (buildWorld shares one between the runs of a Story). */
  private windowText(w: RunView['window']): string {
    let text = this.windowTexts.get(w);
    if (text === undefined) this.windowTexts.set(w, (text = JSON.stringify(w)));
    return text;
  }

  /** The run's own rule results: the cached ones while nothing they depend on has changed. */
  private runResult(
    v: RunView,
    world: World,
    rules: readonly ClusterRule[],
    ctx: ClusterRuleContext,
  ): EngineResult {
    const held = this.runs.get(v.key);
    // The same world as last time: the run's objects are the same too.
    if (held && held.world === world && (!held.timed || held.now === ctx.now)) return held.result;
    // The release is the world's (inferred from any run's annotations): a run's findings name it.
    const window = `${this.windowText(v.window)}\n${JSON.stringify([v.windowConfidence, this.unavailableKey, world.operator])}`;
    if (
      held &&
      held.run === v.run &&
      held.story === v.story &&
      held.window === window &&
      sameSteps(held.steps, v.steps) &&
      (!held.timed || held.now === ctx.now)
    ) {
      held.world = world;
      return held.result;
    }
    const one: World = {
      ...world,
      runs: [v],
      runsByKey: new Map([[v.key, v]]),
      stepRuns: v.steps,
      orphans: [],
      stories: [],
    };
    const clock = watchedClock(ctx);
    const result = check(rules, one, clock.ctx);
    this.runs.set(v.key, {
      world,
      run: v.run,
      steps: v.steps,
      story: v.story,
      window,
      now: ctx.now,
      timed: clock.read(),
      result,
    });
    return result;
  }
}

/** `ctx` with its clock watched: `read()` says whether a rule asked for the time. */
function watchedClock(ctx: ClusterRuleContext): { ctx: ClusterRuleContext; read: () => boolean } {
  let read = false;
  const watched: ClusterRuleContext = {
    get now() {
      read = true;
      return ctx.now;
    },
    stopBudgetSeconds: ctx.stopBudgetSeconds,
  };
  return { ctx: watched, read: () => read };
}

function check(rules: readonly ClusterRule[], world: World, ctx: ClusterRuleContext): EngineResult {
  const result: EngineResult = { findings: [], notEvaluated: [] };
  for (const rule of rules) {
    try {
      collect(rule.meta, rule.check(world, ctx), result);
    } catch (error) {
      result.findings.push(internalFinding(rule.meta.id, error));
    }
  }
  return result;
}

/**
 * A rule that throws on several runs is one internal finding, as over the whole world (where its
 * other findings are lost with it; here the runs it did not throw on keep theirs).
 */
function dedupeInternal(findings: Finding[]): Finding[] {
  const seen = new Set<string>();
  return findings.filter((f) => {
    if (f.ruleId !== INTERNAL_RULE_ID) return true;
    const key = f.occurrence ?? f.fingerprint;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function sameSteps(a: readonly StepRun[], b: readonly StepRun[]): boolean {
  return sameItems(a, b);
}

function sameItems<T>(a: readonly T[], b: readonly T[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

function keyOf(kind: ObjectKind, o: { metadata: { name: string; namespace?: string } }): string {
  return kind === 'transports' ? o.metadata.name : objectKey(o.metadata.namespace, o.metadata.name);
}
