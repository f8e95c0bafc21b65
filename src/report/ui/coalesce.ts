// At most one call per `gapMs`: the first request after a quiet spell runs on the next turn of the
// event loop, later ones are folded into one call when the gap has passed. A watch delivering a
// burst of updates then re-evaluates and renders a few times, not once per update.
export interface Coalesced {
  request(): void;
  cancel(): void;
}

export function coalesce(fn: () => void, gapMs: number, clock: () => number = Date.now): Coalesced {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let last = -Infinity;
  return {
    request() {
      if (timer !== undefined) return;
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
      if (timer !== undefined) clearTimeout(timer);
      timer = undefined;
    },
  };
}
