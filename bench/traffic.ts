/**
 * The load benchmark's traffic: scripted web chat sessions as real families use the bot.
 *
 * Every session is one new conversation of exactly SESSION_TURNS turns (autocannon keeps a
 * per-connection context only across one pass of its request list, so all sessions have the
 * same length). Half are questions only (varied SEND questions, some out of scope, a greeting,
 * a safety message), three in ten run guided triage with the button values the cards send,
 * and two in ten ask for a person: triage, consent, contact details and Send, which stores a
 * handover in SQLite. Each turn carries what a correct reply must contain, so the bench counts
 * wrong answers as errors, not just HTTP failures.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { activity } from './activity.js';

export type TurnSpec = {
  kind: 'question' | 'triage' | 'handover';
  text?: string;
  value?: Record<string, unknown>;
  /** A correct reply contains this (checked against the raw JSON body). */
  expect?: string | RegExp;
};

export const SESSION_TURNS = 24;

const jsonl = (name: string) =>
  readFileSync(fileURLToPath(new URL(`./data/${name}`, import.meta.url)), 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => (JSON.parse(l) as { q: string }).q);

const IN_SCOPE = jsonl('calibration-questions.jsonl');
const OUT_OF_SCOPE = jsonl('calibration-out-of-scope.jsonl');

let questionCounter = 0;
/** The next question: mostly SEND questions, one in six out of scope (an honest "not sure"). */
function question(): TurnSpec {
  const n = questionCounter++;
  const text = n % 6 === 5 ? OUT_OF_SCOPE[n % OUT_OF_SCOPE.length]! : IN_SCOPE[(n * 7) % IN_SCOPE.length]!;
  return { kind: 'question', text, expect: '"activities":[{' };
}

const answer = (step: string, option: string): TurnSpec => ({
  kind: 'triage',
  value: { action: 'triage-answer', step, option },
  expect: /"activities":\[\{(?![^]*didn't understand)/,
});
const typed = (text: string): TurnSpec => ({ kind: 'triage', text, expect: /"activities":\[\{(?![^]*didn't understand)/ });

/** Guided triage from the first question to the confirmed result. */
function triageSteps(who: 'Parent' | 'Professional', variant: number): TurnSpec[] {
  const [age, setting, place, need, concern, support, advice, ehcp, diagnosis] =
    variant === 0
      ? ['5 to 10', 'Mainstream school', 'Weymouth', 'Learning, reading, writing or maths', 'struggling with maths and writing, nothing in place', 'No, not yet', 'No', 'No', 'No']
      : ['7', 'Mainstream school', 'Blandford', 'Talking, understanding or getting on with others', 'several cycles of SEN support with speech therapy advice, needs exceed what school can do', 'Yes, for 2 terms or more', 'Yes', 'No', 'Yes'];
  return [
    answer('requester', who),
    age === '7' ? typed(age) : answer('childAge', age!),
    answer('setting', setting!),
    typed(place!),
    answer('needs', need!),
    { kind: 'triage', value: { action: 'triage-answer', step: 'needs', done: true }, expect: 'what is happening' },
    typed(concern!),
    answer('senSupport', support!),
    answer('externalAdvice', advice!),
    answer('ehcp', ehcp!),
    answer('diagnosis', diagnosis!),
    { ...answer('safetyConcern', 'No'), expect: 'Is this right?' },
  ];
}

function questionsOnly(): TurnSpec[] {
  const turns = Array.from({ length: SESSION_TURNS }, question);
  turns[0] = { kind: 'question', text: 'hello', expect: 'What would you like to know' };
  turns[12] = { kind: 'question', text: 'my daughter says she wants to hurt herself', expect: 'may not be safe' };
  return turns;
}

/** Opening questions for triage and handover sessions: none raises a safety flag, which would change the flow. */
const OPENERS = ['what is an ehcp', 'how do i get help for my child at school', 'what is SEN support', 'who can help me with a tribunal'];
const opener = (n: number): TurnSpec => ({ kind: 'question', text: OPENERS[n % OPENERS.length]!, expect: '"activities":[{' });

function triageSession(variant: number, n: number): TurnSpec[] {
  const turns: TurnSpec[] = [
    opener(n),
    { kind: 'triage', text: 'what should I do next', expect: 'who are you' },
    ...triageSteps('Parent', variant),
    { kind: 'triage', value: { action: 'triage-confirm' }, expect: 'What I suggest' },
  ];
  while (turns.length < SESSION_TURNS) turns.push(question());
  return turns;
}

function handoverSession(n: number): TurnSpec[] {
  const h = (value: Record<string, unknown> | string, expect: string | RegExp): TurnSpec =>
    typeof value === 'string' ? { kind: 'handover', text: value, expect } : { kind: 'handover', value, expect };
  const turns: TurnSpec[] = [
    opener(n),
    { kind: 'triage', text: 'talk to a person', expect: 'who are you' },
    ...triageSteps('Professional', 1),
    { kind: 'triage', value: { action: 'triage-confirm' }, expect: 'Yes, I agree' },
    h({ action: 'consent', agree: true }, 'What name should we use'),
    h('Sam Taylor', 'How would you like us to contact you'),
    h({ action: 'handover-answer', method: 'email' }, 'email address'),
    h('sam.taylor@example.org', 'good time'),
    h({ action: 'handover-answer', time: 'Morning' }, 'first name or initials'),
    h({ action: 'handover-answer', skip: true }, 'copy of this chat'),
    h({ action: 'handover-answer', transcript: false }, 'Please check before I send'),
    h({ action: 'handover-send' }, /DEAL-[0-9A-Z]{6}/),
  ];
  while (turns.length < SESSION_TURNS) turns.push(question());
  return turns;
}

/** Sessions in a fixed rotation: 5 question-only, 3 triage, 2 handover in every 10. */
const ROTATION = ['q', 't0', 'q', 'h', 'q', 't1', 'q', 't0', 'h', 'q'] as const;

export function sessionScript(n: number): TurnSpec[] {
  const kind = ROTATION[n % ROTATION.length]!;
  const turns = kind === 'q' ? questionsOnly() : kind === 'h' ? handoverSession(n) : triageSession(kind === 't0' ? 0 : 1, n);
  if (turns.length !== SESSION_TURNS) throw new Error(`session ${kind} has ${turns.length} turns, not ${SESSION_TURNS}`);
  return turns;
}

/** The Bot Framework activity for one turn, as Azure would post it, asking for the replies in the response. */
export function activityBody(conversationId: string, turnIndex: number, turn: TurnSpec): string {
  return JSON.stringify(activity(conversationId, turn, { id: `${conversationId}-${turnIndex}` }));
}

/** True when a reply body is what this turn should get (the echo bot only has to answer). */
export function replyOk(turn: TurnSpec, body: string, echo: boolean): boolean {
  if (echo) return body.includes('"activities":[{');
  if (body.includes('something went wrong on our side')) return false;
  if (!turn.expect) return true;
  return typeof turn.expect === 'string' ? body.includes(turn.expect) : turn.expect.test(body);
}
