/**
 * Where the embedded Direct Line (bot/directline.ts) keeps its conversations and activities,
 * behind a small port, so that one instance or several can serve the same web chat:
 *
 * - `MemoryDirectLineStore` (here): in process memory, as one `npm start` on SQLite has always
 *   done; transcripts are dropped after an idle time and never written to disk.
 * - `PgDirectLineStore` (bot/directline-pg-store.ts, with `DATABASE_URL`): in PostgreSQL, so a
 *   token from one instance works on another with the same watermarks, and a new activity
 *   reaches a WebSocket held by another instance through `LISTEN/NOTIFY`.
 *
 * The store assigns each stored activity its sequence number (the watermark is the next one)
 * and cuts a transcript, oldest first, to a count and a size. What happens on other instances
 * arrives through `subscribe`; an instance never hears its own events (it pushes them itself).
 */
import type { Activity } from 'botbuilder';

export type StoredConversation = { id: string; userId: string; /** The watermark: how many activities were ever stored. */ sequence: number };

export type ActivitySet = { activities: Partial<Activity>[]; watermark: string };

/** Limits on one conversation's transcript. */
export type TranscriptLimits = { maxActivities: number; maxBytes: number };

/** What another instance did to a conversation this instance may hold a stream for. */
export type DirectLineEvent =
  | { kind: 'stored'; conversationId: string }
  | { kind: 'live'; conversationId: string; activity: Partial<Activity> }
  | { kind: 'opened'; conversationId: string }
  /** Events may have been missed (the listening connection was lost): catch every stream up. */
  | { kind: 'resync' };

export interface DirectLineStore {
  /** Resolves when the store is usable (PostgreSQL: connected and migrated). */
  readonly ready: Promise<void>;
  create(id: string, userId: string, now: number): Promise<void>;
  /** The conversation, and marks it active; null when it does not exist (or was dropped). */
  get(id: string, now: number): Promise<StoredConversation | null>;
  /** True exactly once per conversation, while nothing is stored yet: who sends the welcome. */
  claimStart(id: string): Promise<boolean>;
  /** Stores an activity with the next sequence number, which `makeId` turns into its id; null when the conversation is gone. */
  append(id: string, build: (sequence: number) => Partial<Activity>, now: number, limits: TranscriptLimits): Promise<{ activity: Partial<Activity>; watermark: number } | null>;
  /** Stored activities from sequence `watermark` on, and the current watermark; null when the conversation is gone. */
  after(id: string, watermark: number): Promise<ActivitySet | null>;
  /** Tells the other instances (none in memory). */
  publish(event: DirectLineEvent): void;
  subscribe(listener: (event: DirectLineEvent) => void): void;
  /** Marks conversations active (those with a stream open here, so that no instance drops them). */
  touch(ids: readonly string[], now: number): Promise<void>;
  /** Marks streams as open on this instance until `until` (ms since the epoch); renewed on every keep-alive. */
  holdStreams(ids: readonly string[], until: number): Promise<void>;
  /** This instance's stream for the conversation closed (another instance's newer one is left as it is). */
  releaseStream(id: string): Promise<void>;
  /** Whether any instance holds an open stream for the conversation (memory: none but this one, which the Direct Line knows itself). */
  streamOpen(id: string, now: number): Promise<boolean>;
  /** Drops conversations idle since before `cutoff` (and, in memory, the oldest beyond `max`), except those in `keep`; returns the ids dropped. */
  evict(cutoff: number, max: number, keep: ReadonlySet<string>): Promise<string[]>;
  /** Conversations held (in memory: exactly; PostgreSQL: those this instance created or read). */
  readonly size: number;
  close(): Promise<void>;
}

export const sizeOf = (activity: Partial<Activity>) => Buffer.byteLength(JSON.stringify(activity) ?? '', 'utf8');

type Held = StoredConversation & { activities: Partial<Activity>[]; bytes: number; lastActive: number; started: boolean };

/** One process's conversations, in a Map (insertion order: the oldest first for the cap). */
export class MemoryDirectLineStore implements DirectLineStore {
  readonly ready = Promise.resolve();
  private readonly conversations = new Map<string, Held>();

  get size(): number {
    return this.conversations.size;
  }

  async create(id: string, userId: string, now: number): Promise<void> {
    this.conversations.set(id, { id, userId, sequence: 0, activities: [], bytes: 0, lastActive: now, started: false });
  }

  async get(id: string, now: number): Promise<StoredConversation | null> {
    const c = this.conversations.get(id);
    if (!c) return null;
    c.lastActive = now;
    return { id: c.id, userId: c.userId, sequence: c.sequence };
  }

  async claimStart(id: string): Promise<boolean> {
    const c = this.conversations.get(id);
    if (!c || c.started || c.sequence > 0) return false;
    c.started = true;
    return true;
  }

  async append(id: string, build: (sequence: number) => Partial<Activity>, now: number, limits: TranscriptLimits) {
    const c = this.conversations.get(id);
    if (!c) return null;
    const stored = build(c.sequence++);
    c.lastActive = now;
    c.activities.push(stored);
    c.bytes += sizeOf(stored);
    while (c.activities.length > 1 && (c.activities.length > limits.maxActivities || c.bytes > limits.maxBytes)) c.bytes -= sizeOf(c.activities.shift()!);
    return { activity: stored, watermark: c.sequence };
  }

  async after(id: string, watermark: number): Promise<ActivitySet | null> {
    const c = this.conversations.get(id);
    if (!c) return null;
    const first = c.sequence - c.activities.length;
    return { activities: c.activities.slice(Math.max(0, watermark - first)), watermark: String(c.sequence) };
  }

  publish(): void {}

  subscribe(): void {}

  async touch(ids: readonly string[], now: number): Promise<void> {
    for (const id of ids) {
      const c = this.conversations.get(id);
      if (c) c.lastActive = now;
    }
  }

  async holdStreams(): Promise<void> {}

  async releaseStream(): Promise<void> {}

  async streamOpen(): Promise<boolean> {
    return false;
  }

  async evict(cutoff: number, max: number, keep: ReadonlySet<string>): Promise<string[]> {
    const dropped: string[] = [];
    for (const [id, c] of this.conversations) {
      if (c.lastActive < cutoff && !keep.has(id)) dropped.push(id);
    }
    dropped.forEach((id) => this.conversations.delete(id));
    for (const id of this.conversations.keys()) {
      if (this.conversations.size < max) break;
      this.conversations.delete(id);
      dropped.push(id);
    }
    return dropped;
  }

  async close(): Promise<void> {}
}
