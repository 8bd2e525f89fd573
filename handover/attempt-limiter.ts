/**
 * Back-off for guessable secrets (issue 15, finding 4): reference checks and staff sign-in.
 * Each key (a reference, an address, an account, an account at an address) gets a few free
 * failures, then must wait a delay that doubles with each further failure, up to a cap. The
 * state is keyed by what is guessed: never by the conversation, so "start again" or a new chat
 * does not reset it. It is in memory, per process (`Backoff`, `WindowCounter`), or, with
 * `DATABASE_URL`, shared by every instance in PostgreSQL (handover/pg/attempts.ts), behind the
 * async `Attempts` and `HitCounter` ports, so a guesser gains nothing by hopping instances.
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

export type Entry = { failures: number; lastAt: number; until: number };

/** An entry no longer counts: no failure for `forgetAfterMs`, and its wait is over. */
export const forgotten = (e: Entry, now: number, o: BackoffOptions) => now - e.lastAt > o.forgetAfterMs && now >= e.until;

/** The entry after one more failure at `now` (`e` undefined: the first). */
export function failedOnce(e: Entry | undefined, now: number, o: BackoffOptions): Entry {
  const failures = (e?.failures ?? 0) + 1;
  const over = failures - o.free + 1; // the free-th failure starts the first wait
  return { failures, lastAt: now, until: over > 0 ? now + Math.min(o.maxMs, o.baseMs * 2 ** Math.min(over - 1, 30)) : 0 };
}

/** Failure counts per key, wherever they are kept (memory or shared); all methods as `Backoff`'s. */
export interface Attempts {
  wait(key: string): Promise<number>;
  fail(key: string): Promise<number>;
  succeed(key: string): Promise<void>;
  failures(key: string): Promise<number>;
}

/** Makes the counts for one use (`name`: e.g. 'login-pair'); counts of different names never mix. */
export type AttemptsFactory = (name: string, options: BackoffOptions) => Attempts;

/** One process's counts (the default without DATABASE_URL). */
export const memoryAttempts: AttemptsFactory = (_name, options) => {
  const b = new Backoff(options);
  return { wait: async (k) => b.wait(k), fail: async (k) => b.fail(k), succeed: async (k) => b.succeed(k), failures: async (k) => b.failures(k) };
};

/** Takes one hit for a key when it is under its limit (see WindowCounter). */
/**
 * A fixed-window request counter shared by every instance (express-rate-limit's `Store`, by
 * shape, so the HTTP limits in app/ can use it without this folder importing express):
 * `init` gets the limiter's window; `increment` counts one request and says how many there
 * have been in the current window and when it ends.
 */
export interface RateWindowStore {
  init(options: { windowMs: number }): void;
  increment(key: string): Promise<{ totalHits: number; resetTime: Date | undefined }>;
  decrement(key: string): Promise<void>;
  resetKey(key: string): Promise<void>;
  /** Counts are shared: express-rate-limit must not assume this process saw every request. */
  readonly localKeys: false;
}

export interface HitCounter {
  take(key: string): boolean | Promise<boolean>;
}

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
    const e = failedOnce(this.live(key), now, this.options);
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
    if (e && forgotten(e, this.clock(), this.options)) {
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
  readonly perReference: Attempts;
  readonly perAddress: Attempts;

  /** `attempts`: where the counts are kept (default this process's memory; PostgreSQL: PgAttempts.backoff). */
  constructor(clock?: () => number, attempts: AttemptsFactory = memoryAttempts) {
    this.perReference = attempts('reference', { free: 5, baseMs: 60_000, maxMs: 3_600_000, forgetAfterMs: 24 * 3_600_000, clock });
    this.perAddress = attempts('reference-address', { free: 10, baseMs: 30_000, maxMs: 3_600_000, forgetAfterMs: 3_600_000, clock });
  }

  /** Milliseconds before this address may check this reference (0: now). The flow calls this before checking. */
  async wait(reference: string, address: string): Promise<number> {
    const [a, b] = await Promise.all([this.perReference.wait(refKey(reference)), this.perAddress.wait(address)]);
    return Math.max(a, b);
  }

  /** Records the answer of a check that was made. */
  async record(reference: string, address: string, matched: boolean): Promise<void> {
    if (matched) await this.perReference.succeed(refKey(reference));
    else await Promise.all([this.perReference.fail(refKey(reference)), this.perAddress.fail(address)]);
  }

  /** Runs `check` only when allowed, and records its answer; null (as for a wrong guess) while the caller must wait. */
  async checked<T>(reference: string, address: string, check: () => Promise<T | null> | T | null): Promise<T | null> {
    if ((await this.wait(reference, address)) > 0) return null;
    const result = await check();
    await this.record(reference, address, result !== null);
    return result;
  }
}

const refKey = (reference: string) => reference.trim().toUpperCase().replace(/[^A-Z0-9]/g, '').slice(0, 20);

/** A fixed number per window per key: the cap on immediate (safeguarding) handovers from one address. */
export class WindowCounter implements HitCounter {
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
