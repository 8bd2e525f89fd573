/** Teams channel links on PostgreSQL: one conversation reference per target (a json column), replaced when relinked. */
import type { ChannelLink, ChannelLinks } from '../ports/channel-links.js';
import type { PgTables } from './tables.js';

export class PgChannelLinks implements ChannelLinks {
  constructor(private readonly t: PgTables) {}

  async saveChannelReference(target: string, reference: unknown, now: Date): Promise<void> {
    const json = JSON.stringify(reference);
    if (json === undefined || json.length > 20_000) throw new Error('channel reference must be JSON of at most 20,000 characters');
    await this.t.query(
      `INSERT INTO teams_channels (target, reference_json, updated_at) VALUES ($1, $2, $3)
       ON CONFLICT (target) DO UPDATE SET reference_json = excluded.reference_json, updated_at = excluded.updated_at`,
      [target, json, now],
    );
  }

  async getChannelReference(target: string): Promise<unknown | null> {
    const [row] = await this.t.query<{ reference_json: unknown }>('SELECT reference_json FROM teams_channels WHERE target = $1', [target]);
    return row === undefined ? null : row.reference_json;
  }

  async listChannelReferences(): Promise<ChannelLink[]> {
    const rows = await this.t.query<{ target: string; reference_json: unknown; updated_at: Date }>(
      'SELECT target, reference_json, updated_at FROM teams_channels ORDER BY target COLLATE "C"',
    );
    return rows.map((r) => ({ target: r.target, reference: r.reference_json, updatedAt: r.updated_at }));
  }
}
