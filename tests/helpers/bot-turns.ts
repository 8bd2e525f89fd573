/**
 * Drives conversations through /api/messages with deliveryMode expectReplies, for the fault,
 * fuzz and observability tests: one activity builder, and the button values of a triage that
 * ends in a handover (a professional in Blandford, north locality, routine) and of the
 * consent and contact steps, exactly as the cards send them.
 */
import { activity, type Turn } from '../../bench/activity.js';

export { activity, type Turn };

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

/**
 * Triage answers by question (channelData.deal.step), as the cards and a family send them: a
 * professional in Blandford (north locality) whose case gets a handover. Triage asks only what
 * it is missing, in its own order, so answers are looked up by the question asked.
 */
export const TRIAGE_ANSWERS: Record<string, Turn> = {
  requester: answer('requester', 'Professional'),
  age: { text: '7' },
  setting: answer('setting', 'Mainstream school'),
  place: { text: 'Blandford' },
  needs: answer('needs', 'Talking, understanding or getting on with others'),
  concern: { text: 'several cycles of SEN support with speech therapy advice, needs exceed what school can do' },
  senSupport: answer('senSupport', 'Yes, for 2 terms or more'),
  externalAdvice: answer('externalAdvice', 'Yes'),
  ehcp: answer('ehcp', 'No'),
  diagnosis: answer('diagnosis', 'Yes'),
  safety: answer('safetyConcern', 'No'),
  confirm: { value: { action: 'triage-confirm' } },
};

/** The question the replies in a posted turn's body ask (channelData.deal.step), if any. */
export function stepOf(body: string): string | undefined {
  try {
    const activities = (JSON.parse(body) as { activities?: { channelData?: { deal?: { step?: string } } }[] }).activities ?? [];
    return [...activities].reverse().map((a) => a.channelData?.deal?.step).find(Boolean);
  } catch {
    return undefined;
  }
}

/**
 * Starts triage and answers whatever is asked from `answers` (by step) until the result;
 * returns every posted turn's status and text. A question with no answer given is skipped.
 */
export async function triageToResult(
  baseUrl: string,
  conversationId: string,
  answers: Record<string, Turn> = TRIAGE_ANSWERS,
  opening: Turn = { text: 'what should I do next' },
): Promise<{ status: number; text: string }[]> {
  const posted = [await say(baseUrl, conversationId, opening)];
  for (let i = 0; i < 16; i++) {
    const step = stepOf(posted[posted.length - 1]!.text);
    if (!step) break;
    posted.push(await say(baseUrl, conversationId, answers[step] ?? { text: 'skip' }));
    if (step === 'confirm') break;
  }
  return posted;
}

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
