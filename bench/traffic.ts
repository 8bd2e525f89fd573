/**
 * The load benchmark's traffic: scripted web chat sessions as real families use the bot.
 *
 * Every session is one new conversation of exactly SESSION_TURNS turns (autocannon keeps a
 * per-connection context only across one pass of its request list, so all sessions have the
 * same length). Half are questions only (varied SEND questions, some out of scope, a greeting,
 * a safety message), three in ten run guided triage with the button values the cards send,
 * and two in ten ask for a person: triage, consent, contact details and Send, which stores a
 * handover in SQLite. No two question texts are alike (see `distinct`). Each turn carries what a correct reply must contain, so the bench counts
 * wrong answers as errors, not just HTTP failures.
 */
import { readdirSync, readFileSync } from 'node:fs';
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

const DATA_DIR = new URL('./data/', import.meta.url);
const jsonl = (name: string) =>
  readFileSync(new URL(name, DATA_DIR), 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    // Sets written blind use "text", the rest "q"; a line with neither is not a question.
    .map((l) => {
      const line = JSON.parse(l) as { q?: unknown; text?: unknown };
      return line.q ?? line.text;
    })
    .filter((t): t is string => typeof t === 'string' && t.trim() !== '');
/** Every question file of bench/data (families, forums, professionals, calibration), each text once. */
const questionFiles = (kind: RegExp) => [...new Set(readdirSync(fileURLToPath(DATA_DIR)).filter((f) => kind.test(f)).sort().flatMap(jsonl))];

const IN_SCOPE = questionFiles(/-questions(-\d+)?\.jsonl$/);
const OUT_OF_SCOPE = questionFiles(/-out-of-scope(-\d+)?\.jsonl$/);

/**
 * No two requests alike, so no cache (ours or one in front) can flatter the figures: each text
 * is a base text in one of 64 framings (a polite opening and closing that change no intent), then
 * a round number once every framing of every base text has been used. `seen` guarantees it.
 */
const OPENINGS = ['', 'hi, ', 'hello, ', 'please can you help, ', 'quick question: ', 'sorry if this is silly but ', 'can you help me? ', 'i need some advice, '];
const CLOSINGS = ['', ' thanks', ' thank you', ' please', ' many thanks', ' cheers', ' x', ' thanks in advance'];
const seen = new Set<string>();
function distinct(bases: readonly string[], n: number): string {
  for (let i = n; ; i += bases.length) {
    const base = bases[i % bases.length]!;
    const framing = Math.floor(i / bases.length);
    const f = framing % (OPENINGS.length * CLOSINGS.length);
    const round = Math.floor(framing / (OPENINGS.length * CLOSINGS.length));
    const text = `${OPENINGS[f % OPENINGS.length]}${base}${CLOSINGS[Math.floor(f / OPENINGS.length)]}${round > 0 ? ` (round ${round})` : ''}`;
    if (!seen.has(text)) {
      seen.add(text);
      return text;
    }
  }
}

let questionCounter = 0;
/** The next question: mostly SEND questions, one in six out of scope (an honest "not sure"). */
function question(): TurnSpec {
  const n = questionCounter++;
  const text = n % 6 === 5 ? distinct(OUT_OF_SCOPE, Math.floor(n / 6)) : distinct(IN_SCOPE, n - Math.floor(n / 6));
  return { kind: 'question', text, expect: '"activities":[{' };
}

/** Greetings the front door knows (conversation/intents.ts), each text once: "hi", "HiII there!", "Good morning deal."... */
const GREETINGS = ['hi', 'hello', 'hey', 'hiya', 'good morning', 'good afternoon', 'good evening', 'morning', 'afternoon'];
let greetingCounter = 0;
function greeting(): string {
  for (;;) {
    const n = greetingCounter++;
    const base = GREETINGS[n % GREETINGS.length]!;
    const rest = Math.floor(n / GREETINGS.length);
    const tail = ['', ' there', ' deal'][rest % 3]! + ['', '.', '!'][Math.floor(rest / 3) % 3]!;
    // Then capitals, as people type them ("Hello", "HeLlo"); then hi+, hello+ and hey+ stretched ("hiii").
    const variant = Math.floor(rest / 9);
    const caps = variant % 2 ** base.length;
    const stretch = Math.floor(variant / 2 ** base.length);
    if (stretch > 0 && !/^(hi|hello|hey)$/.test(base)) continue; // no more ways to write this one
    const word = [...(base + base.at(-1)!.repeat(stretch))].map((c, i) => ((caps >> i) & 1 ? c.toUpperCase() : c)).join('');
    if (!seen.has(word + tail)) return seen.add(word + tail), word + tail;
  }
}

/** A message that must get the safety response, each text once. */
const WORRIES = ['my daughter says she wants to hurt herself', 'my son says he wants to hurt himself', 'my child says they want to hurt themselves', 'my daughter has been cutting herself'];
let worryCounter = 0;
const worry = () => distinct(WORRIES, worryCounter++);

/** A reply that moves the flow on: no "didn't understand", no expired button. */
const MOVES_ON = /"activities":\[\{(?![^]*(?:didn't understand|button has expired))/;
const option = (step: string, choice: string): TurnSpec => ({ kind: 'triage', value: { action: 'triage-answer', step, option: choice }, expect: MOVES_ON });
const typed = (text: string, kind: TurnSpec['kind'] = 'triage'): TurnSpec => ({ kind, text, expect: MOVES_ON });
const said = (value: Record<string, unknown>, expect: string | RegExp = MOVES_ON): TurnSpec => ({ kind: 'handover', value, expect });

/** Two families' answers, for whichever question the triage asks (it asks only what can change the route, in its own order). */
const FAMILIES = [
  {
    requester: 'Parent', age: '5 to 10', setting: 'Mainstream school', place: 'Weymouth', needs: 'Learning, reading, writing or maths',
    concern: 'my son is struggling with maths and writing at school and nothing is in place for him yet',
    senSupport: 'No, not yet', externalAdvice: 'No', ehcp: 'No', diagnosis: 'No',
  },
  {
    requester: 'Professional', age: '7', setting: 'Mainstream school', place: 'Blandford', needs: 'Talking, understanding or getting on with others',
    concern: 'several cycles of SEN support with speech therapy advice, and his needs exceed what the school can provide',
    senSupport: 'Yes, for 2 terms or more', externalAdvice: 'Yes', ehcp: 'No', diagnosis: 'Yes',
  },
] as const;

/** What the last reply asked, from its `channelData.deal` (conversation/outcome.ts). */
type Asked = { kind: string; step?: string };
const DEAL = /"deal":\{"kind":"([a-z-]+)"(?:,"step":"([a-zA-Z-]+)")?/g;
function lastAsked(body: string): Asked | undefined {
  let last: Asked | undefined;
  for (const m of body.matchAll(DEAL)) last = { kind: m[1]!, ...(m[2] ? { step: m[2] } : {}) };
  return last;
}

/**
 * One scripted conversation of SESSION_TURNS turns. Question sessions are fixed; triage and
 * handover sessions answer what the bot asks (`observe` each reply, then `next`), so they follow
 * the triage as it is, not as it was when the script was written: the opening question, "what
 * should I do next" (or "talk to a person"), an answer to each question, the confirmation and, for
 * a handover, consent, contact details and Send; then more questions until the session is full.
 */
export class Session {
  private turn = 0;
  private asked: Asked | undefined;
  private needsChosen = false;
  private readonly fixed: TurnSpec[] | null;
  private readonly family: (typeof FAMILIES)[number];

  constructor(
    readonly n: number,
    private readonly plan = ROTATION[n % ROTATION.length]!,
  ) {
    this.family = FAMILIES[plan === 't1' || plan === 'h' ? 1 : 0];
    this.fixed = plan === 'q' ? questionsOnly() : null;
  }

  /** Reads what the bot asked in its reply to the last turn. */
  observe(body: string): void {
    this.asked = lastAsked(body);
  }

  next(): TurnSpec {
    const i = this.turn++;
    if (this.fixed) return this.fixed[i]!;
    if (i === 0) return opener();
    if (i === 1) return { kind: 'triage', text: this.plan === 'h' ? 'talk to a person' : 'what should I do next', expect: MOVES_ON };
    return this.answer() ?? question();
  }

  private answer(): TurnSpec | undefined {
    const { kind, step } = this.asked ?? { kind: '' };
    const f = this.family;
    if (kind === 'summary' || (kind === 'question' && step === 'confirm')) {
      return { kind: 'triage', value: { action: 'triage-confirm' }, expect: this.plan === 'h' ? 'Yes, I agree' : 'What I suggest' };
    }
    if (kind === 'question') {
      switch (step) {
        case 'requester':
          return option('requester', f.requester);
        case 'age':
          return f.age === '7' ? typed(f.age) : option('childAge', f.age);
        case 'setting':
        case 'senSupport':
        case 'externalAdvice':
        case 'ehcp':
        case 'diagnosis':
          return option(step, f[step]);
        case 'needs':
          if (this.needsChosen) return { kind: 'triage', value: { action: 'triage-answer', step: 'needs', done: true }, expect: MOVES_ON };
          this.needsChosen = true;
          return option('needs', f.needs);
        case 'place':
          return typed(f.place);
        case 'concern':
          return typed(f.concern);
        case 'safety':
          return option('safetyConcern', 'No');
      }
    }
    if (kind === 'consent') return said({ action: 'consent', agree: true });
    if (kind === 'contact') {
      switch (step) {
        case 'name':
          return typed('Sam Taylor', 'handover');
        case 'method':
          return said({ action: 'handover-answer', method: 'email' });
        case 'detail':
          return typed('sam.taylor@example.org', 'handover');
        case 'time':
          return said({ action: 'handover-answer', time: 'Morning' });
        case 'child':
          return said({ action: 'handover-answer', skip: true });
        case 'transcript':
          return said({ action: 'handover-answer', transcript: false });
        case 'confirm':
          return said({ action: 'handover-send' }, /DEAL-[0-9A-Z]{6}/);
      }
    }
    return undefined;
  }
}

function questionsOnly(): TurnSpec[] {
  const turns = Array.from({ length: SESSION_TURNS }, question);
  turns[0] = { kind: 'question', text: greeting(), expect: 'What would you like to know' };
  turns[12] = { kind: 'question', text: worry(), expect: 'may not be safe' };
  return turns;
}

/** Opening questions for triage and handover sessions: none raises a safety flag, which would change the flow. */
const OPENERS = ['what is an ehcp', 'how do i get help for my child at school', 'what is SEN support', 'who can help me with a tribunal'];
let openerCounter = 0;
const opener = (): TurnSpec => ({ kind: 'question', text: distinct(OPENERS, openerCounter++), expect: '"activities":[{' });

/** Sessions in a fixed rotation: 5 question-only, 3 triage, 2 handover in every 10. */
const ROTATION = ['q', 't0', 'q', 'h', 'q', 't1', 'q', 't0', 'h', 'q'] as const;

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
