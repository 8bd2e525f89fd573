/**
 * Sends queued notifications (outbox rows), e.g. Teams cards for new handovers.
 *
 * A small loop: claim the due rows (each with a lease so that two workers, or two processes,
 * never send the same row at once), call the injected `send(row)` with a timeout, then mark
 * the row delivered, or failed with a retry time (exponential backoff with jitter, capped).
 * All state lives in the store, so a restarted worker carries on where the last one stopped;
 * a row whose worker died is taken again once its lease runs out.
 *
 * Delivery is at least once: if `send` succeeds but the process dies before the row is
 * marked, or `send` finishes after its timeout, the notification can be sent twice. The
 * payload carries the handover reference so a receiver can tell.
 *
 * Logs carry only ids, counts and error messages, never payload contents.
 */
import type { NotificationOutbox, OutboxRow } from './store.js';

export interface Backoff {
  /** Delay after the first failure (default 5 s). */
  baseMs: number;
  /** Longest delay (default 1 hour). */
  maxMs: number;
}

export const DEFAULT_BACKOFF: Backoff = { baseMs: 5_000, maxMs: 60 * 60_000 };

/**
 * Delay before the next attempt after `attempts` attempts have failed: base × 2^(attempts-1),
 * capped at `maxMs`, then "equal jitter" (between half and all of it) so that many failing
 * rows do not retry in step. `random` returns [0, 1).
 */
export function backoffDelay(attempts: number, backoff: Backoff = DEFAULT_BACKOFF, random: () => number = Math.random): number {
  const exponent = Math.min(Math.max(attempts, 1) - 1, 30);
  const capped = Math.min(backoff.maxMs, backoff.baseMs * 2 ** exponent);
  return Math.round(capped / 2 + (capped / 2) * random());
}

export interface WorkerLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export interface OutboxWorkerOptions {
  store: NotificationOutbox;
  /** Delivers one notification; rejects (or times out) to have it retried later. */
  send: (row: OutboxRow) => Promise<void>;
  clock?: () => Date;
  /** Time between polls when idle (default 2 s). */
  pollIntervalMs?: number;
  /** Rows claimed per round, sent in parallel (default 10). */
  batchSize?: number;
  /** A `send` taking longer than this counts as failed (default 15 s). */
  sendTimeoutMs?: number;
  /** Lease per claimed row (default: send timeout + 30 s). Must exceed the send timeout. */
  leaseMs?: number;
  backoff?: Backoff;
  random?: () => number;
  logger?: WorkerLogger;
}

export interface RoundResult {
  claimed: number;
  delivered: number;
  failed: number;
}

class SendTimeout extends Error {}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new SendTimeout(`send timed out after ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

export class OutboxWorker {
  private readonly clock: () => Date;
  private readonly pollIntervalMs: number;
  private readonly batchSize: number;
  private readonly sendTimeoutMs: number;
  private readonly leaseMs: number;
  private readonly backoff: Backoff;
  private readonly random: () => number;
  private running = false;
  private timer: NodeJS.Timeout | undefined;
  private current: Promise<void> | undefined;

  constructor(private readonly options: OutboxWorkerOptions) {
    this.clock = options.clock ?? (() => new Date());
    this.pollIntervalMs = options.pollIntervalMs ?? 2_000;
    this.batchSize = options.batchSize ?? 10;
    this.sendTimeoutMs = options.sendTimeoutMs ?? 15_000;
    this.leaseMs = options.leaseMs ?? this.sendTimeoutMs + 30_000;
    this.backoff = options.backoff ?? DEFAULT_BACKOFF;
    this.random = options.random ?? Math.random;
    if (this.leaseMs <= this.sendTimeoutMs) throw new Error('outbox worker: leaseMs must be longer than sendTimeoutMs');
  }

  get isRunning(): boolean {
    return this.running;
  }

  /** One round: claim due rows, send them, record the results. */
  async runOnce(): Promise<RoundResult> {
    const rows = await this.options.store.claimDueNotifications(this.clock(), this.batchSize, this.leaseMs);
    const results = await Promise.all(rows.map((row) => this.deliver(row)));
    return {
      claimed: rows.length,
      delivered: results.filter((ok) => ok).length,
      failed: results.filter((ok) => !ok).length,
    };
  }

  private async deliver(row: OutboxRow): Promise<boolean> {
    const { store, logger } = this.options;
    try {
      await withTimeout(Promise.resolve().then(() => this.options.send(row)), this.sendTimeoutMs);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      const next = new Date(this.clock().getTime() + backoffDelay(row.attempts, this.backoff, this.random));
      try {
        await store.markFailed(row.id, row.lease ?? '', message, next);
      } catch (markError) {
        // The lease will expire and the row will be retried.
        logger?.error({ outboxId: row.id, err: String(markError) }, 'outbox: could not record a failed send');
      }
      logger?.warn({ outboxId: row.id, reference: row.reference, attempts: row.attempts, nextAttemptAt: next.toISOString(), error: message.slice(0, 200) }, 'outbox: send failed');
      return false;
    }
    try {
      await store.markDelivered(row.id, this.clock());
    } catch (markError) {
      logger?.error({ outboxId: row.id, err: String(markError) }, 'outbox: sent but could not mark delivered; it may be sent again');
      return false;
    }
    logger?.info({ outboxId: row.id, reference: row.reference, kind: row.kind, target: row.target }, 'outbox: delivered');
    return true;
  }

  /** Starts polling. Calling it twice has no further effect. */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.schedule(0);
  }

  /** Runs a round as soon as possible (e.g. right after a handover was created). */
  wake(): void {
    if (!this.running || this.current) return;
    this.schedule(0);
  }

  private schedule(delayMs: number): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.current = this.loop().finally(() => {
        this.current = undefined;
      });
    }, delayMs);
    this.timer.unref();
  }

  private async loop(): Promise<void> {
    let full = false;
    try {
      const result = await this.runOnce();
      full = result.claimed >= this.batchSize;
    } catch (error) {
      this.options.logger?.error({ err: error instanceof Error ? error.message : String(error) }, 'outbox: round failed');
    }
    if (this.running) this.schedule(full ? 0 : this.pollIntervalMs);
  }

  /** Stops polling and waits for the round in progress to finish. */
  async stop(): Promise<void> {
    this.running = false;
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.current;
  }
}
