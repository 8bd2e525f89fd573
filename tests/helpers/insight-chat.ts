/**
 * Chats through the real /api/messages (deliveryMode expectReplies), returning what each
 * reply meant (channelData.deal), for the insight tests: opening a chat as web chat does
 * (conversationUpdate, the greeting) and sending a turn.
 */
import type { Outcome } from '../../conversation/outcome.js';
import { activity, type Turn } from './bot-turns.js';

async function post(baseUrl: string, body: unknown): Promise<Outcome[]> {
  const res = await fetch(`${baseUrl}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  if (res.status >= 300) throw new Error(`/api/messages answered ${res.status}: ${await res.text()}`);
  const parsed = (await res.json()) as { activities?: { channelData?: { deal?: Outcome } }[] };
  return (parsed.activities ?? []).map((a) => a.channelData?.deal).filter((d): d is Outcome => d !== undefined);
}

/** Opens a chat: web chat's conversationUpdate with the person joining (the greeting). */
export function openChat(baseUrl: string, conversationId: string, channelId: 'webchat' | 'msteams' = 'webchat'): Promise<Outcome[]> {
  const base = activity(conversationId, {}, { channelId });
  const { text: _text, ...rest } = base;
  return post(baseUrl, {
    ...rest,
    type: 'conversationUpdate',
    membersAdded: channelId === 'msteams' ? [{ id: 'bot' }] : [{ id: `user-${conversationId}` }],
  });
}

/** Sends one turn; the outcomes of the replies. */
export function chat(baseUrl: string, conversationId: string, turn: Turn | string, channelId: 'webchat' | 'msteams' = 'webchat'): Promise<Outcome[]> {
  return post(baseUrl, activity(conversationId, typeof turn === 'string' ? { text: turn } : turn, { channelId }));
}
