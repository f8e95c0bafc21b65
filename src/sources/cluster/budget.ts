// The time a command may spend on API calls: `--request-timeout` for the whole command, not per
// request. The clock runs while at least one call is in flight (attempts and the waits between
// them, however many run in parallel) and stops between calls, so a confirmation prompt or a
// `--wait` poll interval is not charged; before the first call it runs from `countFrom` (the
// process start), so Node's start-up is part of the budget too.
export class Budget {
  private spentMs = 0;
  private busySince: number | undefined;
  private inFlight = 0;
  private countFrom: number | undefined;

  constructor(
    readonly totalMs: number,
    countFrom?: number,
    private readonly now: () => number = Date.now,
  ) {
    // Whole milliseconds: timers reject fractional delays (performance.timeOrigin has a fraction).
    this.countFrom = countFrom === undefined ? undefined : Math.floor(countFrom);
  }

  enter(): void {
    if (this.inFlight++ > 0) return;
    const now = this.now();
    this.busySince = this.countFrom !== undefined ? Math.min(this.countFrom, now) : now;
    this.countFrom = undefined;
  }

  leave(): void {
    if (this.inFlight === 0 || --this.inFlight > 0) return;
    this.spentMs += this.now() - (this.busySince ?? this.now());
    this.busySince = undefined;
  }

  usedMs(): number {
    return this.spentMs + (this.busySince === undefined ? 0 : this.now() - this.busySince);
  }

  leftMs(): number {
    return this.totalMs - this.usedMs();
  }
}
