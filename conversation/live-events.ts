/**
 * Live chat's events (the family's messages, the officer's, safety alerts, who joined and
 * left) and who hears them: the staff page's event stream, and the audit log.
 *
 * One instance keeps them in memory, as it always has. With several instances the family's
 * turn may run on one and the officer's page be served by another, so the events go through
 * a shared log (`SharedLiveEvents`: PostgreSQL with DATABASE_URL, handover/pg/live-events.ts):
 * it numbers them for the reference (so a page that reconnects to any instance resumes after
 * the last it had), keeps the recent ones, and tells the other instances. `onAny` (the audit
 * log, keeping the chat as a note) hears only this instance's own events, so each is
 * audited once; `subscribe` (a page) hears every instance's.
 */

export type LiveEvent = {
  kind: 'joined' | 'family' | 'staff' | 'alert' | 'left' | 'family-left';
  text: string;
  at: string;
  /** On 'left' and 'family-left': whose session ended and when it began (to keep or forget the chat). */
  session?: { email: string; since: string };
};

/** A published event with its number in that reference's sequence (a page resumes after the last it has). */
export type NumberedEvent = LiveEvent & { n: number };

/** The log shared by every instance. */
export interface SharedLiveEvents {
  /** Stores the event with the reference's next number and tells the other instances. */
  append(reference: string, event: LiveEvent): Promise<NumberedEvent>;
  /** The reference's recent events, oldest first. */
  history(reference: string): Promise<NumberedEvent[]>;
  forget(reference: string): Promise<void>;
  /** Events other instances appended. */
  subscribe(listener: (reference: string, event: NumberedEvent) => void): void;
}

/** How many lines of one chat are kept, and of how many chats (memory). */
const LINES = 100;
const CHATS = 500;

/** One reference's listeners and recent lines: in memory, or through a shared log. */
export class LiveNotifier {
  private readonly listeners = new Map<string, Set<(event: NumberedEvent) => void>>();
  private readonly recent = new Map<string, NumberedEvent[]>();
  private readonly counts = new Map<string, number>();
  private readonly everything = new Set<(reference: string, event: NumberedEvent) => void>();
  /** This instance's appends, in the order they were published. */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly shared?: SharedLiveEvents) {
    shared?.subscribe((reference, event) => this.deliver(reference, event));
  }

  subscribe(reference: string, listener: (event: NumberedEvent) => void): () => void {
    const set = this.listeners.get(reference) ?? new Set();
    set.add(listener);
    this.listeners.set(reference, set);
    return () => {
      set.delete(listener);
      if (set.size === 0) this.listeners.delete(reference);
    };
  }

  /** Every event published on this instance, of every reference (the audit log). */
  onAny(listener: (reference: string, event: NumberedEvent) => void): void {
    this.everything.add(listener);
  }

  /** Publishes at once in memory; through the shared log, in order, after it is stored (resolves then). */
  publish(reference: string, event: LiveEvent): Promise<void> {
    if (this.shared) {
      const shared = this.shared;
      const stored = this.queue.then(() => shared.append(reference, event)).then((numbered) => this.heard(reference, numbered));
      this.queue = stored.catch(() => undefined);
      return stored;
    }
    const n = this.counts.get(reference) ?? 0;
    this.counts.set(reference, n + 1);
    const numbered = { ...event, n };
    const lines = [...(this.recent.get(reference) ?? []), numbered].slice(-LINES);
    this.recent.delete(reference);
    this.recent.set(reference, lines); // newest last, so the oldest chat is the first to go
    if (this.recent.size > CHATS) this.recent.delete(this.recent.keys().next().value!);
    this.heard(reference, numbered);
    return Promise.resolve();
  }

  async history(reference: string): Promise<NumberedEvent[]> {
    return this.shared ? this.shared.history(reference) : (this.recent.get(reference) ?? []);
  }

  /** Drops a reference's lines (a session ended: the chat is kept only as a note, with consent). */
  async forget(reference: string): Promise<void> {
    this.recent.delete(reference);
    await this.shared?.forget(reference);
  }

  private heard(reference: string, event: NumberedEvent): void {
    for (const listener of this.everything) listener(reference, event);
    this.deliver(reference, event);
  }

  private deliver(reference: string, event: NumberedEvent): void {
    for (const listener of this.listeners.get(reference) ?? []) listener(event);
  }
}
