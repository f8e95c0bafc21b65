// At most one call per `gapMs`: the first request after a quiet spell runs as soon as the current
// task ends (a microtask: the events delivered together are one call, before any timer), later
// ones are folded into one call when the gap has passed. A watch delivering a burst of updates then
// re-evaluates and renders a few times, not once per update.
export interface Coalesced {
  request(): void;
  cancel(): void;
}

export function coalesce(fn: () => void, gapMs: number, clock: () => number = Date.now): Coalesced {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let last = -Infinity;
  let queued = false;
  return {
    request() {
      if (timer !== undefined || queued) return;
      if (clock() - last >= gapMs) {
        queued = true;
        queueMicrotask(() => {
          if (!queued) return;
          queued = false;
          last = clock();
          fn();
        });
        return;
      }
      timer = setTimeout(
        () => {
          timer = undefined;
          last = clock();
          fn();
        },
        Math.max(0, last + gapMs - clock()),
      );
    },
    cancel() {
      queued = false;
      if (timer !== undefined) clearTimeout(timer);
      timer = undefined;
    },
  };
}
