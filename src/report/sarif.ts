// SARIF 2.1.0 for code-scanning tools and IDE viewers: every rule declared with its help, one result
// per finding with a stable partial fingerprint (so baselines survive re-runs), log findings as
// physical locations and cluster findings as logical ones.
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
} from 'sarif';
import type { Finding, NotEvaluated, Report, Severity, Subject } from '../model/report.js';
import { subjectLabel } from '../model/report.js';
import { FAMILY_TAGS, type RuleMeta } from '../rules/types.js';
import { INTERNAL_RULE_ID } from '../rules/engine.js';
import { artifactPath } from './escape.js';
import type { ReporterOptions } from './types.js';

export const SARIF_SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json';
/** Versioned key: a change of fingerprint recipe gets a new key instead of silently breaking baselines. */
export const FINGERPRINT_KEY = 'storyctl/v1';
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
      name: 'internal-error',
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
  return {
    id: ruleId,
    name: ruleId,
    shortDescription: { text: `Rule ${ruleId} (not known to this storyctl version)` },
    defaultConfiguration: { level: 'warning' },
  };
}

function fullyQualifiedName(s: Subject): string {
  return s.namespace ? `${s.kind}/${s.namespace}/${s.name}` : `${s.kind}/${s.name}`;
}

function logicalLocation(s: Subject): LogicalLocation {
  return { name: s.name, fullyQualifiedName: fullyQualifiedName(s), kind: 'resource' };
}

function sarifLocation(
  f: Pick<Finding, 'subject' | 'location'>,
  cwd: string | undefined,
): SarifLocation | undefined {
  const loc: SarifLocation = {};
  if (f.location) {
    const { path, relative } = artifactPath(f.location.file, cwd);
    loc.physicalLocation = {
      artifactLocation: relative
        ? { uri: path.split('/').map(encodeURIComponent).join('/'), uriBaseId: SRCROOT }
        : { uri: pathToFileURL(path).href },
      region: { startLine: Math.max(1, f.location.line) },
    };
  }
  if (f.subject) loc.logicalLocations = [logicalLocation(f.subject)];
  return loc.physicalLocation || loc.logicalLocations ? loc : undefined;
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

  const results = report.findings.map((f): Result => {
    const result: Result = {
      ruleId: f.ruleId,
      ruleIndex: declare(f.ruleId),
      kind: 'fail',
      level: sarifLevel(f.severity),
      message: { text: f.message },
      partialFingerprints: { [FINGERPRINT_KEY]: f.fingerprint },
    };
    const loc = sarifLocation(f, options.cwd);
    if (loc) result.locations = [loc];
    const properties: Record<string, unknown> = { evidence: f.evidence };
    if (f.subject) properties['subject'] = f.subject;
    if (f.fix !== undefined) properties['fix'] = f.fix;
    result.properties = properties;
    return result;
  });

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
