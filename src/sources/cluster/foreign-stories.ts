// A run may name a Story in another namespace (`spec.storyRef.namespace`). Scanning one namespace
// does not list that Story, yet the cancel window depends on it (CONTROLLER.md section 7), so it
// is read by name: otherwise `doctor -n` and `doctor -A` could disagree about the same run.
import type { CustomObjectsApi } from '@kubernetes/client-node';
import type { Story, StoryRun } from '../../model/kube.js';
import { HttpStatusError, type ApiCaller } from './caller.js';
import { RESOURCES } from './resources.js';

/** More would be a scan of its own; the rules say when a Story was not found. */
const MAX_FOREIGN_STORIES = 50;

export async function fetchForeignStories(
  caller: ApiCaller,
  api: CustomObjectsApi,
  runs: readonly StoryRun[],
  listed: readonly Story[],
): Promise<Story[]> {
  const have = new Set(listed.map((s) => `${s.metadata.namespace ?? 'default'}/${s.metadata.name}`));
  const wanted = new Map<string, { namespace: string; name: string }>();
  for (const run of runs) {
    const ref = run.spec?.storyRef;
    if (!ref?.name || !ref.namespace || ref.namespace === run.metadata.namespace) continue;
    const key = `${ref.namespace}/${ref.name}`;
    if (!have.has(key)) wanted.set(key, { namespace: ref.namespace, name: ref.name });
  }
  const r = RESOURCES.stories;
  const found = await Promise.all(
    [...wanted.values()].slice(0, MAX_FOREIGN_STORIES).map(async ({ namespace, name }) => {
      try {
        return (await caller.call(`get story ${namespace}/${name}`, (opts) =>
          api.getNamespacedCustomObject(
            { group: r.group, version: r.version, plural: r.plural, namespace, name },
            opts,
          ),
        )) as Story;
      } catch (error) {
        // Missing or forbidden: the run is judged without its Story, as the controller would without it.
        if (error instanceof HttpStatusError && (error.code === 404 || error.code === 403)) return undefined;
        throw error;
      }
    }),
  );
  return found.filter((s): s is Story => s !== undefined && typeof s.metadata?.name === 'string');
}
