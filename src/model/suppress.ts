// Suppressions, always with a reason (issue 14): an `ignore-check.storyctl.bubustack.io/<RULE>`
// annotation on the object a finding is about (or on the Story that owns a run, for the rules
// whose metadata says a Story's choice covers its runs), or an entry of the config file. A
// suppressed finding leaves `findings` for `suppressed`, so it never counts for the exit code and
// stays visible. Pure: the config compiles its matchers, doctor indexes the objects.
import type { World } from './world.js';
import type {
  Finding,
  IneffectiveSuppression,
  Report,
  Subject,
  SubjectKind,
  SuppressedFinding,
  Suppression,
} from './report.js';

export const SUPPRESSION_ANNOTATION_PREFIX = 'ignore-check.storyctl.bubustack.io/';

export function suppressionAnnotation(ruleId: string): string {
  return `${SUPPRESSION_ANNOTATION_PREFIX}${ruleId}`;
}

/** A config entry, its patterns compiled. `expiresAt` is epoch ms; past it the entry stops applying. */
export interface ConfigSuppression {
  ruleId: string;
  matches(finding: Finding): boolean;
  reason: string;
  /** `file:line` of the entry. */
  source: string;
  expires?: string;
  expiresAt?: number;
}

export interface AnnotatedObject {
  subject: Subject;
  annotations: Readonly<Record<string, string>>;
}

/** The objects a finding can be suppressed on, found by its subject. */
export interface AnnotationIndex {
  objectOf(subject: Subject): AnnotatedObject | undefined;
  /** The Story a StoryRun (or a StepRun, through its run) belongs to. */
  storyOf(subject: Subject): AnnotatedObject | undefined;
}

export interface SuppressionInput {
  annotations?: AnnotationIndex;
  config: readonly ConfigSuppression[];
  /** The rules for which a Story's annotation covers the runs it owns (rule metadata `suppressibleOnStory`). */
  coversOwnedRuns(ruleId: string): boolean;
  /** The clock (not `--now`): an expiry is about today, not about the evidence's time. */
  today: number;
}

function key(kind: SubjectKind, namespace: string | undefined, name: string): string {
  return `${kind}/${namespace ?? ''}/${name}`;
}

/** Does the object carry any `ignore-check.storyctl.bubustack.io/` annotation? */
function hasSuppression(annotations: Readonly<Record<string, string>> | undefined): boolean {
  if (!annotations) return false;
  for (const k in annotations) if (k.startsWith(SUPPRESSION_ANNOTATION_PREFIX)) return true;
  return false;
}

/**
 * Index a model's objects by subject. Transports are cluster-scoped; namespaced objects default to
 * `default`. Only objects with a suppression annotation are held (the rest could suppress nothing),
 * so `serve` can index tens of thousands of objects at every evaluation without holding them twice.
 */
export function annotationIndex(world: World): AnnotationIndex {
  const objects = new Map<string, AnnotatedObject>();
  const stories = new Map<string, AnnotatedObject>();
  const add = (
    kind: SubjectKind,
    meta: { name: string; namespace?: string; annotations?: Record<string, string> },
  ): void => {
    if (!hasSuppression(meta.annotations)) return;
    const namespace = kind === 'Transport' ? undefined : (meta.namespace ?? 'default');
    const subject: Subject =
      namespace === undefined ? { kind, name: meta.name } : { kind, namespace, name: meta.name };
    objects.set(key(kind, namespace, meta.name), { subject, annotations: meta.annotations ?? {} });
  };
  for (const s of world.stories) add('Story', s.metadata);
  for (const t of world.transports.values()) add('Transport', t.metadata);
  for (const s of world.stepRuns) add('StepRun', s.metadata);
  for (const v of world.runs) {
    add('StoryRun', v.run.metadata);
    const story = v.story
      ? objects.get(key('Story', v.story.metadata.namespace ?? 'default', v.story.metadata.name))
      : undefined;
    if (!story) continue;
    stories.set(key('StoryRun', v.namespace, v.name), story);
    for (const step of v.steps)
      stories.set(key('StepRun', step.metadata.namespace ?? 'default', step.metadata.name), story);
  }
  return {
    objectOf: (s) => objects.get(key(s.kind, s.namespace, s.name)),
    storyOf: (s) => stories.get(key(s.kind, s.namespace, s.name)),
  };
}

function label(s: Subject): string {
  return s.namespace ? `${s.kind} ${s.namespace}/${s.name}` : `${s.kind} ${s.name}`;
}

export interface SuppressionResult {
  findings: Finding[];
  suppressed: SuppressedFinding[];
  ineffective: IneffectiveSuppression[];
}

export function applySuppressions(findings: readonly Finding[], input: SuppressionInput): SuppressionResult {
  const ineffective: IneffectiveSuppression[] = [];
  const noted = new Set<string>();
  const note = (i: IneffectiveSuppression): void => {
    const k = `${i.kind}\u0000${i.source}\u0000${i.ruleId}`;
    if (noted.has(k)) return;
    noted.add(k);
    ineffective.push(i);
  };
  const active = input.config.filter((c) => {
    if (c.expiresAt === undefined || input.today < c.expiresAt) return true;
    const i: IneffectiveSuppression = {
      ruleId: c.ruleId,
      kind: 'config',
      source: c.source,
      problem: 'expired',
    };
    if (c.expires !== undefined) i.expires = c.expires;
    note(i);
    return false;
  });

  const fromAnnotation = (f: Finding): Suppression | undefined => {
    if (!f.subject || !input.annotations) return undefined;
    const annotation = suppressionAnnotation(f.ruleId);
    const owners = [input.annotations.objectOf(f.subject)];
    if (input.coversOwnedRuns(f.ruleId)) owners.push(input.annotations.storyOf(f.subject));
    for (const owner of owners) {
      const reason = owner?.annotations[annotation];
      if (owner === undefined || reason === undefined) continue;
      const source = `${label(owner.subject)} annotation ${annotation}`;
      if (reason.trim() === '') {
        note({ ruleId: f.ruleId, kind: 'annotation', source, problem: 'no reason' });
        continue;
      }
      return { kind: 'annotation', reason: reason.trim(), source };
    }
    return undefined;
  };
  const fromConfig = (f: Finding): Suppression | undefined => {
    const hit = active.find((c) => c.ruleId === f.ruleId && c.matches(f));
    return hit ? { kind: 'config', reason: hit.reason, source: hit.source } : undefined;
  };

  const kept: Finding[] = [];
  const suppressed: SuppressedFinding[] = [];
  for (const f of findings) {
    const suppression = fromAnnotation(f) ?? fromConfig(f);
    if (suppression) suppressed.push({ ...f, suppression });
    else kept.push(f);
  }
  return { findings: kept, suppressed, ineffective };
}

/** The report with its suppressions applied (`ineffectiveSuppressions` only when there are some). */
export function withSuppressions(report: Report, result: SuppressionResult): Report {
  const out: Report = {
    ...report,
    findings: result.findings,
    suppressed: [...report.suppressed, ...result.suppressed],
  };
  if (result.ineffective.length > 0) out.ineffectiveSuppressions = result.ineffective;
  return out;
}
