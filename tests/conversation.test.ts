/**
 * The conversation itself, turn by turn, with the real knowledge base, triage engine,
 * safety check and a real SQLite handover store on disk (no channel SDK involved).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createFlows } from '../bot/flows.js';
import { createHandoverPort } from '../bot/handover-service.js';
import { FrontDoor, type Turn } from '../conversation/front-door.js';
import type { Reply } from '../conversation/replies.js';
import { freshConversation, type ConversationData } from '../conversation/state.js';
import { SqliteHandoverStore } from '../handover/sqlite-store.js';
import { Glossary } from '../knowledge/glossary.js';
import { loadKnowledgeBase } from '../knowledge/load.js';
import { KnowledgeSearch } from '../knowledge/search.js';
import { checkSafety } from '../triage/safety.js';

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
  door = new FrontDoor({ kb, search, glossary: new Glossary(kb.glossary), checkSafety, publicUrl: 'https://deal.example.org', ...flows });
  state = freshConversation();
});
afterEach(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

const turn = (text: string, value?: Record<string, unknown>): Turn => ({ text, value, channel: 'webchat', audience: 'family' });
const say = (text: string, value?: Record<string, unknown>) => door.handle(turn(text, value), state);
const textOf = (replies: Reply[]) => JSON.stringify(replies);

async function triageTo(answers: string[]) {
  await say('what should I do next?');
  for (const answer of answers) await say(answer);
}

const EXISTING_PLAN = ['parent', '8', 'special school', 'Dorchester', 'done', 'questions about her annual review', 'skip', 'yes', 'yes, there is a plan', 'yes', 'no'];

describe('conversation', () => {
  it('goes back and skips during triage', async () => {
    await say('what should I do next?');
    await say('Parent');
    expect(state.step).toBe('childAge');
    await say('back');
    expect(state.step).toBe('requester');
    expect(state.triage.requester).toBeUndefined();
    await say('Carer');
    await say('skip');
    expect(state.triage.childAge).toBeNull();
    expect(state.step).toBe('setting');
  });

  it('asks again for an unclear answer rather than guessing', async () => {
    await say('what should I do next?');
    const replies = await say('banana');
    expect(textOf(replies)).toMatch(/didn't understand/);
    expect(state.step).toBe('requester');
  });

  it('asks for the town when a postcode district straddles a border', async () => {
    await triageTo(['parent', '8', 'mainstream school']);
    const replies = await say('BH21');
    expect(state.step).toBe('place');
    expect(textOf(replies)).toMatch(/town/i);
    await say('Wimborne');
    expect(state.step).toBe('needs');
  });

  it('routes to a result with reasons after the summary is confirmed', async () => {
    await triageTo(['parent', '8', 'mainstream school', 'Weymouth', 'Learning, reading, writing or maths', 'done', 'behind with reading', 'no, not yet', 'no', 'no', 'no', 'no']);
    const replies = await say("yes, that's right");
    const result = replies.find((r) => r.kind === 'triage-result');
    expect(result).toBeDefined();
    expect(state.result?.primary).toBe('graduated-approach');
    expect(textOf(replies)).toMatch(/You can always ask Dorset Council for an EHC needs assessment yourself/);
  });

  it('stores nothing when the family declines consent', async () => {
    await triageTo(EXISTING_PLAN);
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

  it('tells the family nothing was sent when storing fails, and succeeds on retry exactly once', async () => {
    await triageTo(EXISTING_PLAN);
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
    await triageTo(EXISTING_PLAN);
    await say('yes');
    await say('talk to a person');
    await say('yes');
    await say('Alex');
    await say('phone');
    const replies = await say('12345');
    expect(textOf(replies)).toMatch(/doesn't look like a UK phone number/);
    expect(state.step).toBe('detail');
  });

  it('puts safety first inside triage and routes to urgent safeguarding', async () => {
    await triageTo(['parent', '12', 'mainstream school', 'Bridport', 'done']);
    const replies = await say('she said she wants to kill herself');
    expect(replies[0]?.kind).toBe('safety');
    for (const answer of ['no', 'no', 'no', 'no', 'no']) await say(answer);
    await say('yes');
    expect(state.result?.primary).toBe('urgent-safeguarding');
    expect(state.result?.urgency).toBe('immediate');
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
    await triageTo(['parent', '8']);
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
