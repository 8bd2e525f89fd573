/**
 * Drives conversations through /api/messages with deliveryMode expectReplies, for the fault,
 * fuzz and observability tests: one activity builder, and the button values of a triage that
 * ends in a handover (a professional in Blandford, north locality, routine) and of the
 * consent and contact steps, exactly as the cards send them.
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

/** Posts one turn; returns the status and the replies as one string (cards included) for matching. */
export async function say(baseUrl: string, conversationId: string, turn: Turn | string): Promise<{ status: number; text: string; headers: Headers }> {
  const t = typeof turn === 'string' ? { text: turn } : turn;
  const res = await fetch(`${baseUrl}/api/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(activity(conversationId, t)),
  });
  return { status: res.status, text: await res.text(), headers: res.headers };
}

const answer = (step: string, option: string): Turn => ({ value: { action: 'triage-answer', step, option } });

/** Triage answers, in order, after "talk to a person" or "what should I do next". */
export const TRIAGE_TO_HANDOVER: Turn[] = [
  answer('requester', 'Professional'),
  { text: '7' },
  answer('setting', 'Mainstream school'),
  { text: 'Blandford' },
  answer('needs', 'Talking, understanding or getting on with others'),
  { value: { action: 'triage-answer', step: 'needs', done: true } },
  { text: 'several cycles of SEN support with speech therapy advice, needs exceed what school can do' },
  answer('senSupport', 'Yes, for 2 terms or more'),
  answer('externalAdvice', 'Yes'),
  answer('ehcp', 'No'),
  answer('diagnosis', 'Yes'),
  answer('safetyConcern', 'No'),
  { value: { action: 'triage-confirm' } },
];

/** Consent and contact details up to (not including) Send. */
export function contactSteps(contact: { name: string; email: string }): Turn[] {
  return [
    { value: { action: 'consent', agree: true } },
    { text: contact.name },
    { value: { action: 'handover-answer', method: 'email' } },
    { text: contact.email },
    { value: { action: 'handover-answer', time: 'Morning' } },
    { value: { action: 'handover-answer', skip: true } },
    { value: { action: 'handover-answer', transcript: false } },
  ];
}

export const SEND: Turn = { value: { action: 'handover-send' } };

export const REFERENCE = /DEAL-[0-9A-Z]{6}/;
