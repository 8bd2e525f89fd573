/**
 * The adapters keep the connector client botbuilder builds per turn (bot/reusing-auth.ts): the
 * same client for the same service URL turn after turn, another for another service URL, and
 * the kept client still sends (proactive messages through botbuilder, to a nock'ed channel).
 */
import nock from 'nock';
import { afterEach, describe, expect, it } from 'vitest';
import { createHttpAdapter, createInProcessAdapter, type InProcessAdapter } from '../bot/adapter.js';

type Activity = Parameters<InProcessAdapter['runTurn']>[0];
type TurnContext = Parameters<Parameters<InProcessAdapter['runTurn']>[1]>[0];

const activity = (serviceUrl: string, id: string): Activity =>
  ({
    type: 'message',
    channelId: 'webchat',
    serviceUrl,
    conversation: { id },
    from: { id: `user-${id}`, role: 'user' },
    recipient: { id: 'bot', role: 'bot' },
    text: 'hello',
  }) as Activity;

afterEach(() => nock.cleanAll());

describe('connector clients kept between turns', () => {
  it('gives every turn for one service URL the same client, and another service URL its own', async () => {
    const adapter = createInProcessAdapter();
    const seen: unknown[] = [];
    const logic = async (context: TurnContext) => {
      seen.push(context.turnState.get(adapter.ConnectorClientKey));
      await context.sendActivity('hi');
    };
    for (const [url, id] of [['https://one.example.test/', 'a'], ['https://one.example.test/', 'b'], ['https://two.example.test/', 'c']] as const) {
      expect(await adapter.runTurn(activity(url, id), logic)).toHaveLength(1);
    }
    expect(seen[0]).toBeTruthy();
    expect(seen[1]).toBe(seen[0]);
    expect(seen[2]).not.toBe(seen[0]);
  });

  it('sends proactive messages through the kept client, turn after turn', async () => {
    const adapter = createHttpAdapter({ MicrosoftAppType: 'MultiTenant', authenticated: false });
    const posted: string[] = [];
    nock('https://channel.example.test')
      .persist()
      .post(/\/v3\/conversations\/[^/]+\/activities/)
      .reply(200, (_uri, body) => (posted.push((body as { text: string }).text), { id: `sent-${posted.length}` }));
    const clients: unknown[] = [];
    for (const text of ['first', 'second']) {
      const reference = TurnContextReference(activity('https://channel.example.test/', 'proactive'));
      await adapter.continueConversationAsync('', reference, async (context) => {
        clients.push(context.turnState.get(adapter.ConnectorClientKey));
        await context.sendActivity(text);
      });
    }
    expect(posted).toEqual(['first', 'second']);
    expect(clients[1]).toBe(clients[0]);
  });
});

/** A conversation reference as botbuilder's TurnContext.getConversationReference gives it. */
function TurnContextReference(a: Activity) {
  return { channelId: a.channelId, serviceUrl: a.serviceUrl, conversation: a.conversation, user: a.from, bot: a.recipient, activityId: undefined };
}
