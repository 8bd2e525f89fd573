/**
 * One chat through the real /api/messages for the held-out "heard" tests: send a turn and get each reply's whole
 * JSON (cards included) with its channelData.deal, open a chat as web chat does, and read the step asked. One copy,
 * so each set's tests say only what they check.
 */
import type { Outcome } from '../../conversation/outcome.js';
import { activity, type Turn } from './bot-turns.js';
import { openChat } from './insight-chat.js';
import { afterAll, beforeAll, expect } from 'vitest';
import { startService, type TestService } from './service.js';

export type Sent = { text: string; deal?: Outcome };

export type DealChat = {
  send: (id: string, turn: Turn | string) => Promise<Sent[]>;
  open: () => Promise<string>;
};

/** `url`: read when called, so a service started in beforeAll is used. `prefix`: the conversation ids' start. */
export function dealChat(url: () => string, prefix: string): DealChat {
  let n = 0;
  return {
    async send(id, turn) {
      const body = activity(id, typeof turn === 'string' ? { text: turn } : turn);
      const res = await fetch(`${url()}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
      const parsed = (await res.json()) as { activities?: { channelData?: { deal?: Outcome } }[] };
      return (parsed.activities ?? []).map((a) => ({ text: JSON.stringify(a), deal: a.channelData?.deal }));
    },
    async open() {
      const id = `${prefix}-${++n}-${Date.now()}`;
      await openChat(url(), id);
      return id;
    },
  };
}

/** The step the last reply asks (channelData.deal.step). */
export const stepOf = (r: Sent[]) => r.map((x) => x.deal?.step).filter(Boolean).at(-1);
/** Every reply's JSON, joined, for matching words. */
export const all = (r: Sent[]) => r.map((x) => x.text).join('\n');

/** One fact of the summary card ("Age", "Where", "Who is asking"), as the family sees it. */
export function summaryFact(r: Sent[], title: string): string | undefined {
  for (const sent of r) {
    const activity = JSON.parse(sent.text) as { attachments?: { content?: { body?: { facts?: { title: string; value: string }[] }[] } }[] };
    for (const a of activity.attachments ?? []) for (const b of a.content?.body ?? []) for (const f of b.facts ?? []) if (f.title === title) return f.value;
  }
  return undefined;
}
/** The "Not sure / skip" button of a step, as the card sends it. */
export const skip = (step: string): Turn => ({ value: { action: 'triage-answer', step: step === 'age' ? 'childAge' : step === 'safety' ? 'safetyConcern' : step, skip: true } });

/**
 * A test file's own bot: started before its tests (a real server over HTTP, embedded storage in a
 * temporary folder), stopped after, and a chat over it. One copy of the set-up every "heard" file had.
 */
export function chatWithOwnService(prefix: string): DealChat {
  let service: TestService | undefined;
  beforeAll(async () => {
    service = await startService();
  });
  afterAll(async () => {
    await service?.stop();
  });
  return dealChat(() => service!.url, prefix);
}

/**
 * Skips each question the bot asks (a plain "no" at the safety question) until it asks `step`, at
 * most ten; the replies that ask it (or the last ones, when it never does).
 */
export async function skipTo(send: DealChat['send'], id: string, from: Sent[], step: string): Promise<Sent[]> {
  let last = from;
  for (let i = 0; i < 10 && stepOf(last) && stepOf(last) !== step; i++) last = await send(id, stepOf(last) === 'safety' ? 'no' : skip(stepOf(last)!));
  return last;
}

/**
 * Answers each question the bot asks with `answer(step)` until the summary, at most twelve: the steps asked, in order,
 * and the replies that show the summary (or the last ones). For tests of which questions are asked at all.
 */
export async function answerToSummary(send: DealChat['send'], id: string, from: Sent[], answer: (step: string) => Turn | string = () => 'not sure'): Promise<{ steps: string[]; summary: Sent[] }> {
  const steps: string[] = [];
  let replies = from;
  for (let i = 0; i < 12 && stepOf(replies) && stepOf(replies) !== 'confirm'; i++) {
    steps.push(stepOf(replies)!);
    replies = await send(id, answer(steps.at(-1)!));
  }
  return { steps, summary: replies };
}

/** In a new chat, tells `story`, starts the questions with `ask` and answers each with `answer(step)`: the summary's replies. */
export async function storyToSummary(chat: DealChat, story: string, answer: (step: string) => Turn | string, ask = 'what should I do now'): Promise<Sent[]> {
  const id = await chat.open();
  await chat.send(id, story);
  return (await answerToSummary(chat.send, id, await chat.send(id, ask), answer)).summary;
}

/**
 * Tells `story`, starts the questions with `ask`, and skips to `step`, which must then be asked: the replies that
 * ask it. For tests of what a family types at one particular question.
 */
export async function storyToStep(send: DealChat['send'], id: string, story: string, step: string, ask = 'what should I do next?'): Promise<Sent[]> {
  await send(id, story);
  const last = await skipTo(send, id, await send(id, ask), step);
  expect(stepOf(last)).toBe(step);
  return last;
}
