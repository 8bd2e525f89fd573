/**
 * Safety inside the real conversation, with the same check the server runs (patterns and the
 * second net): what people type is checked, the bot's own buttons never are; ordinary answers
 * to the bot's questions get no check-in; a check-in the family follows with "contact me now"
 * keeps its urgency; a false alarm takes them back to where they were.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createFlows } from '../conversation/flows.js';
import { createHandoverPort } from '../conversation/handover-port.js';
import { WindowCounter } from '../handover/attempt-limiter.js';
import { FrontDoor, type Turn } from '../conversation/front-door.js';
import { outcomeOf } from '../conversation/replies.js';
import type { Choice, Reply } from '../conversation/replies.js';
import { freshConversation, type ConversationData } from '../conversation/state.js';
import { SqliteHandoverStore } from '../handover/sqlite-store.js';
import { Glossary } from '../knowledge/glossary.js';
import { loadKnowledgeBase } from '../knowledge/load.js';
import { KnowledgeSearch } from '../knowledge/search.js';
import { checkWithNet, defaultSafetyNet } from '../safety/safety-net.js';

const kb = loadKnowledgeBase();
const search = new KnowledgeSearch(kb);
const check = checkWithNet(defaultSafetyNet(kb.articles.flatMap((a) => [a.title, ...a.questions])));
let dir: string;
let store: SqliteHandoverStore;
let door: FrontDoor;
let state: ConversationData;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'deal-conv-safety-'));
  store = new SqliteHandoverStore({ dataDir: dir });
  const handovers = createHandoverPort({ store, retentionDays: 90, logger: pino({ level: 'silent' }) });
  const flows = createFlows({ kb, publicUrl: 'https://deal.example.org', handovers });
  door = new FrontDoor({ kb, search, glossary: new Glossary(kb.glossary), checkSafety: check, publicUrl: 'https://deal.example.org', ...flows });
  state = freshConversation();
});
afterEach(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

const turn = (text: string, value?: Record<string, unknown>): Turn => ({ text, value, channel: 'webchat', audience: 'family' });
const say = (text: string, value?: Record<string, unknown>) => door.handle(turn(text, value), state);
const press = (choice: Choice) => door.handle(turn(choice.text ?? '', choice.value), state);
const kinds = (replies: Reply[]) => replies.map((r) => outcomeOf(r).kind);
const alarms = (replies: Reply[]) => replies.filter((r) => ['safety', 'checkin'].includes(outcomeOf(r).kind));
const choicesOf = (replies: Reply[]): Choice[] =>
  replies.flatMap((r) => (r.kind === 'text' ? (r.choices ?? []) : r.kind === 'article' ? r.related : 'choices' in r ? r.choices : []));

/** A small deterministic random walk (no Math.random: a failure replays). */
function seeded(seed: number) {
  let x = seed;
  return (n: number) => {
    x = (x * 1103515245 + 12345) % 2147483648;
    return x % n;
  };
}

describe('safety in the conversation', () => {
  it('never answers a pressed button with a safety response, in any flow', async () => {
    // Typed openings that lead into every flow; then only buttons are pressed.
    const openings = ['what should I do next?', 'talk to a person', 'check my reference', 'what is an ehcp', 'hello', 'my son is 8 and in year 3 in Weymouth'];
    let pressed = 0;
    for (let walk = 0; walk < 12; walk++) {
      state = freshConversation();
      const pick = seeded(walk + 1);
      let replies = await say(openings[walk % openings.length]!);
      for (let i = 0; i < 25; i++) {
        const choices = choicesOf(replies).filter((c) => c.value || c.text);
        if (choices.length === 0) {
          // Fill the few steps that have no buttons with ordinary typed answers.
          const step = outcomeOf(replies[replies.length - 1]!).step;
          const typedAnswers: Record<string, string> = { name: 'Sam', detail: '07700 900123', place: 'Weymouth', concern: 'he finds reading hard', reference: 'DEAL-2345AB', 'reference-contact': '07700 900123' };
          const typed = typedAnswers[step ?? ''];
          if (!typed) break;
          replies = await say(typed);
          continue;
        }
        const choice = choices[pick(choices.length)]!;
        replies = await press(choice);
        pressed += 1;
        expect(alarms(replies), `pressing "${choice.title}" (${JSON.stringify(choice.value ?? choice.text)})`).toEqual([]);
      }
    }
    expect(pressed).toBeGreaterThan(100);
  });

  it('gives no check-in for ordinary answers to its own questions', async () => {
    // Our own wording (the blind list of answers is measured in npm run bench, not here).
    const answers: [string, string][] = [
      ['requester', 'im his mum'],
      ['requester', 'I am her mother'],
      ['requester', 'his nan'],
      ['childAge', 'she is 7'],
      ['setting', "she's in year 8 by the way"],
      ['bestTime', 'after 3pm when hes home, not mornings'],
    ];
    for (const [step, text] of answers) {
      state = freshConversation();
      state.mode = step === 'bestTime' ? 'contact' : 'triage';
      state.step = step;
      const replies = await say(text);
      expect(alarms(replies), text).toEqual([]);
    }
  });

  it('keeps a check-in urgent: "contact me now" after it goes to the safeguarding queue, immediate', async () => {
    const first = await say('my ex gets really angry and the kids are scared of him');
    expect(kinds(first)).toContain('checkin');
    const contactNow = choicesOf(first).find((c) => /contact me now/i.test(c.title))!;
    await press(contactNow);
    expect(state.mode).toBe('consent');
    await say('yes');
    for (const answer of ['Jo', 'phone', '07700 900123', 'Any time', 'skip', 'no']) await say(answer);
    const sent = await say('send');
    expect(kinds(sent)).toContain('receipt');
    expect(JSON.stringify(sent)).toMatch(/Children's Advice and Duty Service/);
    const [handover] = await store.listHandovers({ scope: { localities: 'all' } });
    expect(handover?.localityId).toBe('safeguarding');
    expect(handover?.urgency).toBe('immediate');
  });

  /** Answers "skip" until the bot asks `step` (or gives up after 12 turns). */
  async function skipTo(step: string): Promise<void> {
    for (let i = 0; i < 12 && state.step !== step; i++) await say('skip');
    expect(state.step).toBe(step);
  }

  it('hears "ha, no, everyone\'s fine" at the safety question as no, though the net is unsure of it', async () => {
    await say('my son is 9 and in year 4 at a primary school in Weymouth, he struggles with reading');
    await say('what should I do next?');
    await skipTo('safetyConcern');
    const replies = await say("ha, no, everyone's fine, just me going grey");
    expect(alarms(replies)).toEqual([]);
    expect(state.alarm).toBeNull();
  });

  it('still answers "no, but..." at the safety question with a safety response', async () => {
    await say('my son is 9 and in year 4 at a primary school in Weymouth, he struggles with reading');
    await say('what should I do next?');
    await skipTo('safetyConcern');
    const replies = await say('no, but things get scary at home at night when his dad has been drinking');
    expect(alarms(replies).length).toBeGreaterThan(0);
  });

  it('takes a worrying answer to the safety question as a disclosure: the card, triage paused, never "I did not understand"', async () => {
    await say('my son is 9 and in year 4 at a primary school in Weymouth, he struggles with reading');
    await say('what should I do next?');
    await skipTo('safetyConcern');
    const replies = await say('kind of, things get bad at home when hes been drinking');
    expect(replies.map((r) => outcomeOf(r))).toContainEqual(expect.objectContaining({ kind: 'safety', safety: 'risk-of-harm' }));
    expect(JSON.stringify(replies)).not.toMatch(/didn't understand/);
    expect(state.alarm?.kind).toBe('risk-of-harm');
    expect(state.mode).toBe('idle');
    expect(state.pausedStep).toBe('safetyConcern');
  });

  it('treats a missing child as immediate, for the safeguarding queue, keeping what the first message said', async () => {
    const first = await say('My son is 15, autistic, he hasnt come home since he left school yesterday afternoon and his phone is off. We live in Bridport.');
    expect(first.map((r) => outcomeOf(r).kind)).toContain('safety');
    expect(JSON.stringify(first)).toMatch(/missing, call \*\*\[?999/);
    await press(choicesOf(first).find((c) => /contact me now/i.test(c.title))!);
    await say('yes');
    for (const answer of ['Helen', 'phone', '07700 900123', 'Any time', 'skip', 'no']) await say(answer);
    const sent = await say('send');
    expect(kinds(sent)).toContain('receipt');
    const [handover] = await store.listHandovers({ scope: { localities: 'all' } });
    expect(handover?.urgency).toBe('immediate');
    expect(handover?.localityId).toBe('safeguarding');
    expect(handover?.triage?.primary).toBe('urgent-safeguarding');
    expect(JSON.stringify(handover?.story)).toMatch(/15/);
  });

  it('past the cap on urgent requests from one caller, stores nothing and gives the safeguarding line, not a retry', async () => {
    const capped = createHandoverPort({ store, retentionDays: 90, logger: pino({ level: 'silent' }), immediateCap: new WindowCounter(1, 3_600_000) });
    door = new FrontDoor({ kb, search, glossary: new Glossary(kb.glossary), checkSafety: check, publicUrl: 'https://deal.example.org', ...createFlows({ kb, publicUrl: 'https://deal.example.org', handovers: capped }) });
    const sent: Reply[][] = [];
    for (const name of ['Helen', 'Jo']) {
      state = freshConversation();
      const first = await say('My son is 15, he hasnt come home since he left school yesterday afternoon and his phone is off. We live in Bridport.');
      await press(choicesOf(first).find((c) => /contact me now/i.test(c.title))!);
      await say('yes');
      for (const answer of [name, 'phone', '07700 900123', 'Any time', 'skip', 'no']) await say(answer);
      sent.push(await say('send'));
    }
    expect(kinds(sent[0]!)).toContain('receipt');
    expect(kinds(sent[1]!)).not.toContain('receipt');
    expect(JSON.stringify(sent[1])).toMatch(/phone Dorset Children's Advice and Duty Service on [0-9 ]+ now[^]*call 999/);
    expect(choicesOf(sent[1]!).map((c) => c.title)).not.toContain('Send my request');
    expect(await store.listHandovers({ scope: { localities: 'all' } })).toHaveLength(1);
  });

  it('tells a family whose child is out of school who helps, once, and carries on with what they asked', async () => {
    const first = await say('My daughter (12) hasnt been into school since Easter, school sends a bit of work by email but thats it. We live in Lyme Regis.');
    const card = first.find((r) => outcomeOf(r).kind === 'safety');
    expect(card).toBeDefined();
    expect(JSON.stringify(card)).toMatch(/Dorset Education Advice Line/);
    expect(JSON.stringify(card)).not.toMatch(/Children's Advice and Duty/);
    expect(first.length).toBeGreaterThan(1);
    const next = await say('what should I do next?');
    expect(kinds(next)).not.toContain('safety');
    expect(state.mode).toBe('triage');
    for (let i = 0; i < 8 && state.step !== null; i++) {
      const replies = await say(state.step === 'concern' ? 'not in school since easter, panics at the gate, only gets emailed work' : 'skip');
      expect(kinds(replies)).not.toContain('safety');
    }
  });

  it('takes a family back to where they were after a check-in that was a false alarm', async () => {
    await say('my son is 9 and at a primary school in Weymouth and hates reading');
    await say('what should I do next?');
    const step = state.step;
    expect(step).toBeTruthy();
    // As if the last message had got the check-in.
    state.checkinOpen = true;
    state.alarm = { kind: 'possible-risk', categories: [], words: 'words', confirmed: false };
    const back = await say("no, everyone is safe, I meant he's struggling at school");
    expect(alarms(back)).toEqual([]);
    expect(state.alarm).toBeNull();
    expect(state.mode).toBe('triage');
    expect(state.step).toBe(step);
    expect(outcomeOf(back[back.length - 1]!).kind).toBe('question');
  });
});
