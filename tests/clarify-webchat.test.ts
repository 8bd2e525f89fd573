/**
 * Asking back in the web chat, through /api/messages: a near tie comes back as a question whose
 * buttons (suggested actions) carry each offered article, pressing one gives that article's card;
 * an answer search is not clearly sure of offers its runners-up first among the buttons.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { say } from './helpers/bot-turns.js';
import { startService, type TestService } from './helpers/service.js';

let service: TestService;
beforeAll(async () => {
  service = await startService();
});
afterAll(async () => {
  await service.stop();
});

type Action = { type: string; title: string; value?: { action?: string; id?: string } };
type Act = {
  type: string;
  text?: string;
  suggestedActions?: { actions: Action[] };
  channelData?: { deal?: { kind?: string; articles?: string[] } };
  attachments?: { content: { body: { text?: string; items?: { text?: string }[] }[] } }[];
};
const replies = (body: string) => (JSON.parse(body) as { activities: Act[] }).activities.filter((a) => a.type !== 'typing');
const cardTitle = (a: Act) => a.attachments?.[0]?.content.body[0]?.text ?? a.attachments?.[0]?.content.body[0]?.items?.[0]?.text;

describe('asking back in the web chat', () => {
  it('shows a near tie as a question with one button per offered article, and a press gives that article', async () => {
    const ask = await say(service.url, 'clarify-1', 'can i appeal my own ehcp at 17');
    expect(ask.status).toBe(200);
    const question = replies(ask.text).find((a) => a.channelData?.deal?.kind === 'clarify');
    expect(question, 'a clarify reply').toBeDefined();
    const offered = question!.channelData!.deal!.articles!;
    expect(offered.length).toBeGreaterThanOrEqual(2);
    expect(offered.length).toBeLessThanOrEqual(3);
    expect(offered).toContain('disagreements-and-appeals');
    const buttons = question!.suggestedActions!.actions.filter((a) => a.value?.action === 'show-article');
    expect(buttons.map((b) => b.value!.id)).toEqual(offered);
    expect(buttons.map((b) => b.title)).toEqual(offered.map((id) => service.kb.byId.get(id)!.title));

    const button = buttons.find((b) => b.value!.id === 'disagreements-and-appeals')!;
    const press = await say(service.url, 'clarify-1', { text: '', value: button.value! });
    const answer = replies(press.text);
    expect(answer.map(cardTitle)).toContain(service.kb.byId.get('disagreements-and-appeals')!.title);
    expect(answer.find((a) => a.channelData?.deal?.kind === 'answer')?.channelData?.deal?.articles).toEqual(['disagreements-and-appeals']);
  });

  it('offers the runners-up first among an unsure answer’s buttons, and a press gives that article', async () => {
    const ask = await say(service.url, 'clarify-2', 'how long does an ehcp take from asking');
    const card = replies(ask.text).find((a) => a.channelData?.deal?.kind === 'answer')!;
    expect(cardTitle(card)).toBe(service.kb.byId.get('ehcna-request')!.title);
    const first = card.suggestedActions!.actions[0]!;
    expect(first.title).toBe(`Or: ${service.kb.byId.get('ehcna-process')!.title}`);
    const press = await say(service.url, 'clarify-2', { text: '', value: first.value! });
    expect(replies(press.text).map(cardTitle)).toContain(service.kb.byId.get('ehcna-process')!.title);
  });

  it('offers no "Or:" buttons beside an answer search is sure of', async () => {
    const ask = await say(service.url, 'clarify-3', 'what is sendiass');
    const card = replies(ask.text).find((a) => a.channelData?.deal?.kind === 'answer')!;
    expect(cardTitle(card)).toBe(service.kb.byId.get('sendiass')!.title);
    expect(card.suggestedActions!.actions.some((a) => a.title.startsWith('Or: '))).toBe(false);
  });
});
