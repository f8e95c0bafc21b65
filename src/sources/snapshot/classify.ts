// Documents → the Bobrapet objects storyctl reads. Objects are recognized by apiVersion group and
// kind (CONTROLLER.md section 1); any version is accepted and kept in `apiVersion`, so a newer
// operator's objects still load. Anything else is counted and ignored. Pure.
import { controllerImage, type DeploymentLike } from '../../contract/operator-release.js';
import { inputError } from '../../model/errors.js';
import { GROUPS, type BobrapetObject } from '../../model/kube.js';
import type { NodePath, ParsedDocument } from './parse.js';

export type KnownKind = BobrapetObject['kind'];

const GROUP_OF_KIND: Readonly<Record<KnownKind, string>> = {
  StoryRun: GROUPS.runs,
  StepRun: GROUPS.runs,
  Story: GROUPS.stories,
  Transport: GROUPS.transports,
};

export interface ClassifiedObject {
  object: BobrapetObject;
  /** 1-based line of the object in its file. */
  line: number;
  /**
   * 1-based line of its `metadata.name`, where a finding about it points. Computed on demand: for
   * JSON it costs a scan of the text (json-positions.ts), which only a finding should pay for.
   */
  nameLine(): number;
}

export interface Classification {
  objects: ClassifiedObject[];
  /** The operator's controller Deployments (`kubectl get deploy -n bobrapet-system`): its image names the release. */
  controllers?: DeploymentLike[];
  /** Objects of other kinds or groups (a List itself is not counted, its items are). */
  ignored: number;
}

type Mapping = Record<string, unknown>;

function isMapping(v: unknown): v is Mapping {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function apiGroup(apiVersion: string): string {
  const slash = apiVersion.indexOf('/');
  return slash < 0 ? '' : apiVersion.slice(0, slash);
}

/** The known kind of an object, or undefined for anything storyctl does not read. */
export function knownKind(apiVersion: string, kind: string): KnownKind | undefined {
  if (!Object.hasOwn(GROUP_OF_KIND, kind)) return undefined;
  const k = kind as KnownKind;
  return GROUP_OF_KIND[k] === apiGroup(apiVersion) ? k : undefined;
}

/** Typed lists (`StoryRunList`) may omit kind and apiVersion on items; they inherit them. */
interface Inherited {
  apiVersion: string;
  kind: string;
}

export function classifyDocuments(docs: readonly ParsedDocument[], file: string): Classification {
  const result: Classification = { objects: [], ignored: 0 };
  for (const doc of docs) visit(doc, doc.value, [], undefined, file, result);
  return result;
}

function visit(
  doc: ParsedDocument,
  value: unknown,
  path: NodePath,
  inherited: Inherited | undefined,
  file: string,
  out: Classification,
): void {
  const line = (): number => (path.length === 0 ? doc.line : doc.lineOf(path));
  if (Array.isArray(value)) {
    value.forEach((item, i) => visit(doc, item, [...path, i], inherited, file, out));
    return;
  }
  if (!isMapping(value)) {
    throw inputError(
      `${file}:${line()}: expected a Kubernetes object (a mapping with apiVersion and kind), found ${describe(value)}`,
      file,
      line(),
    );
  }
  const kind = typeof value['kind'] === 'string' ? value['kind'] : inherited?.kind;
  const apiVersion = typeof value['apiVersion'] === 'string' ? value['apiVersion'] : inherited?.apiVersion;
  if (!kind || !apiVersion) {
    throw inputError(
      `${file}:${line()}: not a Kubernetes object: apiVersion and kind are required`,
      file,
      line(),
    );
  }
  if (kind === 'List' || (kind.endsWith('List') && 'items' in value)) {
    const items = value['items'] ?? [];
    if (!Array.isArray(items))
      throw inputError(`${file}:${line()}: ${kind}.items must be a list`, file, line());
    const itemKind = kind === 'List' ? undefined : { apiVersion, kind: kind.slice(0, -'List'.length) };
    items.forEach((item, i) => visit(doc, item, [...path, 'items', i], itemKind, file, out));
    return;
  }
  const known = knownKind(apiVersion, kind);
  if (
    !known &&
    kind === 'Deployment' &&
    apiGroup(apiVersion) === 'apps' &&
    controllerImage(value as DeploymentLike)
  ) {
    (out.controllers ??= []).push(value as DeploymentLike);
    return;
  }
  if (!known) {
    out.ignored += 1;
    return;
  }
  checkMetadata(value['metadata'], known, file, line());
  // Keep the object as the server printed it; only fill in what a typed list left implicit.
  const object = { ...value, apiVersion, kind } as unknown as BobrapetObject;
  // Located when asked: most objects are never pointed at, and a position costs a scan of the text.
  const namePath = [...path, 'metadata', 'name'];
  out.objects.push({
    object,
    get line() {
      return line();
    },
    nameLine: () => doc.lineOf(namePath),
  });
}

/** Enough shape for the model to rely on: a name, and string maps where Kubernetes has them. */
function checkMetadata(metadata: unknown, kind: KnownKind, file: string, line: number): void {
  const fail = (what: string): never => {
    throw inputError(`${file}:${line}: ${kind} ${what}`, file, line);
  };
  if (!isMapping(metadata) || typeof metadata['name'] !== 'string' || metadata['name'].trim() === '') {
    return fail('without metadata.name');
  }
  const name = metadata['name'];
  if (metadata['namespace'] !== undefined && typeof metadata['namespace'] !== 'string') {
    fail(`${name}: metadata.namespace must be a string`);
  }
  for (const field of ['labels', 'annotations'] as const) {
    const map = metadata[field];
    if (map === undefined || map === null) continue;
    if (!isMapping(map)) fail(`${name}: metadata.${field} must be a mapping`);
    for (const [key, v] of Object.entries(map as Mapping)) {
      // Unquoted `true` or `120` in hand-written YAML is not a string; the API server would refuse it too.
      if (typeof v !== 'string') fail(`${name}: metadata.${field}["${key}"] must be a string (quote it)`);
    }
  }
  const finalizers = metadata['finalizers'];
  if (
    finalizers !== undefined &&
    finalizers !== null &&
    (!Array.isArray(finalizers) || finalizers.some((f) => typeof f !== 'string'))
  ) {
    fail(`${name}: metadata.finalizers must be a list of strings`);
  }
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'string')
    return `the text ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`;
  return `a ${typeof value}`;
}
