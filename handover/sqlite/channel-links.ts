/** Teams channel links on SQLite: one conversation reference per target, replaced when relinked. */
import type { ChannelLink, ChannelLinks } from '../ports/channel-links.js';
import type { SqliteTables } from './tables.js';

export class SqliteChannelLinks implements ChannelLinks {
  constructor(private readonly t: SqliteTables) {}

  async saveChannelReference(target: string, reference: unknown, now: Date): Promise<void> {
    const json = JSON.stringify(reference);
    if (json === undefined || json.length > 20_000) throw new Error('channel reference must be JSON of at most 20,000 characters');
    this.t.write(() =>
      this.t.db
        .prepare(
          `INSERT INTO teams_channels (target, reference_json, updated_at) VALUES (?, ?, ?)
           ON CONFLICT (target) DO UPDATE SET reference_json = excluded.reference_json, updated_at = excluded.updated_at`,
        )
        .run(target, json, now.getTime()),
    );
  }

  async getChannelReference(target: string): Promise<unknown | null> {
    const json = this.t.db.prepare('SELECT reference_json FROM teams_channels WHERE target = ?').pluck().get(target) as string | undefined;
    return json === undefined ? null : (JSON.parse(json) as unknown);
  }

  async listChannelReferences(): Promise<ChannelLink[]> {
    const rows = this.t.db.prepare('SELECT target, reference_json, updated_at FROM teams_channels ORDER BY target').all() as {
      target: string;
      reference_json: string;
      updated_at: number;
    }[];
    return rows.map((r) => ({ target: r.target, reference: JSON.parse(r.reference_json) as unknown, updatedAt: new Date(r.updated_at) }));
  }
}
