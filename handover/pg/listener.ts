/**
 * One PostgreSQL connection that `LISTEN`s for an instance, shared by the parts that hear
 * what other instances did (the embedded Direct Line's streams, live chat's staff pages), so
 * each instance holds one such connection however many channels it listens on.
 *
 * A lost connection is opened again (waiting longer each time, up to 10 s) and every
 * channel's `resync` is called: notifications sent meanwhile are gone, so each part catches
 * up from its tables.
 */
import pg from 'pg';

type Channel = { onPayload: (payload: string) => void; resync?: () => void };

/**
 * A notification's JSON payload, or null when it is not JSON (another program's NOTIFY on the
 * channel): every subscriber checks the fields it needs, and ignores what it cannot read.
 */
export function parseNotice<T>(payload: string): Partial<T> | null {
  try {
    const value = JSON.parse(payload) as unknown;
    return value !== null && typeof value === 'object' ? (value as Partial<T>) : null;
  } catch {
    return null;
  }
}

export class PgListener {
  private readonly channels = new Map<string, Channel>();
  private client: pg.Client | null = null;
  private started = false;
  private stopped = false;

  constructor(private readonly options: { connectionString: string; connectTimeoutMs?: number }) {}

  /** Listens on `channel` (a plain identifier) from the next connection on; starts the connection on first use. */
  on(channel: string, onPayload: (payload: string) => void, resync?: () => void): void {
    if (!/^[a-z_][a-z0-9_]{0,62}$/.test(channel)) throw new Error(`channel name "${channel}" must be lower-case letters, digits and _`);
    this.channels.set(channel, { onPayload, ...(resync ? { resync } : {}) });
    if (this.client) this.client.query(`LISTEN ${channel}`).catch(() => undefined);
    if (!this.started) {
      this.started = true;
      void this.connect();
    }
  }

  async close(): Promise<void> {
    this.stopped = true;
    const client = this.client;
    this.client = null;
    await client?.end().catch(() => undefined);
  }

  private async connect(delayMs = 0): Promise<void> {
    if (delayMs) await new Promise((resolve) => setTimeout(resolve, delayMs).unref());
    if (this.stopped) return;
    const client = new pg.Client({ connectionString: this.options.connectionString, connectionTimeoutMillis: this.options.connectTimeoutMs ?? 5000, application_name: 'deal-front-door' });
    let lost = false;
    const again = () => {
      if (lost) return;
      lost = true;
      if (this.client === client) this.client = null;
      client.end().catch(() => undefined);
      if (!this.stopped) void this.connect(Math.min(10_000, Math.max(500, delayMs * 2)));
    };
    client.on('error', again);
    client.on('end', again);
    client.on('notification', (message) => this.channels.get(message.channel)?.onPayload(message.payload ?? ''));
    try {
      await client.connect();
      for (const channel of this.channels.keys()) await client.query(`LISTEN ${channel}`);
    } catch {
      again();
      return;
    }
    if (this.stopped) return void client.end().catch(() => undefined);
    this.client = client;
    if (delayMs) for (const channel of this.channels.values()) channel.resync?.(); // a reconnection: anything may have been missed
  }
}
