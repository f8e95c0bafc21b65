// A large snapshot's text is dead once its objects are read, but V8 collects it only at its next
// full collection, and the model, the rules and the report grow on top of it first: the bench's
// 200 MB `-o json` List peaked at ~3.8x the file, ~2.8x with one collection after the read. Node
// offers no collection without --expose-gc, which a launcher cannot pass once the process runs;
// V8's flag set at run time gives a fresh context the `gc` function, which is used once here.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/** Past this many objects read, a full collection (~0.1 s on 200 MB) pays for itself in peak RSS. */
export const LARGE_INPUT_OBJECTS = 20_000;

let collect: (() => void) | undefined;

/** Run one full garbage collection now (best effort: a V8 that refuses the flag is left alone). */
export function collectGarbage(): void {
  try {
    if (collect === undefined) {
      setFlagsFromString('--expose-gc');
      collect = runInNewContext('gc') as () => void;
    }
    collect();
  } catch {
    collect = () => undefined;
  }
}
