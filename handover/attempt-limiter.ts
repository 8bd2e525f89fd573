/**
 * Back-off for guessable secrets (issue 15, finding 4): reference checks and staff sign-in.
 * Each key (a reference, an address, an account, an account at an address) gets a few free
 * failures, then must wait a delay that doubles with each further failure, up to a cap. The
 * state is in memory, per process, keyed by what is guessed: never by the conversation, so
 * "start again" or a new chat does not reset it.
 */

export type BackoffOptions = {
  /** Attempts that may fail before the next one must wait. */
  free: number;
  /** The first wait; each further failure doubles it. */
  baseMs: number;
  maxMs: number;
  /** A key with no failure for this long is forgotten. */
  forgetAfterMs: number;
  clock?: () => number;
  /** At most this many keys are remembered (the oldest go first). */
  maxKeys?: number;
};

type Entry = { failures: number; lastAt: number; until: number };

/** Counts failures per key and says how long the key must wait before its next attempt. */
export class Backoff {
  private readonly entries = new Map<string, Entry>();
  private readonly clock: () => number;

  constructor(private readonly options: BackoffOptions) {
    this.clock = options.clock ?? Date.now;
  }

  /** Milliseconds before `key` may try again (0: now). */
  wait(key: string): number {
    const e = this.live(key);
    return e ? Math.max(0, e.until - this.clock()) : 0;
  }

  /** Records a failure; returns the wait it causes. */
  fail(key: string): number {
    const now = this.clock();
    const e = this.live(key) ?? { failures: 0, lastAt: now, until: 0 };
    e.failures += 1;
    e.lastAt = now;
    const over = e.failures - this.options.free + 1; // the free-th failure starts the first wait
    e.until = over > 0 ? now + Math.min(this.options.maxMs, this.options.baseMs * 2 ** Math.min(over - 1, 30)) : 0;
    this.entries.delete(key); // re-insert: the map stays in order of last failure
    this.entries.set(key, e);
    this.trim();
    return Math.max(0, e.until - now);
  }

  /** Forgets the key's failures (a right answer). */
  succeed(key: string): void {
    this.entries.delete(key);
  }

  /** Failures counted for the key (for tests and logs). */
  failures(key: string): number {
    return this.live(key)?.failures ?? 0;
  }

  private live(key: string): Entry | undefined {
    const e = this.entries.get(key);
    if (e && this.clock() - e.lastAt > this.options.forgetAfterMs && this.clock() >= e.until) {
      this.entries.delete(key);
      return undefined;
    }
    return e;
  }

  private trim(): void {
    const max = this.options.maxKeys ?? 100_000;
    for (const key of this.entries.keys()) {
      if (this.entries.size <= max) break;
      this.entries.delete(key);
    }
  }
}

/** Limits on "check my reference": per reference and per address, independent of the conversation. */
export class ReferenceCheckLimiter {
  readonly perReference: Backoff;
  readonly perAddress: Backoff;

  constructor(clock?: () => number) {
    this.perReference = new Backoff({ free: 5, baseMs: 60_000, maxMs: 3_600_000, forgetAfterMs: 24 * 3_600_000, clock });
    this.perAddress = new Backoff({ free: 10, baseMs: 30_000, maxMs: 3_600_000, forgetAfterMs: 3_600_000, clock });
  }

  /** Milliseconds before this address may check this reference (0: now). The flow calls this before checking. */
  wait(reference: string, address: string): number {
    return Math.max(this.perReference.wait(refKey(reference)), this.perAddress.wait(address));
  }

  /** Records the answer of a check that was made. */
  record(reference: string, address: string, matched: boolean): void {
    if (matched) this.perReference.succeed(refKey(reference));
    else {
      this.perReference.fail(refKey(reference));
      this.perAddress.fail(address);
    }
  }

  /** Runs `check` only when allowed, and records its answer; null (as for a wrong guess) while the caller must wait. */
  async checked<T>(reference: string, address: string, check: () => Promise<T | null> | T | null): Promise<T | null> {
    if (this.wait(reference, address) > 0) return null;
    const result = await check();
    this.record(reference, address, result !== null);
    return result;
  }
}

const refKey = (reference: string) => reference.trim().toUpperCase().replace(/[^A-Z0-9]/g, '').slice(0, 20);

/** A fixed number per window per key: the cap on immediate (safeguarding) handovers from one address. */
export class WindowCounter {
  private readonly hits = new Map<string, number[]>();

  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
    private readonly clock: () => number = Date.now,
  ) {}

  /** True (and counted) when the key is under its limit in the window. */
  take(key: string): boolean {
    const now = this.clock();
    const recent = (this.hits.get(key) ?? []).filter((t) => now - t < this.windowMs);
    if (recent.length >= this.limit) {
      this.hits.set(key, recent);
      return false;
    }
    recent.push(now);
    this.hits.delete(key);
    this.hits.set(key, recent);
    if (this.hits.size > 100_000) this.hits.delete(this.hits.keys().next().value!);
    return true;
  }
}
