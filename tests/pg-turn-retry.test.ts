/**
 * A turn whose conversation state lost an eTag race on PostgreSQL runs again on the state the
 * other instance saved (bot/turn-retry.ts, bot/pg-state-storage.ts), and the family sees the
 * retried turn's reply once, never the lost attempt's. The bot's web chat turn on PgStorage, run by
 * the in-process adapter as the embedded Direct Line runs it; the "other instance" is
 * a second PgStorage on the same schema that saves between this turn's read and its write,
 * on a conversation's first turn too (a write without an eTag only creates).
 * Skipped, with a message, when PG_TEST_URL is not set.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { createInProcessAdapter, type InProcessAdapter } from '../bot/adapter.js';
import { createBot } from '../bot/app.js';
import type { FrontDoor } from '../conversation/front-door.js';
import { readConversation, type ConversationData } from '../conversation/state.js';
import { PgStorage } from '../bot/pg-state-storage.js';
import { TURN_ATTEMPTS } from '../bot/turn-retry.js';
import { dropSchema, PG_TEST_URL, testSchema } from './helpers/pg.js';

type Activity = Parameters<InProcessAdapter['runTurn']>[0];

describe.skipIf(!PG_TEST_URL)('a turn that lost an eTag race on PostgreSQL', () => {
  const schema = testSchema('retry');
  const mine = PG_TEST_URL ? new PgStorage({ connectionString: PG_TEST_URL, schema }) : null;
  const theirs = PG_TEST_URL ? new PgStorage({ connectionString: PG_TEST_URL, schema }) : null;
  afterAll(async () => {
    await Promise.all([mine?.close(), theirs?.close()]);
    await dropSchema(schema);
  });

  /**
   * The bot's web chat turn (bot/app.ts: one read, the front door, one write) with a front door that
   * counts messages in the conversation state (in `triage.childAge`, a number the state keeps);
   * `meanwhile` runs between the turn's read and its write.
   */
  function bot(meanwhile: (key: string) => Promise<void>) {
    const adapter = createInProcessAdapter();
    let attempts = 0;
    const frontDoor = {
      handle: async (turn: { text: string }, data: ConversationData) => {
        attempts++;
        const count = (data.triage.childAge ?? 0) + 1;
        data.triage.childAge = count;
        await meanwhile(`webchat/deal-front-door/conversations/${current}`);
        return [{ kind: 'text', text: `count ${count}` }];
      },
      welcome: () => [],
    } as unknown as FrontDoor;
    let current = '';
    const app = createBot({ frontDoor, storage: mine!, adapter });
    const turn = async (conversation: string) => {
      current = conversation;
      const sent: { type?: string; text?: string }[] = [];
      const activity = { type: 'message', id: `m${Math.random()}`, text: 'hello', channelId: 'webchat', serviceUrl: 'http://localhost', conversation: { id: conversation }, from: { id: 'web_family' }, recipient: { id: 'deal-front-door' } } as Activity;
      try {
        return { sent, returned: await adapter.runTurn(activity, (c) => app.run(c), (a) => sent.push(a)), error: null };
      } catch (error) {
        return { sent, returned: [], error: error as Error };
      }
    };
    return { turn, attempts: () => attempts };
  }

  /** Another instance's turn of the same conversation: it reads after us and saves before us. */
  const otherInstanceSaves = async (key: string) => {
    const items = await theirs!.read([key]);
    const stored = (items[key] ?? {}) as { deal?: ConversationData; eTag?: string };
    const deal = stored.deal ?? readConversation(undefined);
    await theirs!.write({ [key]: { ...stored, deal: { ...deal, triage: { ...deal.triage, childAge: (deal.triage.childAge ?? 0) + 10 } } } });
  };

  it('runs the turn again on the saved state and sends only that attempt\'s reply', async () => {
    let interfere = false;
    const b = bot(async (key) => {
      if (!interfere) return;
      interfere = false;
      await otherInstanceSaves(key);
    });
    expect((await b.turn('race')).sent.filter((a) => a.type === 'message').map((a) => a.text)).toEqual(['count 1']);
    interfere = true;
    const { sent, returned } = await b.turn('race');
    expect(b.attempts()).toBe(3); // one for the first turn, two for the second
    // The lost attempt said "count 2"; the retry saw the other instance's 11 and said 12, once.
    expect(sent.filter((a) => a.type === 'message').map((a) => a.text)).toEqual(['count 12']);
    expect(returned.filter((a) => a.type === 'message').map((a) => a.text)).toEqual(['count 12']);
    expect(sent.filter((a) => a.type === 'typing').length).toBeGreaterThanOrEqual(1);
    const saved = await mine!.read(['webchat/deal-front-door/conversations/race']);
    expect((saved['webchat/deal-front-door/conversations/race'] as { deal: ConversationData }).deal.triage.childAge).toBe(12);
  });

  it('races on the first turn of a brand-new conversation too: its write only creates, so it runs again', async () => {
    let interfere = true;
    const b = bot(async (key) => {
      if (!interfere) return;
      interfere = false;
      await otherInstanceSaves(key); // the other instance's first turn creates the state first
    });
    const { sent, error } = await b.turn('brand-new');
    expect(error).toBeNull();
    expect(b.attempts()).toBe(2);
    // The lost attempt said "count 1" on an empty state; the retry saw the other instance's 10.
    expect(sent.filter((a) => a.type === 'message').map((a) => a.text)).toEqual(['count 11']);
    const saved = await mine!.read(['webchat/deal-front-door/conversations/brand-new']);
    expect((saved['webchat/deal-front-door/conversations/brand-new'] as { deal: ConversationData }).deal.triage.childAge).toBe(11);
  });

  it(`gives up after ${TURN_ATTEMPTS} lost races, and sends none of the lost attempts' replies`, async () => {
    const b = bot(otherInstanceSaves);
    const { sent, error } = await b.turn('always'); // every attempt loses, the first (create-only) ones too
    expect(error?.name).toBe('StorageConflictError');
    expect(b.attempts()).toBe(TURN_ATTEMPTS);
    expect(sent.filter((a) => a.type === 'message' && /^count/.test(a.text ?? ''))).toEqual([]);
  });
});
