// A large `kubectl get storyruns,stepruns,stories,transports -A -o json` List for the snapshot
// bench: the all-rules fixture's namespaced objects copied into N namespaces (`<ns>-c<i>`), its
// cluster-scoped Transports once, printed the way kubectl prints JSON (4-space indent). Each copy
// carries the fixture's 16 findings, so the bench can check that nothing was lost on the way.
import { createWriteStream, readFileSync } from 'node:fs';
import { join } from 'node:path';

const FIXTURE = join(import.meta.dirname, '..', '..', 'fixtures', 'all-rules', 'snapshot.json');
export const FINDINGS_PER_COPY = 16;

interface Item {
  kind: string;
  metadata: { namespace?: string } & Record<string, unknown>;
  spec?: Record<string, unknown>;
}

function indent(json: string, pad: string): string {
  return json.replace(/\n/g, `\n${pad}`);
}

/** Write the List to `path`, at least `targetBytes` long; returns how many copies it holds. */
export async function generateSnapshot(path: string, targetBytes: number): Promise<number> {
  const list = JSON.parse(readFileSync(FIXTURE, 'utf8')) as { items: Item[] };
  const clusterScoped = list.items.filter((i) => i.metadata.namespace === undefined);
  const namespaced = list.items.filter((i) => i.metadata.namespace !== undefined);
  const out = createWriteStream(path, { highWaterMark: 4 << 20 });
  const write = (s: string): Promise<void> =>
    out.write(s) ? Promise.resolve() : new Promise((r) => out.once('drain', () => r()));
  let bytes = 0;
  let first = true;
  const item = async (o: unknown): Promise<void> => {
    const text = `${first ? '' : ',\n'}        ${indent(JSON.stringify(o, null, 4), '        ')}`;
    first = false;
    bytes += text.length;
    await write(text);
  };
  await write('{\n    "apiVersion": "v1",\n    "items": [\n');
  for (const o of clusterScoped) await item(o);
  let copies = 0;
  while (bytes < targetBytes) {
    for (const o of namespaced) {
      const ns = `${o.metadata.namespace}-c${copies}`;
      const copy: Item = { ...o, metadata: { ...o.metadata, namespace: ns } };
      // A StepRun's storyRunRef may name its namespace; keep it pointing at the copy's run.
      const ref = (o.spec as { storyRunRef?: { namespace?: string } } | undefined)?.storyRunRef;
      if (ref?.namespace !== undefined)
        copy.spec = { ...o.spec, storyRunRef: { ...ref, namespace: `${ref.namespace}-c${copies}` } };
      await item(copy);
    }
    copies++;
  }
  await write('\n    ],\n    "kind": "List",\n    "metadata": {\n        "resourceVersion": ""\n    }\n}\n');
  await new Promise<void>((resolve, reject) => out.end((e?: Error | null) => (e ? reject(e) : resolve())));
  return copies;
}
