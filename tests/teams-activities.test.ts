/**
 * The professional's experience in Microsoft Teams, over the Activity protocol: Teams-shaped
 * activities are POSTed to /api/messages of the real service (local mode, no credentials) and
 * the real adapter sends its replies to a nock-ed Bot Framework connector at the activity's
 * serviceUrl. Also the locality channel link and the handover card's claim button (invoke).
 */
import nock from 'nock';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { loadRouteGuide } from '../triage/engine.js';
import { TriageCase } from '../triage/schema.js';
import { sampleDraft } from './fixtures/handover-draft.js';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StaffAccounts } from '../handover/staff-accounts.js';
import { startService, type TestService } from './helpers/service.js';
import {
  TEAM_ID,
  TENANT_ID,
  type AdaptiveCardJson,
  BOT_ID,
  cardElements,
  cardsIn,
  type CardElement,
  fakeConnector,
  nextId,
  OFFICER,
  type PostedActivity,
  TEAMS_SERVICE_URL,
  teamsActivity,
  teamsCardProblems,
  teamsChannel,
} from './helpers/teams.js';

let service: TestService;
let connector: ReturnType<typeof fakeConnector>;
/** Every card the bot sent in Teams in this file, checked against what Teams renders at the end. */
const everyCard: { where: string; card: AdaptiveCardJson }[] = [];

beforeAll(async () => {
  nock.disableNetConnect();
  nock.enableNetConnect('127.0.0.1');
  // Who may link channels (bot/teams-links.yaml's format): north by Alex, south by anyone in the localities team.
  const links = join(mkdtempSync(join(tmpdir(), 'deal-links-')), 'teams-links.yaml');
  writeFileSync(links, `tenantId: ${TENANT_ID}\nlocalities:\n  north:\n    people: ['${OFFICER.aadObjectId}']\n  south:\n    teams: ['${TEAM_ID}']\n`);
  service = await startService({ TEAMS_LINKS_FILE: links });
  const accounts = new StaffAccounts(service.store);
  await accounts.addStaff(ALEX_EMAIL, { localityId: 'north', password: 'north officer passphrase', aadObjectId: OFFICER.aadObjectId });
  await accounts.addStaff('sam.south@example.org', { localityId: 'south', password: 'south officer passphrase', aadObjectId: SOUTH_OFFICER.aadObjectId });
  await accounts.addStaff('lee.lead@example.org', { lead: true, password: 'front door lead passphrase', aadObjectId: LEAD.aadObjectId });
});
const ALEX_EMAIL = 'alex.officer@example.org';
const SOUTH_OFFICER = { id: '29:1SoUtH', name: 'Sam South', aadObjectId: '5e6f7a8b-9c0d-4e1f-8a2b-3c4d5e6f7a8b' };
const LEAD = { id: '29:1LeAd', name: 'Lee Lead', aadObjectId: '7a8b9c0d-1e2f-4a3b-8c4d-5e6f7a8b9c0d' };
const ATTACKER = { id: '29:1AtTaCk', name: 'Mallory', aadObjectId: '9c0d1e2f-3a4b-4c5d-8e6f-7a8b9c0d1e2f' };
afterAll(async () => {
  await service.stop();
  nock.cleanAll();
  nock.enableNetConnect();
});
beforeEach(() => {
  connector = fakeConnector();
});
afterEach(() => {
  for (const p of connector.posted) for (const card of cardsIn([p.body])) everyCard.push({ where: p.path, card });
  nock.cleanAll();
});

async function post(activity: Record<string, unknown>) {
  const res = await fetch(`${service.url}/api/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(activity),
  });
  const text = await res.text();
  return { status: res.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : null };
}

/** Posts an activity and returns what the bot sent back to the connector during the turn. */
async function turn(activity: Record<string, unknown>): Promise<PostedActivity[]> {
  const before = connector.posted.length;
  const { status } = await post(activity);
  expect(status).toBe(200);
  return connector.posted.slice(before).map((p) => p.body);
}

const texts = (card: AdaptiveCardJson) =>
  cardElements(card)
    .filter((e) => e.type === 'TextBlock')
    .map((e) => String(e.text));
const actionsOf = (card: AdaptiveCardJson) => (card.actions ?? []) as (CardElement & { title: string; data?: Record<string, unknown> })[];
const inputsOf = (card: AdaptiveCardJson) => cardElements(card).filter((e) => e.type.startsWith('Input.'));

function onlyCard(activities: PostedActivity[]): AdaptiveCardJson {
  const cards = cardsIn(activities);
  expect(cards).toHaveLength(1);
  return cards[0]!;
}

describe('installation', () => {
  it('welcomes the team once, in words for professionals, when the app is added', async () => {
    const general = teamsChannel('General');
    const replies = await turn(
      teamsActivity({ type: 'conversationUpdate', channel: general, conversationId: general.id, membersAdded: [{ id: BOT_ID }] }),
    );
    expect(replies).toHaveLength(1);
    expect(connector.posted[0]!.conversationId).toBe(general.id);
    const welcome = onlyCard(replies);
    // The words are the message's text; the card under it carries the buttons (and says the words to screen readers).
    expect(replies[0]!.text).toMatch(/DEAL front door assistant for professionals/);
    expect(replies[0]!.text).toMatch(/run a triage/);
    expect(texts(welcome)).toEqual([]);
    expect(welcome.speak).toMatch(/DEAL front door assistant for professionals/);
    // Team channels cannot show suggested actions: the choices are buttons on the card.
    expect(replies[0]!.suggestedActions).toBeUndefined();
    expect(actionsOf(welcome).map((a) => a.type)).toEqual(['Action.Submit', 'Action.Submit', 'Action.Submit', 'Action.Submit']);
    expect(actionsOf(welcome).map((a) => a.title)).toContain('What should I do next?');
  });

  it('does not greet the whole team again when a person joins', async () => {
    const replies = await turn(teamsActivity({ type: 'conversationUpdate', membersAdded: [{ id: '29:newcomer' }] }));
    expect(replies).toEqual([]);
  });
});

describe('questions in a channel', () => {
  it('strips the @mention and answers with the professional summary of the right article, related topics as card buttons', async () => {
    const activity = teamsActivity({ text: 'how do i apply for an ehcp', mention: true });
    const replies = await turn(activity);
    const article = service.kb.byId.get('ehcna-request')!;
    expect(replies).toHaveLength(1);
    // A reply in the same thread, to the message that asked.
    expect(connector.posted.at(-1)!.conversationId).toBe((activity.conversation as { id: string }).id);
    expect(replies[0]!.replyToId).toBe(activity.id);
    const card = onlyCard(replies);
    const body = card.body!;
    expect(body[0]).toMatchObject({ type: 'TextBlock', text: article.title });
    expect(body[1]).toMatchObject({ type: 'TextBlock', text: article.professionalSummary });
    expect(article.professionalSummary).not.toBe(article.summary);
    expect(texts(card)).not.toContain(article.summary);
    expect(texts(card)).toContain('Next steps');
    // The next steps are the professional's own (what the SENCO does), not the family's.
    const steps = texts(card).find((t) => t.startsWith('- '))!;
    expect(steps).toBe(article.professionalNextSteps.slice(0, 3).map((step) => `- ${step}`).join('\n'));
    expect(steps).not.toMatch(/your child/i);

    expect(replies[0]!.suggestedActions).toBeUndefined();
    const actions = actionsOf(card);
    expect(actions[0]).toMatchObject({ type: 'Action.OpenUrl', title: 'Read more' });
    const related = article.related.map((id) => service.kb.byId.get(id)).filter((a) => a !== undefined).slice(0, 4);
    expect(related.length).toBeGreaterThan(0);
    const submits = actions.filter((a) => a.type === 'Action.Submit');
    expect(submits.map((a) => a.title)).toEqual([...related.map((a) => a.title), 'Talk to a person']);
    for (const [i, a] of related.entries()) {
      expect(submits[i]!.data).toMatchObject({ action: 'show-article', id: a.id, msteams: { type: 'messageBack', displayText: a.title } });
    }
  });

  it('answers a related-topic button press (the Action.Submit data comes back as the value)', async () => {
    const related = service.kb.byId.get('sendiass')!;
    const replies = await turn(
      teamsActivity({ value: { action: 'show-article', id: related.id, msteams: { type: 'messageBack', displayText: related.title } } }),
    );
    const card = onlyCard(replies);
    expect(card.body![0]).toMatchObject({ text: related.title });
    expect(card.body![1]).toMatchObject({ text: related.professionalSummary });
  });

  it('only treats the mention of the bot as a mention', async () => {
    // "triage" is only recognised as a command when it is the whole message, so this shows the mention was removed.
    const replies = await turn(teamsActivity({ text: 'triage', mention: true }));
    expect(texts(onlyCard(replies))[0]).toBe('Triage');
  });
});

const FORM: Record<string, string> = {
  requester: 'professional',
  childAge: '9',
  setting: 'mainstream-school',
  town: 'Dorchester',
  postcode: '',
  needs: 'cognition-learning',
  concern: 'Finds reading and writing very hard and is falling behind.',
  senSupport: 'established',
  externalAdvice: 'true',
  ehcp: 'none',
  diagnosis: 'none',
  safetyConcern: 'false',
};

describe('triage in Teams', () => {
  it('"triage" returns the triage form, whose fields are the TriageCase fields', async () => {
    const replies = await turn(teamsActivity({ text: 'triage', mention: true }));
    const form = onlyCard(replies);
    const ids = inputsOf(form).map((e) => e.id as string);
    expect(new Set(ids).size).toBe(ids.length);
    // Every field a person answers; `safetyCleared` is set by the chat from an answer, never typed on a form.
    expect([...ids].sort()).toEqual(Object.keys(TriageCase.shape).filter((k) => k !== 'safetyCleared').sort());
    const submit = actionsOf(form);
    expect(submit).toEqual([expect.objectContaining({ type: 'Action.Submit', data: { action: 'triage-form' } })]);
    // Choice values on the form are the values the schema accepts.
    for (const input of inputsOf(form).filter((e) => e.type === 'Input.ChoiceSet')) {
      const field = TriageCase.shape[input.id as keyof typeof TriageCase.shape];
      for (const choice of input.choices as { value: string }[]) {
        const value = input.id === 'needs' ? [choice.value] : choice.value;
        expect(field.safeParse(value).success, `${String(input.id)}=${choice.value}`).toBe(true);
      }
    }
  });

  it('a submission with fields missing gets a friendly reply naming them', async () => {
    const { setting: _setting, ehcp: _ehcp, ...partial } = FORM;
    const replies = await turn(teamsActivity({ value: { action: 'triage-form', ...partial } }));
    const card = onlyCard(replies);
    const all = texts(card).join('\n');
    expect(all).toMatch(/A few answers are missing/);
    expect(all).toMatch(/Setting is needed/);
    expect(all).toMatch(/EHC plan is needed/);
    expect(all).not.toMatch(/Diagnosis is needed|Age is needed/);
    // The form comes back to be filled in again.
    expect(inputsOf(card).map((e) => e.id)).toContain('setting');
  });

  it("the form's result speaks to the professional about the child and the family, never to a parent", async () => {
    // No town or postcode: the family's reason says "we do not know where you live"; the professional's asks them to ask the family.
    const replies = await turn(teamsActivity({ value: { action: 'triage-form', ...FORM, town: '', childAge: '4', setting: 'early-years', senSupport: 'none', externalAdvice: 'false' } }));
    const card = onlyCard(replies);
    const all = texts(card).join('\n');
    expect(all).toMatch(/ask the family which town or village they live in/);
    expect(all).not.toMatch(/where you live|\byour child\b|you told us|you mentioned|your health visitor/i);
    expect(all).toMatch(/The child is under five/);
    const deal = (replies[0] as { channelData?: { deal?: { triage?: { routes: { reasons: string[] }[] } } } }).channelData!.deal!;
    expect(deal.triage!.routes.flatMap((r) => r.reasons).join(' ')).not.toMatch(/where you live|your child/i);
  });

  it('a complete submission gets the same result card as web chat', async () => {
    const replies = await turn(teamsActivity({ value: { action: 'triage-form', ...FORM, msteams: { type: 'messageBack' } } }));
    const teamsCard = onlyCard(replies);
    expect(teamsCard.body![0]).toMatchObject({ text: 'What I suggest' });
    const routes = loadRouteGuide();
    expect(texts(teamsCard).some((t) => t.startsWith('Best next step: ') && Object.values(routes).some((r) => t === `Best next step: ${r.title}`))).toBe(true);

    // The same case, one question at a time in web chat.
    const conversation = { id: `webchat-triage-${Date.now()}` };
    const say = async (text: string) => {
      const { body } = await post({
        type: 'message',
        id: `w-${Math.random()}`,
        channelId: 'webchat',
        serviceUrl: 'https://webchat.invalid/',
        conversation,
        from: { id: 'family-1' },
        recipient: { id: 'bot' },
        text,
        deliveryMode: 'expectReplies',
      });
      return (body!.activities ?? []) as PostedActivity[];
    };
    // Answer whatever web chat asks (channelData.deal.step), as a professional would.
    const byStep: Record<string, string> = {
      requester: 'Professional', age: '9', setting: 'Mainstream school', place: 'Dorchester', needs: 'Learning, reading, writing or maths',
      concern: "I'm the SENCO. " + FORM.concern!, senSupport: 'Yes, for 2 terms or more', externalAdvice: 'Yes', ehcp: 'No', diagnosis: 'No',
    };
    let web = await say("I'm a SENCO, a pupil aged 9 at a mainstream school in Dorchester finds reading and writing very hard");
    web = await say('what should i do next');
    for (let i = 0; i < 12; i++) {
      const step = ((web.at(-1) as { channelData?: unknown } | undefined)?.channelData as { deal?: { step?: string } } | undefined)?.deal?.step;
      if (!step || step === 'confirm') break;
      web = await say(byStep[step] ?? 'skip');
    }
    const webCard = onlyCard(await say("yes, that's right"));
    expect(teamsCard.body).toEqual(webCard.body);
    expect(actionsOf(teamsCard).map((a) => [a.type, a.title])).toEqual(actionsOf(webCard).map((a) => [a.type, a.title]));
  });
});

describe('locality channels and handover cards', () => {
  const north = teamsChannel('North SEND handovers');
  const northThread = north.conversationId('1700000099001');

  it('"link locality" in a personal chat is refused and stores nothing', async () => {
    const replies = await turn(teamsActivity({ text: 'link locality east', personal: true }));
    expect(replies[0]!.text).toMatch(/team channel/);
    expect(await service.store.getChannelReference('east')).toBeNull();
  });

  it('"link locality north" in a channel stores the channel\'s conversation reference', async () => {
    const replies = await turn(teamsActivity({ text: 'link locality north', mention: true, channel: north, conversationId: northThread }));
    expect(replies[0]!.text).toMatch(/This channel will now get a card for each new handover for North Dorset|for each new handover/);
    const reference = (await service.store.getChannelReference('north')) as Record<string, { id?: string } | string>;
    expect(reference).toMatchObject({
      channelId: 'msteams',
      serviceUrl: TEAMS_SERVICE_URL,
      // The channel itself, not the thread the link was typed in, so each card is a new post.
      conversation: { id: northThread.split(';messageid=')[0], conversationType: 'channel' },
      bot: { id: BOT_ID },
    });
  });

  it('an unknown locality is refused with the ones it knows', async () => {
    const replies = await turn(teamsActivity({ text: 'link locality narnia', mention: true, channel: north, conversationId: northThread }));
    expect(replies[0]!.text).toMatch(/I don't know that locality.*north/);
    expect(await service.store.getChannelReference('narnia')).toBeNull();
  });

  const claimInvoke = (reference: string, conversationId: string, channel = north, from = OFFICER) =>
    teamsActivity({
      type: 'invoke',
      name: 'adaptiveCard/action',
      channel,
      conversationId,
      from,
      replyToId: '1700000099555',
      value: { action: { type: 'Action.Execute', verb: 'handover.claim', data: { reference } }, trigger: 'manual' },
    });

  it('the Claim button (adaptiveCard/action invoke) claims the handover as the person who pressed it, and refreshes the card', async () => {
    await turn(teamsActivity({ text: 'link locality north', mention: true, channel: north, conversationId: northThread }));
    const handover = await service.store.createHandover(sampleDraft({}, 'priority', 'north'));
    expect(handover.status).toBe('received');

    const before = connector.posted.length;
    const { status, body } = await post(claimInvoke(handover.reference, northThread));
    expect(status).toBe(200);
    expect(connector.posted.length).toBe(before); // the refreshed card travels in the HTTP response
    expect(body).toMatchObject({ statusCode: 200, type: 'application/vnd.microsoft.card.adaptive' });
    const card = (body as { value: AdaptiveCardJson }).value;
    everyCard.push({ where: 'claim response', card });
    expect(JSON.stringify(card)).toContain(handover.reference);
    const facts = cardElements(card).find((e) => e.type === 'FactSet')!.facts as { title: string; value: string }[];
    expect(facts).toContainEqual({ title: 'Status', value: `Claimed by ${ALEX_EMAIL}` });
    expect(facts).toContainEqual({ title: 'Urgency', value: 'Priority' });
    expect(actionsOf(card).map((a) => a.title)).not.toContain('Claim');
    expect(actionsOf(card).map((a) => a.title)).toContain('Resolve');
    // No contact details on a card posted in a channel.
    expect(JSON.stringify(card)).not.toContain('Sam Parent');
    expect(JSON.stringify(card)).not.toContain('07700');

    const stored = (await service.store.getHandover(handover.reference))!;
    expect(stored.status).toBe('with-officer');
    expect(stored.claimedBy).toBe(ALEX_EMAIL);
    const events = await service.store.listEvents(handover.reference);
    expect(events.map((e) => e.kind)).toEqual(['created', 'claimed']);
    expect(events[1]!.actor).toBe(ALEX_EMAIL);
  });

  it('someone with no staff account pressing Claim changes nothing', async () => {
    const handover = await service.store.createHandover(sampleDraft({}, 'routine', 'north'));
    const { status, body } = await post(claimInvoke(handover.reference, northThread, north, ATTACKER));
    expect(status).toBe(200);
    expect(body).toMatchObject({ statusCode: 200, type: 'application/vnd.microsoft.activity.message', value: expect.stringMatching(/staff account/) });
    const stored = (await service.store.getHandover(handover.reference))!;
    expect(stored.status).toBe('received');
    expect(stored.claimedBy).toBeNull();
    expect((await service.store.listEvents(handover.reference)).map((e) => e.kind)).toEqual(['created']);
  });

  it("a south officer cannot claim north's handover, even from north's channel", async () => {
    const handover = await service.store.createHandover(sampleDraft({}, 'routine', 'north'));
    const { body } = await post(claimInvoke(handover.reference, northThread, north, SOUTH_OFFICER));
    expect(body).toMatchObject({ type: 'application/vnd.microsoft.activity.message', value: 'That handover was not found for you.' });
    expect((await service.store.getHandover(handover.reference))!.status).toBe('received');
  });

  it('a channel linked as "lead" gives an officer pressing a button there no lead rights', async () => {
    const leads = teamsChannel('Front door leads');
    const leadsThread = leads.conversationId('1700000099444');
    expect(await turn(teamsActivity({ text: 'link locality lead', mention: true, channel: leads, conversationId: leadsThread, from: LEAD }))).toHaveLength(1);
    expect(await service.store.getChannelReference('lead')).not.toBeNull();
    const handover = await service.store.createHandover(sampleDraft({}, 'routine', 'south'));
    const { body } = await post(claimInvoke(handover.reference, leadsThread, leads, OFFICER));
    expect(body).toMatchObject({ value: 'That handover was not found for you.' });
    expect((await service.store.getHandover(handover.reference))!.status).toBe('received');
  });
});

describe('Teams channel hijack (issue 15, finding 1)', () => {
  const north = teamsChannel('North SEND handovers');
  const northThread = north.conversationId('1700000099001');
  const rogue = teamsChannel('Rogue');
  const link = (text: string, from: typeof OFFICER, extra: Record<string, unknown> = {}) => ({
    ...teamsActivity({ text, mention: true, channel: rogue, conversationId: rogue.conversationId(), from }),
    ...extra,
  });

  it('someone not on the allow-list cannot link a channel, and the attempt stores nothing', async () => {
    const replies = await turn(link('link locality east', ATTACKER));
    expect(replies[0]!.text).toMatch(/can't link this channel/);
    expect(await service.store.getChannelReference('east')).toBeNull();
  });

  it('an activity from another tenant cannot link a channel, even naming an allowed person', async () => {
    const other = '11111111-2222-4333-8444-555555555555';
    const a = link('link locality north', OFFICER);
    const replies = await turn({ ...a, conversation: { ...(a.conversation as object), tenantId: other }, channelData: { ...(a.channelData as object), tenant: { id: other } } });
    expect(replies[0]!.text).toMatch(/not from our tenant/);
  });

  it('an allowed person cannot move an existing link to another channel; a lead can, and both are audited', async () => {
    const northRef = () => service.store.getChannelReference('north') as Promise<{ conversation: { id: string } } | null>;
    await turn(teamsActivity({ text: 'link locality north', mention: true, channel: north, conversationId: northThread }));
    const before = (await northRef())!.conversation.id;
    const refused = await turn(link('link locality north', OFFICER));
    expect(refused[0]!.text).toMatch(/already linked to another channel; only a DEAL lead/);
    expect((await northRef())!.conversation.id).toBe(before);

    const moved = await turn(link('link locality north', LEAD));
    expect(moved[0]!.text).toMatch(/will now get a card/);
    expect((await northRef())!.conversation.id).toBe(rogue.id);
    const audit = await service.store.listAudit('north');
    expect(audit.at(-1)).toMatchObject({ action: 'channel-relinked', actor: 'lee.lead@example.org', detail: { channel: rogue.id, previous: before } });
    // Put it back for the other tests.
    await turn(teamsActivity({ text: 'link locality north', mention: true, channel: north, conversationId: northThread, from: LEAD }));
  });

  it('anyone in an allowed team may link that locality', async () => {
    const south = teamsChannel('South SEND handovers');
    const replies = await turn(teamsActivity({ text: 'link locality south', mention: true, channel: south, conversationId: south.conversationId(), from: SOUTH_OFFICER }));
    expect(replies[0]!.text).toMatch(/will now get a card/);
    expect((await service.store.listAudit('south')).map((e) => e.action)).toContain('channel-linked');
  });

  it('a bad allow-list stops the server, naming the file and the field', async () => {
    const { loadTeamsLinks } = await import('../bot/teams-links.js');
    const file = join(mkdtempSync(join(tmpdir(), 'deal-links-')), 'links.yaml');
    writeFileSync(file, 'localities:\n  north:\n    people: [not-a-guid]\n');
    expect(() => loadTeamsLinks(file)).toThrow(`${file}: localities.north.people.0: must be a GUID`);
  });
});

/** A personal chat with the bot: every activity in the same conversation. */
function personalChat(from = OFFICER) {
  const id = `a:1pErSoNaLcHaT${nextId()}`;
  const send = (opts: { text?: string; value?: unknown }) => {
    const a = teamsActivity({ ...opts, personal: true, from });
    return turn({ ...a, conversation: { ...(a.conversation as object), id } });
  };
  return { say: (text: string) => send({ text }), press: (value: Record<string, unknown>) => send({ value: { ...value, msteams: { type: 'messageBack' } } }) };
}

/** Every word the bot sent: activity text and the text on its cards. */
const wordsIn = (activities: PostedActivity[]) => [...activities.map((a) => a.text ?? ''), ...cardsIn(activities).flatMap(texts)].join('\n');
const dealOf = (a: PostedActivity | undefined) => (a as { channelData?: { deal?: { kind?: string; step?: string } } } | undefined)?.channelData?.deal;

/** Ways into each flow in Teams, and what the bot says when it leaves it. */
const FLOWS: { name: string; enter: (chat: ReturnType<typeof personalChat>) => Promise<PostedActivity[]>; left: RegExp }[] = [
  {
    name: 'check my reference',
    enter: (chat) => chat.say('check my reference'),
    left: /OK, I've stopped checking your reference\./,
  },
  {
    // A parent using the Teams app gets triage one question at a time.
    name: 'triage (one question at a time)',
    enter: async (chat) => {
      await chat.say("I'm his mum, he is 7 and struggles at school in Dorchester");
      return chat.say('what should I do next?');
    },
    left: /OK, I've stopped the questions\./,
  },
  {
    name: 'consent',
    enter: async (chat) => {
      await chat.press({ action: 'triage-form', ...FORM });
      return chat.press({ action: 'talk-to-person', reason: 'triage' });
    },
    left: /OK, I've stopped\. Nothing has been sent/,
  },
  {
    name: 'contact details',
    enter: async (chat) => {
      await chat.press({ action: 'triage-form', ...FORM });
      await chat.press({ action: 'talk-to-person', reason: 'triage' });
      return chat.press({ action: 'consent', agree: true });
    },
    left: /OK, I've stopped\. Nothing has been sent/,
  },
];

describe('commands always work (issue 19)', () => {
  it('"ask" on its own asks what they would like to know; the help card lists the commands, each a button', async () => {
    const chat = personalChat();
    const ask = await chat.say('ask');
    expect(wordsIn(ask)).toMatch(/^What would you like to know\?/);
    const help = await chat.say('help');
    const card = onlyCard(help);
    for (const command of ['**ask**', '**triage**', '**check my reference**', '**help**']) expect(wordsIn(help)).toContain(command);
    expect(actionsOf(card).map((a) => a.title)).toEqual(['Ask a question', 'Triage', 'Check my reference', 'Talk to a person']);
    expect(wordsIn(await chat.press(actionsOf(card)[0]!.data!))).toMatch(/What would you like to know\?/);
    expect(texts(onlyCard(await chat.press(actionsOf(card)[1]!.data!)))[0]).toBe('Triage');
    expect(wordsIn(await chat.press(actionsOf(card)[2]!.data!))).toMatch(/Please type your reference/);
  });

  for (const flow of FLOWS) {
    describe(`inside ${flow.name}`, () => {
      it('each command leaves the flow, saying so, and does what it says', async () => {
        const commands: [string, (replies: PostedActivity[]) => void][] = [
          ['ask', (r) => expect(wordsIn(r)).toMatch(/What would you like to know\?/)],
          ['ask how do i apply for an ehcp', (r) => expect(texts(cardsIn(r).at(-1)!)[0]).toBe(service.kb.byId.get('ehcna-request')!.title)],
          ['triage', (r) => expect(dealOf(r.at(-1))).toMatchObject({ kind: 'question' })],
          ['What should I do next?', (r) => expect(dealOf(r.at(-1))).toMatchObject({ kind: 'question' })],
          ['check my reference', (r) => expect(dealOf(r.at(-1))).toEqual({ kind: 'question', step: 'reference' })],
        ];
        for (const [command, does] of commands) {
          const chat = personalChat();
          expect(['question', 'consent', 'contact']).toContain(dealOf((await flow.enter(chat)).at(-1))?.kind);
          const replies = await chat.say(command);
          const words = wordsIn(replies);
          // Leaving says so, except when the command starts the same flow again.
          const same = (flow.name.startsWith('triage') && /triage|next/i.test(command)) || (flow.name === 'check my reference' && command === 'check my reference');
          if (same) expect(words, command).not.toMatch(/I've stopped/);
          else expect(words, command).toMatch(flow.left);
          expect(words, command).not.toMatch(/That doesn't look like|Please say 'yes'|Please type a name|didn't understand/);
          does(replies);
        }
      });

      it('"help" offers to carry on (the same question again) or stop', async () => {
        const chat = personalChat();
        const entered = await flow.enter(chat);
        const asked = dealOf(entered.at(-1));
        expect(['question', 'consent', 'contact']).toContain(asked?.kind);
        expect(asked?.step).toBeDefined();
        const help = await chat.say('help');
        const card = onlyCard(help);
        expect(wordsIn(help)).toMatch(/You're in the middle of/);
        expect(wordsIn(help)).toContain('**triage**');
        expect(actionsOf(card).map((a) => a.title)).toEqual(['Carry on', 'Stop']);
        const again = await chat.press(actionsOf(card)[0]!.data!);
        expect(dealOf(again.at(-1))).toEqual(asked);
        await chat.say('help');
        const stopped = await chat.press(actionsOf(card)[1]!.data!);
        expect(wordsIn(stopped)).toMatch(flow.left);
        expect(wordsIn(stopped)).toMatch(/What would you like to know\?/);
      });
    });
  }

  it('inside triage, an answer is still an answer, and inside the contact steps a name or number is still read as one', async () => {
    const chat = personalChat();
    await chat.say("I'm his mum and I am worried");
    const first = await chat.say('what should I do next?');
    expect(dealOf(first.at(-1))).toMatchObject({ kind: 'question', step: 'concern' });
    const next = await chat.say('they help him with reading but he is still falling behind');
    expect(wordsIn(next)).not.toMatch(/You're in the middle of|I've stopped/);
    expect(dealOf(next.at(-1))).toMatchObject({ kind: 'question' });
    expect(dealOf(next.at(-1))!.step).not.toBe('concern');

    const contact = personalChat();
    await FLOWS[3]!.enter(contact);
    const named = await contact.say('Sam Help');
    expect(dealOf(named.at(-1))).toEqual({ kind: 'contact', step: 'method' });
    await contact.press({ action: 'handover-answer', method: 'phone' });
    const phoned = await contact.say('07700 900123');
    expect(dealOf(phoned.at(-1))).toEqual({ kind: 'contact', step: 'time' });
  });
});

describe('card replies carry words (issue 19)', () => {
  it('in Teams every card reply has a short text (the title or the question) and a summary, so previews, notifications and screen readers have words', async () => {
    const chat = personalChat();
    const sent: PostedActivity[] = [];
    for (const text of ['how do i apply for an ehcp', 'what does SENCO mean', 'triage', 'my pupil says he wants to kill himself', 'check my reference']) sent.push(...(await chat.say(text)));
    sent.push(...(await chat.press({ action: 'triage-form', ...FORM })));
    const withCards = sent.filter((a) => (a.attachments ?? []).length > 0);
    expect(withCards.length).toBeGreaterThanOrEqual(5);
    for (const a of withCards) {
      expect(a.text, JSON.stringify(dealOf(a))).toBeTruthy();
      expect(a.summary, JSON.stringify(dealOf(a))).toBeTruthy();
    }
    const article = withCards.find((a) => dealOf(a)?.kind === 'answer')!;
    expect(article.text).toBe(service.kb.byId.get('ehcna-request')!.title);
    const result = withCards.find((a) => dealOf(a)?.kind === 'result')!;
    expect(result.text).toMatch(/^What I suggest: /);
    expect(withCards.find((a) => dealOf(a)?.kind === 'safety')!.text).toMatch(/child may not be safe/);
    // Rich cards: one short line, not the card again.
    for (const a of withCards.filter((x) => ['answer', 'result', 'safety'].includes(dealOf(x)?.kind ?? ''))) expect(a.text!.length).toBeLessThan(120);
    // A question with buttons is said once: its text, with the buttons on the card under it.
    const question = withCards.find((a) => dealOf(a)?.kind === 'glossary')!;
    expect(question.text).toMatch(/SENCO/);
    expect(texts(onlyCard([question]))).toEqual([]);
  });

  it('in web chat the card keeps its words and the activity has no text, so no bubble repeats the card', async () => {
    const conversation = { id: `webchat-words-${Date.now()}` };
    const { body } = await post({
      type: 'message', id: 'w-words', channelId: 'webchat', serviceUrl: 'https://webchat.invalid/', conversation,
      from: { id: 'family-words' }, recipient: { id: 'bot' }, text: 'how do i apply for an ehcp', deliveryMode: 'expectReplies',
    });
    const activities = (body!.activities ?? []) as PostedActivity[];
    const answer = activities.find((a) => (a.attachments ?? []).length > 0)!;
    expect(answer.text).toBeUndefined();
    const card = onlyCard([answer]);
    expect(card.speak).toBe(texts(card)[0]);
    expect(card.fallbackText).toBe(card.speak);
    // Plain replies are still plain text with suggested actions.
    // (Web chat turns start with a typing activity, which has neither.)
    const messages = activities.filter((a) => (a as { type?: string }).type !== 'typing');
    expect(messages.every((a) => (a.attachments ?? []).length > 0 || typeof a.text === 'string')).toBe(true);
  });
});

describe('Adaptive Cards in Teams', () => {
  it('use only elements and actions that Teams supports, at card version 1.5 or lower', async () => {
    // Every kind of reply the bot sends in Teams, plus the cards collected by the tests above.
    const messages = [
      'hello',
      'help',
      'what does SENCO mean',
      'when is my bin collection day',
      'asdf qwerty zxcv',
      'my pupil says he wants to kill himself',
      'talk to a person',
      'start again',
      'check my reference',
      'how do i apply for an ehcp',
      'triage',
    ];
    for (const text of messages) {
      const replies = await turn(teamsActivity({ text, mention: true }));
      expect(replies.length, text).toBeGreaterThan(0);
      for (const r of replies) expect(r.suggestedActions, text).toBeUndefined();
    }
    const { setting: _setting, ...partial } = FORM;
    await turn(teamsActivity({ value: { action: 'triage-form', ...partial } }));
    await turn(teamsActivity({ value: { action: 'triage-form', ...FORM } }));
    const handover = await service.store.createHandover(sampleDraft({}, 'immediate', 'north'));
    const { handoverCard } = await import('../bot/teams.js');
    everyCard.push({ where: 'handover card', card: handoverCard(handover, { publicUrl: 'https://deal.example.org', routes: loadRouteGuide() }) as unknown as AdaptiveCardJson });

    for (const p of connector.posted) for (const card of cardsIn([p.body])) everyCard.push({ where: p.path, card });
    connector.posted.length = 0;
    expect(everyCard.length).toBeGreaterThan(10);
    const problems = everyCard.flatMap(({ where, card }) => teamsCardProblems(card).map((p) => `${where}: ${p}`));
    // Every card has words for hosts that speak it or cannot draw it.
    for (const { where, card } of everyCard.filter((c) => c.where !== 'handover card' && c.where !== 'claim response')) {
      expect(typeof card.speak === 'string' && card.speak.length > 0, where).toBe(true);
      expect(card.fallbackText, where).toBe(card.speak);
    }
    expect(problems).toEqual([]);
    const types = new Set(everyCard.flatMap(({ card }) => cardElements(card).map((e) => e.type)));
    // The check really walked into forms, containers and shown cards.
    for (const t of ['Input.ChoiceSet', 'Input.Number', 'Input.Toggle', 'Container', 'FactSet', 'Action.ShowCard', 'Action.Execute']) expect(types).toContain(t);
  });

  it('the checker itself rejects what Teams does not render', () => {
    expect(teamsCardProblems({ type: 'AdaptiveCard', version: '1.6', body: [{ type: 'Table' }], actions: [{ type: 'Action.Popover' }] })).toEqual([
      'version 1.6 is not 1.5 or lower',
      'unsupported in Teams: Table',
      'unsupported in Teams: Action.Popover',
    ]);
    expect(
      teamsCardProblems({
        type: 'AdaptiveCard',
        version: '1.5',
        body: [{ type: 'Container', items: [{ type: 'Media' }] }],
        actions: [{ type: 'Action.ShowCard', card: { type: 'AdaptiveCard', body: [{ type: 'Input.Rating', id: 'r' }] } }],
      }),
    ).toEqual(['unsupported in Teams: Media', 'unsupported in Teams: Input.Rating']);
  });
});
