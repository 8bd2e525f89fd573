/**
 * The conversation itself, turn by turn, with the real knowledge base, triage engine,
 * safety check and a real SQLite handover store on disk (no channel SDK involved).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createFlows } from '../conversation/flows.js';
import { createHandoverPort } from '../conversation/handover-port.js';
import { FrontDoor, type Turn } from '../conversation/front-door.js';
import { outcomeOf } from '../conversation/replies.js';
import type { Reply } from '../conversation/replies.js';
import { freshConversation, type ConversationData } from '../conversation/state.js';
import { SqliteHandoverStore } from '../handover/sqlite-store.js';
import { Glossary } from '../knowledge/glossary.js';
import { loadKnowledgeBase } from '../knowledge/load.js';
import { KnowledgeSearch } from '../knowledge/search.js';
import { checkSafety } from '../safety/safety.js';

const kb = loadKnowledgeBase();
const search = new KnowledgeSearch(kb);
let dir: string;
let store: SqliteHandoverStore;
let door: FrontDoor;
let state: ConversationData;
let failNext = false;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'deal-conv-'));
  store = new SqliteHandoverStore({ dataDir: dir });
  const port = createHandoverPort({ store, retentionDays: 90, logger: pino({ level: 'silent' }) });
  const submit = port.submit;
  port.submit = async (request) => {
    if (failNext) {
      failNext = false;
      throw new Error('database is locked');
    }
    return submit(request);
  };
  const flows = createFlows({ kb, publicUrl: 'https://deal.example.org', handovers: port });
  door = new FrontDoor({ kb, search, glossary: new Glossary(kb.glossary), checkSafety: (text) => checkSafety(text), publicUrl: 'https://deal.example.org', ...flows });
  state = freshConversation();
});
afterEach(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

const turn = (text: string, value?: Record<string, unknown>): Turn => ({ text, value, channel: 'webchat', audience: 'family' });
const say = (text: string, value?: Record<string, unknown>) => door.handle(turn(text, value), state);
const textOf = (replies: Reply[]) => JSON.stringify(replies);

/** The question the last reply asks, as channelData.deal names it (conversation/outcome.ts). */
const stepOf = (replies: Reply[]) => [...replies].reverse().map((r) => outcomeOf(r)).find((o) => o.step)?.step;

/**
 * Runs triage the way a family would: starts it, then answers whatever is asked from `answers`
 * (by step id), skipping anything not given, until the summary. Returns every step asked.
 */
async function triageWith(answers: Partial<Record<string, string>>, opening: string | Reply[] = 'what should I do next?') {
  let replies = typeof opening === 'string' ? await say(opening) : opening;
  const asked: string[] = [];
  for (let i = 0; i < 15; i++) {
    const step = stepOf(replies);
    if (!step || step === 'confirm') break;
    asked.push(step);
    replies = await say(answers[step] ?? 'skip');
  }
  return { asked, replies };
}

const EXISTING_PLAN = {
  requester: 'parent', age: '8', setting: 'special school', place: 'Dorchester', concern: 'questions about her annual review',
  needs: 'Learning, reading, writing or maths', senSupport: 'yes', externalAdvice: 'yes', ehcp: 'yes, there is a plan', diagnosis: 'no',
};

describe('conversation', () => {
  it('goes back and skips during triage', async () => {
    const first = await say('what should I do next?');
    expect(stepOf(first)).toBe('concern');
    await say('my son is struggling with reading and spelling');
    expect(state.step).toBe('place');
    await say('back');
    expect(state.step).toBe('concern');
    await say('he is behind with reading');
    await say('skip');
    expect(state.history).toContain('place');
    expect(state.triage.town).toBeUndefined();
  });

  it('asks again for an unclear answer rather than guessing', async () => {
    await say('my daughter is 9 and struggles with maths');
    await say('what should I do next?');
    await say('Weymouth');
    const step = state.step;
    const replies = await say('banana');
    expect(textOf(replies)).toMatch(/didn't understand/);
    expect(state.step).toBe(step);
  });

  it('asks for the town when a postcode district straddles a border', async () => {
    await say('my son is 8 and at a primary school, he cannot read yet');
    await say('what should I do next?');
    expect(state.step).toBe('concern');
    await say('he is behind the others and gets upset about reading at home');
    expect(state.step).toBe('place');
    const replies = await say('BH21');
    expect(state.step).toBe('place');
    expect(textOf(replies)).toMatch(/town/i);
    await say('Wimborne');
    expect(state.triage.town).toBe('Wimborne');
    expect(state.step).not.toBe('place');
  });

  it('reaches a result from a rich first message in at most 4 turns, asking nothing already said', async () => {
    const first = await say(
      "Hi, my son is 9 and in Year 4 at a primary school in Weymouth. He's autistic and really struggling with reading. The school hasn't put any SEN support in place and he has no EHCP.",
    );
    expect(first.length).toBeGreaterThan(0);
    const { asked, replies } = await triageWith({ externalAdvice: 'no' });
    for (const told of ['requester', 'age', 'setting', 'place', 'senSupport', 'ehcp', 'diagnosis']) expect(asked).not.toContain(told);
    expect(stepOf(replies)).toBe('confirm');
    const summary = JSON.stringify(replies.find((r) => r.kind === 'summary'));
    expect(summary).toMatch(/"Age","value":"9"/);
    expect(summary).toMatch(/Weymouth/);
    const result = await say("yes, that's right");
    expect(result.some((r) => r.kind === 'triage-result')).toBe(true);
    expect(2 + asked.length + 1, `asked: ${asked.join(', ')}`).toBeLessThanOrEqual(4);
    expect(state.result?.primary).toBe('graduated-approach');
  });

  it('takes a correction on the summary in the family\'s own words', async () => {
    await say('my daughter is 8, she goes to a primary school in Bridport and finds maths really hard');
    await triageWith({ senSupport: 'no', ehcp: 'no', diagnosis: 'no', externalAdvice: 'no' });
    expect(state.step).toBe('confirm');
    const corrected = await say('no, she is 10 not 8');
    expect(state.triage.childAge).toBe(10);
    expect(JSON.stringify(corrected)).toMatch(/"Age","value":"10"/);
    expect(stepOf(corrected)).toBe('confirm');
  });

  it('answers a question asked in the middle of triage, then asks the same question again', async () => {
    await say('what should I do next?');
    await say('my son is 7 and his speech is hard to understand');
    const step = state.step;
    const replies = await say('what does SENCO mean?');
    expect(textOf(replies)).toMatch(/special educational needs co-?ordinator/i);
    expect(state.mode).toBe('triage');
    expect(state.step).toBe(step);
    expect(stepOf(replies)).toBeDefined();
  });

  it('starts triage from a typed request for help in the family\'s own words, keeping what was said', async () => {
    await say('my lad is 12 and in year 7 at the secondary in Dorchester, hes dyslexic');
    const replies = await say('ok so wat do i do');
    expect(state.mode).toBe('triage');
    expect(outcomeOf(replies[replies.length - 1]!).kind).toBe('question');
    expect(state.triage).toMatchObject({ childAge: 12, town: 'Dorchester', diagnosis: 'diagnosed' });
  });

  it('never says the same "not sure" twice in a row', async () => {
    const first = await say('qwertyuiop zxcvbnm');
    const second = await say('asdfghjkl poiuytrewq');
    expect(outcomeOf(first[0]!).kind).toBe('not-sure');
    expect(outcomeOf(second[0]!).kind).toBe('not-sure');
    expect(textOf(second)).not.toBe(textOf(first));
    expect(textOf(second)).toMatch(/What should I do next/);
  });

  it('routes to a result with reasons after the summary is confirmed', async () => {
    await triageWith({ concern: 'my son is 8, at a mainstream school in Weymouth, and behind with reading', senSupport: 'no, not yet', ehcp: 'no', diagnosis: 'no', externalAdvice: 'no' });
    const replies = await say("yes, that's right");
    const result = replies.find((r) => r.kind === 'triage-result');
    expect(result).toBeDefined();
    expect(state.result?.primary).toBe('graduated-approach');
    expect(textOf(replies)).toMatch(/You can always ask Dorset Council for an EHC needs assessment yourself/);
  });

  it('stores nothing when the family declines consent', async () => {
    await triageWith(EXISTING_PLAN);
    await say('yes');
    expect(state.result?.handover).toBe(true);
    await say('talk to a person');
    expect(state.mode).toBe('consent');
    const replies = await say('', { action: 'consent', agree: false });
    expect(textOf(replies)).toMatch(/I have not kept any of your details/);
    expect(textOf(replies)).toMatch(/01305 221000/);
    expect(await store.listHandovers({ scope: { localities: 'all' } })).toEqual([]);
    expect(state.contact).toEqual({});
  });

  it.each(["actually no, I don't want my details kept on a system thanks", "I'd rather not share my details", 'yes but I do not want my details stored'])(
    'reads a refusal of consent in the family\'s own words as no: "%s"',
    async (answer) => {
      await triageWith(EXISTING_PLAN);
      await say('yes');
      await say('talk to a person');
      expect(state.mode).toBe('consent');
      const replies = await say(answer);
      expect(textOf(replies)).toMatch(/I have not kept any of your details/);
      expect(state.mode).not.toBe('contact');
      expect(state.consentAt).toBeNull();
    },
  );

  it('asks again, not yes, when the answer to consent is unclear', async () => {
    await triageWith(EXISTING_PLAN);
    await say('yes');
    await say('talk to a person');
    const replies = await say('what happens to my details after');
    expect(textOf(replies)).toMatch(/Please say 'yes' if you agree/);
    expect(state.mode).toBe('consent');
  });

  it('tells the family nothing was sent when storing fails, and succeeds on retry exactly once', async () => {
    await triageWith(EXISTING_PLAN);
    await say('yes');
    await say('talk to a person');
    await say('yes');
    for (const answer of ['Alex', 'email', 'alex@example.org', 'Any time', 'skip', 'no']) await say(answer);
    failNext = true;
    const failed = await say('send');
    expect(textOf(failed)).toMatch(/nothing has been sent yet/);
    expect(textOf(failed)).not.toMatch(/DEAL-[0-9A-Z]{6}/);
    expect(await store.listHandovers({ scope: { localities: 'all' } })).toHaveLength(0);
    const sent = await say('', { action: 'handover-send' });
    const reference = /DEAL-[0-9A-Z]{6}/.exec(textOf(sent))?.[0];
    expect(reference).toBeDefined();
    const all = await store.listHandovers({ scope: { localities: 'all' } });
    expect(all.map((h) => h.reference)).toEqual([reference]);
    expect(all[0]?.localityId).toBe('south');
    expect(state.contact).toEqual({});
  });

  it('validates the contact detail', async () => {
    await triageWith(EXISTING_PLAN);
    await say('yes');
    await say('talk to a person');
    await say('yes');
    await say('Alex');
    await say('phone');
    const replies = await say('12345');
    expect(textOf(replies)).toMatch(/doesn't look like a UK phone number/);
    expect(state.step).toBe('detail');
  });

  it('stops asking when risk is disclosed in triage, and carries on only if the family chooses', async () => {
    await say('my daughter is 12 and at secondary school in Bridport');
    await say('what should I do next?');
    const replies = await say('she said she wants to kill herself');
    expect(replies).toHaveLength(1);
    expect(outcomeOf(replies[0]!)).toMatchObject({ kind: 'safety', safety: 'risk-of-harm' });
    expect(state.mode).toBe('idle');
    expect(textOf(replies)).toMatch(/Carry on with my questions/);
    const resumed = await say('', { action: 'resume-triage' });
    expect(state.mode).toBe('triage');
    expect(stepOf(resumed)).toBeDefined();
    await triageWith({ senSupport: 'no', ehcp: 'no', diagnosis: 'no', externalAdvice: 'no', concern: 'she is very low' }, resumed);
    await say('yes');
    expect(state.result?.primary).toBe('urgent-safeguarding');
    expect(state.result?.urgency).toBe('immediate');
    expect(state.result?.locality).toBe('safeguarding');
    const card = JSON.stringify(state.result?.routes[0]?.reasons);
    expect(new Set(state.result!.routes[0]!.reasons).size).toBeGreaterThan(0);
    expect(card).toBeDefined();
  });

  it('sends a risk handover straight away to the safeguarding queue, and says so', async () => {
    await say('my dad hits me');
    await say('', { action: 'talk-to-person', reason: 'safety' });
    await say('yes');
    for (const answer of ['Alex', 'phone', '07700 900123', 'Any time', 'skip', 'no']) await say(answer);
    const sent = await say('send');
    expect(textOf(sent)).toMatch(/Children's Advice and Duty Service/);
    const [handover] = await store.listHandovers({ scope: { localities: 'all' } });
    expect(handover).toMatchObject({ urgency: 'immediate', localityId: 'safeguarding' });
  });

  it('never offers a Dorset handover to a family outside Dorset because of an alarm', async () => {
    await say('we live in Poole, my son is 10');
    await say('my partner hit my son last night');
    const replies = await say('', { action: 'talk-to-person', reason: 'safety' });
    expect(state.mode).not.toBe('consent');
    expect(textOf(replies)).toMatch(/outside Dorset Council's area/);
    expect(textOf(replies)).toMatch(/999/);
  });

  it('lets a family at risk ask for contact without answering triage first', async () => {
    await say('my dad hits me');
    const replies = await say('', { action: 'talk-to-person', reason: 'safety' });
    expect(state.mode).toBe('consent');
    expect(textOf(replies)).toMatch(/keep a few details/);
  });

  it('gives a professional the professional next steps, and a family the family ones', async () => {
    const article = kb.byId.get('ehcna-request')!;
    const asProfessional = await door.handle({ ...turn('how do i apply for an ehcp'), channel: 'teams', audience: 'professional' }, state);
    const card = asProfessional.find((r) => r.kind === 'article');
    expect(card).toMatchObject({ kind: 'article', articleId: 'ehcna-request', audience: 'professional', summary: article.professionalSummary });
    expect(card && card.kind === 'article' && card.nextSteps).toEqual(article.professionalNextSteps.slice(0, 3));
    expect(textOf(asProfessional)).not.toMatch(/your child/i);

    const asFamily = await say('how do i apply for an ehcp');
    const familyCard = asFamily.find((r) => r.kind === 'article');
    expect(familyCard && familyCard.kind === 'article' && familyCard.nextSteps).toEqual(article.nextSteps.slice(0, 3));
  });

  it('answers "what does X mean" from the glossary', async () => {
    const replies = await say('what does SENCO mean?');
    expect(textOf(replies)).toMatch(/special educational needs co-?ordinator/i);
  });

  it('starts again and forgets the answers', async () => {
    await say('my son is 8');
    await say('what should I do next?');
    await say('start again');
    expect(state).toMatchObject({ mode: 'idle', triage: {}, history: [] });
  });

  it('limits reference checks per conversation', async () => {
    for (let i = 0; i < 5; i++) {
      await say('check my reference DEAL-2345AB');
      await say('07700 900123');
    }
    const replies = await say('check my reference DEAL-2345AB');
    expect(textOf(replies)).toMatch(/can't check any more references/);
  });
});
