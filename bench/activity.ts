/**
 * One Bot Framework message activity as web chat would send it to /api/messages with
 * deliveryMode expectReplies: the builder the load bench and the HTTP tests share.
 */
export type Turn = { text?: string; value?: Record<string, unknown> };

export function activity(conversationId: string, turn: Turn, extra: Record<string, unknown> = {}) {
  return {
    type: 'message',
    id: `${conversationId}-${Math.random().toString(36).slice(2)}`,
    channelId: 'webchat',
    serviceUrl: 'http://127.0.0.1:9/',
    conversation: { id: conversationId },
    from: { id: `user-${conversationId}`, role: 'user' },
    recipient: { id: 'bot', role: 'bot' },
    deliveryMode: 'expectReplies',
    text: turn.text ?? '',
    ...(turn.value ? { value: turn.value } : {}),
    ...extra,
  };
}

