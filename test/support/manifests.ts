// Read the manifests storyctl ships (deploy/) the way kubectl would: every YAML document of a file,
// and a kustomization's `resources` in order. Tests load the shipped files, never a copy.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, parseAllDocuments } from 'yaml';

export const REPO_ROOT = join(import.meta.dirname, '..', '..');

export interface Manifest {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  [key: string]: unknown;
}

/** Every non-empty document of a YAML file. */
export function readManifests(file: string): Manifest[] {
  return parseAllDocuments(readFileSync(file, 'utf8'))
    .map((d) => d.toJS() as Manifest | null)
    .filter((m): m is Manifest => m !== null);
}

/** The kustomization file of a folder, under any of the names kustomize accepts. */
export function kustomizationFile(dir: string): string {
  const found = ['kustomization.yaml', 'kustomization.yml', 'Kustomization']
    .map((f) => join(dir, f))
    .find((f) => existsSync(f));
  if (!found) throw new Error(`${dir} has no kustomization file`);
  return found;
}

/** The objects a kustomization lists in `resources` (files only; no generators, no patches). */
export function kustomizationResources(dir: string): Manifest[] {
  const k = parse(readFileSync(kustomizationFile(dir), 'utf8')) as { resources?: string[] };
  return (k.resources ?? []).flatMap((f) => readManifests(join(dir, f)));
}

export function byKindAndName(manifests: readonly Manifest[], kind: string, name: string): Manifest {
  const m = manifests.find((x) => x.kind === kind && x.metadata.name === name);
  if (!m)
    throw new Error(
      `no ${kind} ${name} among ${manifests.map((x) => `${x.kind}/${x.metadata.name}`).join(', ')}`,
    );
  return m;
}
