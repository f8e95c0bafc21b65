// SARIF 2.1.0 for code-scanning tools and IDE viewers: every rule declared with its help, one result
// per finding with a stable partial fingerprint (so baselines survive re-runs). GitHub code
// scanning requires every result to have a physical location (an artifact URI, relative to the
// repository for the best results, and a start line) and rejects the whole upload otherwise: log
// findings point at their line, snapshot findings at their object's `metadata.name` line, and
// live-cluster findings at a stable relative URI naming the object (`cluster/<Kind>/<ns>/<name>`),
// with the object as a logical location too. Suppressed findings carry SARIF `suppressions`;
// against a baseline every result has a `baselineState`.
import { pathToFileURL } from 'node:url';
import { sep } from 'node:path';
import type {
  Location as SarifLocation,
  Log,
  LogicalLocation,
  Notification,
  ReportingDescriptor,
  Result,
  Run,
  Suppression as SarifSuppression,
} from 'sarif';
import type {
  BaselineEntry,
  Finding,
  NotEvaluated,
  Report,
  Severity,
  Subject,
  SuppressedFinding,
} from '../model/report.js';
import { subjectLabel } from '../model/report.js';
import { FAMILY_TAGS, type RuleMeta } from '../rules/types.js';
import { INTERNAL_RULE_ID } from '../rules/engine.js';
import { artifactPath } from './escape.js';
import type { ReporterOptions } from './types.js';

export const SARIF_SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json';
/**
 * Versioned key: a change of fingerprint recipe gets a new key instead of silently breaking
 * baselines (v1 had the first evidence time in it; v2 is rule + subject, + file for logs).
 */
export const FINGERPRINT_KEY = 'storyctl/v2';
/**
 * The key GitHub code scanning tracks alerts by (it reads no other). Given, it is not computed
 * from the file's text, which for a log or a snapshot changes with every capture. GitHub's own
 * form is `hash:n`, n counting results with the same hash.
 */
export const GITHUB_FINGERPRINT_KEY = 'primaryLocationLineHash';
/** Where a live-cluster object is "located": not a file, but a path GitHub accepts and keeps stable. */
export const CLUSTER_URI_PREFIX = 'cluster/';
const SRCROOT = '%SRCROOT%';

type Level = 'error' | 'warning' | 'note';

export function sarifLevel(s: Severity): Level {
  return s === 'error' ? 'error' : s === 'warning' ? 'warning' : 'note';
}

/** The README rule table anchors each row by the lowercase rule id (`#sr201`). */
export function ruleHelpUri(readmeUrl: string, ruleId: string): string {
  return `${readmeUrl.replace(/#.*$/, '')}#${ruleId.toLowerCase()}`;
}

function ruleDescriptor(meta: RuleMeta, readmeUrl: string): ReportingDescriptor {
  const helpUri = ruleHelpUri(readmeUrl, meta.id);
  // Where the rule looks: lets code-scanning UIs filter cluster from log rules.
  const tags = ['reliability', ...FAMILY_TAGS[meta.family]];
  if (meta.deprecated) tags.push('deprecated');
  return {
    id: meta.id,
    name: meta.name,
    shortDescription: { text: meta.summary },
    fullDescription: { text: meta.rationale },
    help: {
      text: `${meta.rationale}\n\nFix: ${meta.fix}\n\nFacts: ${meta.docs}`,
      markdown: `**${meta.summary}**\n\n${meta.rationale}\n\n**Fix:** ${meta.fix}\n\nFacts: ${meta.docs}. See the [rule table](${helpUri}).`,
    },
    helpUri,
    defaultConfiguration: { level: sarifLevel(meta.severity) },
    properties: { tags },
  };
}

// A crashed rule reports under `internal-error`, which no rule module declares; SARIF consumers
// reject a result whose ruleIndex points nowhere, so it (and any id the options do not know, e.g.
// a report produced by a newer storyctl) gets a minimal descriptor.
function syntheticDescriptor(ruleId: string): ReportingDescriptor {
  if (ruleId === INTERNAL_RULE_ID) {
    return {
      id: ruleId,
      // SARIF wants a name that differs from the id (SARIF1001); the id stays what JSON reports.
      name: 'RuleCrashed',
      shortDescription: { text: 'A storyctl rule failed while checking' },
      fullDescription: {
        text: 'A rule threw instead of returning findings; the other rules still ran, but this one did not check anything.',
      },
      help: {
        text: 'This is a storyctl bug. Report it with the finding message and the input that triggered it.',
        markdown:
          'This is a storyctl bug. Report it with the finding message and the input that triggered it.',
      },
      defaultConfiguration: { level: 'error' },
      properties: { tags: ['internal'] },
    };
  }
  // No name (SARIF wants one that differs from the id) and a help text (GitHub requires one).
  const text = `Rule ${ruleId} is not known to this storyctl version: the report came from a newer one.`;
  return {
    id: ruleId,
    shortDescription: { text: `Rule ${ruleId} (not known to this storyctl version)` },
    fullDescription: { text },
    help: { text, markdown: text },
    defaultConfiguration: { level: 'warning' },
  };
}

function fullyQualifiedName(s: Subject): string {
  return s.namespace ? `${s.kind}/${s.namespace}/${s.name}` : `${s.kind}/${s.name}`;
}

function logicalLocation(s: Subject): LogicalLocation {
  return { name: s.name, fullyQualifiedName: fullyQualifiedName(s), kind: 'resource' };
}

function encodePath(path: string): string {
  return path.split('/').map(encodeURIComponent).join('/');
}

/** `cluster/StoryRun/ns/name`: the same for the same object in every run, so alerts track it. */
export function clusterUri(s: Subject): string {
  return `${CLUSTER_URI_PREFIX}${encodePath(fullyQualifiedName(s))}`;
}

function sarifLocation(
  f: Pick<Finding, 'subject' | 'location' | 'ruleId'>,
  cwd: string | undefined,
): SarifLocation {
  const loc: SarifLocation = {};
  if (f.location) {
    const { path, relative } = artifactPath(f.location.file, cwd);
    loc.physicalLocation = {
      artifactLocation: relative
        ? { uri: encodePath(path), uriBaseId: SRCROOT }
        : { uri: pathToFileURL(path).href },
      region: { startLine: Math.max(1, f.location.line) },
    };
  } else {
    // A live object has no file; a crashed rule without a subject has not even an object.
    const uri = f.subject ? clusterUri(f.subject) : `storyctl/${encodeURIComponent(f.ruleId)}`;
    loc.physicalLocation = { artifactLocation: { uri }, region: { startLine: 1 } };
  }
  if (f.subject) loc.logicalLocations = [logicalLocation(f.subject)];
  return loc;
}

function sarifSuppression(f: SuppressedFinding): SarifSuppression {
  const { kind, reason, source } = f.suppression;
  return {
    kind: kind === 'annotation' ? 'inSource' : 'external',
    status: 'accepted',
    justification: reason,
    properties: { source },
  };
}

function notification(n: NotEvaluated, index: number): Notification {
  const where = n.subject ? ` for ${subjectLabel(n.subject)}` : '';
  const note: Notification = {
    level: 'warning',
    message: { text: `${n.ruleId} not evaluated${where}: ${n.reason}` },
    associatedRule: { id: n.ruleId, index },
  };
  if (n.subject) note.locations = [{ logicalLocations: [logicalLocation(n.subject)] }];
  return note;
}

/**
 * What the baseline had and this run no longer sees, as SARIF says (`baselineState: absent`).
 * GitHub reads every result as an open alert whatever its kind or state, so these also carry an
 * accepted external suppression: code scanning then closes the alert instead of opening one for
 * a problem that is gone.
 */
function absentResults(
  e: BaselineEntry,
  declare: (id: string) => number,
  cwd: string | undefined,
  fingerprints: (fingerprint: string) => Record<string, string>,
): Result[] {
  return Array.from({ length: e.count }, () => {
    const where: Pick<Finding, 'subject' | 'location' | 'ruleId'> = { ruleId: e.ruleId };
    if (e.subject) where.subject = e.subject;
    if (e.location) where.location = e.location;
    return {
      ruleId: e.ruleId,
      ruleIndex: declare(e.ruleId),
      kind: 'pass',
      level: 'none',
      message: { text: `No longer found (in the baseline): ${e.message}` },
      locations: [sarifLocation(where, cwd)],
      partialFingerprints: fingerprints(e.fingerprint),
      baselineState: 'absent',
      suppressions: [
        {
          kind: 'external',
          status: 'accepted',
          justification: 'in the baseline, no longer found by this run',
        },
      ],
    };
  });
}

export function renderSarif(report: Report, options: ReporterOptions): string {
  const rules = options.rules.map((m) => ruleDescriptor(m, options.readmeUrl));
  const index = new Map(rules.map((r, i) => [r.id, i]));
  const declare = (id: string): number => {
    let i = index.get(id);
    if (i === undefined) {
      i = rules.push(syntheticDescriptor(id)) - 1;
      index.set(id, i);
    }
    return i;
  };
  // Always declared, so the rule list does not change shape with whether a rule happened to crash.
  declare(INTERNAL_RULE_ID);

  const ordinals = new Map<string, number>();
  const fingerprints = (fingerprint: string): Record<string, string> => {
    const n = (ordinals.get(fingerprint) ?? 0) + 1;
    ordinals.set(fingerprint, n);
    return { [FINGERPRINT_KEY]: fingerprint, [GITHUB_FINGERPRINT_KEY]: `${fingerprint}:${n}` };
  };
  const withBaseline = report.absent !== undefined;
  const toResult = (f: Finding | SuppressedFinding): Result => {
    const result: Result = {
      ruleId: f.ruleId,
      ruleIndex: declare(f.ruleId),
      kind: 'fail',
      level: sarifLevel(f.severity),
      message: { text: f.message },
      locations: [sarifLocation(f, options.cwd)],
      partialFingerprints: fingerprints(f.fingerprint),
    };
    if ('suppression' in f) result.suppressions = [sarifSuppression(f)];
    if (withBaseline) result.baselineState = f.baselineState ?? 'new';
    const properties: Record<string, unknown> = { evidence: f.evidence };
    if (f.subject) properties['subject'] = f.subject;
    if (f.fix !== undefined) properties['fix'] = f.fix;
    result.properties = properties;
    return result;
  };
  const results = [
    ...report.findings.map(toResult),
    ...report.suppressed.map(toResult),
    ...(report.absent ?? []).flatMap((e) => absentResults(e, declare, options.cwd, fingerprints)),
  ];

  const notifications = report.notEvaluated.map((n) => notification(n, declare(n.ruleId)));

  const run: Run = {
    tool: {
      driver: {
        name: 'storyctl',
        version: options.toolVersion,
        informationUri: options.readmeUrl.replace(/#.*$/, ''),
        rules,
      },
    },
  };
  // Lets viewers open the log files; only known when the CLI passes its working directory.
  if (options.cwd !== undefined) {
    run.originalUriBaseIds = {
      [SRCROOT]: { uri: pathToFileURL(options.cwd.endsWith(sep) ? options.cwd : options.cwd + sep).href },
    };
  }
  run.invocations = [{ executionSuccessful: true, toolExecutionNotifications: notifications }];
  run.results = results;
  const log: Log = { $schema: SARIF_SCHEMA, version: '2.1.0', runs: [run] };
  return `${JSON.stringify(log, null, 2)}\n`;
}
