// `--snapshot FILE|DIR|-`: what `kubectl get storyruns,stepruns,stories,transports -A -o yaml|json`
// printed, read into the ObjectSet the model is built from.
import { releaseFromDeployment, type OperatorRelease } from '../../contract/operator-release.js';
import { inputError } from '../../model/errors.js';
import type { InputWarning } from '../../model/input-warning.js';
import type { BobrapetObject, ObjectSet } from '../../model/kube.js';
import type { Location, ScopeCounts, SourceInfo, SourceScope, Subject } from '../../model/report.js';
import { classifyDocuments } from './classify.js';
import { parseSnapshotText } from './parse.js';
import { snapshotTexts, type ReadOptions } from './read.js';

export { STDIN_NAME } from './read.js';
export { parseSnapshotText, type ParsedDocument } from './parse.js';
export { classifyDocuments, knownKind, type Classification, type ClassifiedObject } from './classify.js';

export interface SnapshotResult {
  objects: ObjectSet;
  /** One entry per file read (directories are expanded), in reading order. */
  sources: SourceInfo[];
  /** What was read but may hide something (a JSON key given twice), in reading order. */
  warnings: InputWarning[];
  /** Where an object was read: its file and the line of its `metadata.name` (the copy that won). */
  locate(subject: Subject): Location | undefined;
  /** The release of a controller Deployment captured with the objects, when its image names one. */
  operator?: OperatorRelease;
  /** A captured controller Deployment whose image names no release (`:latest`), and why. */
  operatorUnreadable?: string;
}

/**
 * Read every path in order. The same object (kind, namespace, name) met twice keeps its first
 * position and the later content, so `--snapshot old.yaml --snapshot new.yaml` means "new wins".
 * Throws an input StoryctlError for a missing, unreadable, empty or malformed file.
 */
export async function readSnapshots(
  paths: readonly string[],
  options: ReadOptions = {},
): Promise<SnapshotResult> {
  const byKey = new Map<string, BobrapetObject>();
  const where = new Map<string, { file: string; line: () => number }>();
  const sources: SourceInfo[] = [];
  const found: { release?: OperatorRelease; unreadable?: string } = {};
  const warnings: InputWarning[] = [];
  for await (const { name, text, format } of snapshotTexts(paths, options)) {
    const docs = parseSnapshotText(text, name, format);
    // An empty capture is what a failed `kubectl get ... > file` leaves; reading it as "no runs"
    // would report a healthy cluster.
    if (docs.length === 0) throw inputError(`${name}: empty snapshot (no YAML or JSON document in it)`, name);
    const { objects, ignored, controllers } = classifyDocuments(docs, name);
    for (const { object, nameLine } of objects) {
      const id = objectIdentity(object);
      byKey.set(id, object);
      where.set(id, { file: name, line: nameLine });
    }
    for (const d of controllers ?? []) {
      const r = releaseFromDeployment(d, `snapshot ${name}`);
      if (r && 'release' in r) found.release = r.release;
      else if (r) found.unreadable = r.unreadable;
    }
    const fileWarnings = docs.flatMap((d) => d.warnings().map((w) => ({ file: name, ...w })));
    warnings.push(...fileWarnings);
    sources.push({
      type: 'snapshot',
      name,
      objects: objects.length,
      ignoredObjects: ignored,
      scope: snapshotScope(objects.map((o) => o.object)),
      ...(fileWarnings.length > 0 ? { warnings: fileWarnings.length } : {}),
    });
  }
  const locate = (s: Subject): Location | undefined => {
    const hit = where.get(`${s.kind}/${s.kind === 'Transport' ? '' : (s.namespace ?? 'default')}/${s.name}`);
    return hit ? { file: hit.file, line: hit.line() } : undefined;
  };
  const result: SnapshotResult = {
    objects: toObjectSet(byKey.values()),
    sources,
    warnings,
    locate,
  };
  if (found.release) result.operator = found.release;
  else if (found.unreadable) result.operatorUnreadable = found.unreadable;
  return result;
}

/** What one file holds: the namespaces its objects are in and how many of each kind. */
function snapshotScope(objects: readonly BobrapetObject[]): SourceScope {
  const counts: ScopeCounts = { storyRuns: 0, stepRuns: 0, stories: 0, transports: 0 };
  const namespaces = new Set<string>();
  for (const o of objects) {
    if (o.kind === 'StoryRun') counts.storyRuns++;
    else if (o.kind === 'StepRun') counts.stepRuns++;
    else if (o.kind === 'Story') counts.stories++;
    else counts.transports++;
    if (o.kind !== 'Transport') namespaces.add(o.metadata.namespace ?? 'default');
  }
  return { namespaces: [...namespaces].sort(), counts };
}

function objectIdentity(o: BobrapetObject): string {
  // Transports are cluster-scoped; a namespaced object without a namespace lives in `default`.
  const ns = o.kind === 'Transport' ? '' : (o.metadata.namespace ?? 'default');
  return `${o.kind}/${ns}/${o.metadata.name}`;
}

function toObjectSet(objects: Iterable<BobrapetObject>): ObjectSet {
  const set: ObjectSet = { storyRuns: [], stepRuns: [], stories: [], transports: [] };
  for (const o of objects) {
    switch (o.kind) {
      case 'StoryRun':
        set.storyRuns.push(o);
        break;
      case 'StepRun':
        set.stepRuns.push(o);
        break;
      case 'Story':
        set.stories.push(o);
        break;
      case 'Transport':
        set.transports.push(o);
        break;
    }
  }
  return set;
}
