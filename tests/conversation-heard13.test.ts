/**
 * General fixes from held-out set 13 (conversations, questions and triage cases written blind), tested through the
 * real /api/messages: an answer that also corrects an earlier one changes it; "can they get in touch with me?" asks
 * for a person; a professional's "run triage for a Y3" starts the questions; an emergency that is over and a child
 * who goes in some of the time are not alarms. The wordings are written here afresh, not the scripts'.
 */
import { describe, expect, it } from 'vitest';
import { createFlows } from '../conversation/flows.js';
import { FrontDoor } from '../conversation/front-door.js';
import { outcomeOf } from '../conversation/replies.js';
import { freshConversation } from '../conversation/state.js';
import { Glossary } from '../knowledge/glossary.js';
import { loadKnowledgeBase } from '../knowledge/load.js';
import { KnowledgeSearch } from '../knowledge/search.js';
import { checkWithNet, standardSafetyNet } from '../safety/safety-net.js';
import { all, chatWithOwnService, type Sent, skipTo, stepOf, storyToStep } from './helpers/deal-chat.js';

const { send, open } = chatWithOwnService('heard13');
const kinds = (r: Sent[]) => r.map((x) => x.deal?.kind);

describe('an answer to one question that corrects another', () => {
  it('keeps the answer, changes the earlier fact, says so, and the summary shows the new one', async () => {
    const id = await open();
    const asked = await storyToStep(send, id, 'my son is 9 and really struggles with reading and remembering what he is told, it is getting him down', 'setting');
    expect(stepOf(asked)).toBe('setting');
    const replies = await send(id, 'oh sorry I got that wrong, he is 8 not 9. he is in year 3 at the first school');
    expect(all(replies)).toContain("I've changed that");
    expect(stepOf(replies)).not.toBe('setting');
    const summary = await skipTo(send, id, replies, 'confirm');
    expect(stepOf(summary)).toBe('confirm');
    expect(all(summary)).toContain('"title":"Age","value":"8"');
  });
});

describe('asking for a person in other words', () => {
  it('"...and can they get in touch with me?" starts the steps to a person', async () => {
    const id = await open();
    await send(id, 'my daughter is 6, she has a hearing loss and sits at the back of the class in Bridport, nothing is in place');
    const replies = await send(id, 'who helps with this, and can they get in touch with me?');
    expect(all(replies)).toMatch(/I can ask our team to contact you/);
    expect(stepOf(replies)).toBeDefined();
  });

  it.each(['run triage for a Y3 pls', 'can we do the triage for my pupil'])('a professional\'s "%s" starts the questions', async (ask) => {
    const id = await open();
    const replies = await send(id, ask);
    expect(stepOf(replies), JSON.stringify(kinds(replies))).toBeDefined();
  });
});

describe('words that sound like an alarm but are not', () => {
  it('an emergency that is over ("they called an ambulance, he was fine") gets the answer, not the safety card', async () => {
    const id = await open();
    const replies = await send(id, 'my daughter has epilepsy and had a seizure at school in the summer, they called an ambulance and she was fine afterwards. now they say she cannot go on the school trip without me, can they do that?');
    expect(kinds(replies)).not.toContain('safety');
  });

  it('a child who goes in some of the time ("not in school properly for weeks") gets no "needs a person" card', async () => {
    const id = await open();
    const replies = await send(id, 'my son is 13 and has not been in school properly for five weeks, he freezes at the gate every morning. the school are now talking about fines');
    expect(replies.map((r) => r.deal?.safety)).not.toContain('needs-a-person');
  });

  it('but a child out of school for months with nothing arranged still gets a person', async () => {
    const id = await open();
    const replies = await send(id, 'my son is 13 and has not been in school for five months, nobody has arranged anything for him');
    expect(replies.map((r) => r.deal?.safety)).toContain('needs-a-person');
  });
});

describe('from held-out set 14', () => {
  it('"What is a SENCO please?" as the last sentence of a message in the middle of the questions gets the meaning, then the same question', async () => {
    const id = await open();
    const asked = await storyToStep(send, id, 'my grandson is 12, he is at the secondary school in Sherborne, he has ADHD and keeps getting detentions', 'safety');
    expect(stepOf(asked)).toBe('safety');
    const replies = await send(id, 'Before I go on, the school keep telling me to speak to the SENCO. What is a SENCO please?');
    expect(replies.map((r) => r.deal?.kind)).toContain('glossary');
    expect(stepOf(replies)).toBe('safety');
  });

  it('an internal exclusion room is still at school: the summary does not say "not in school"', async () => {
    const id = await open();
    await send(id, 'my son is 12 and in year 8 at the secondary school in Sherborne. last week he was put in the internal exclusion room for two days. He has ADHD.');
    const summary = await skipTo(send, id, await send(id, 'what should I do next?'), 'confirm');
    expect(stepOf(summary)).toBe('confirm');
    expect(all(summary)).toContain('"title":"Setting","value":"Mainstream school"');
  });
});

describe('a professional in Teams who asks for the form by name (blind conversations set 14)', () => {
  const kb = loadKnowledgeBase();
  const handovers = { consent: () => ({ version: 'test', text: '' }), submit: async () => { throw new Error('not in this test'); }, checkStatus: async () => null, referenceCheckWait: () => 0 };
  const door = new FrontDoor({
    kb, search: new KnowledgeSearch(kb), glossary: new Glossary(kb.glossary), checkSafety: checkWithNet(standardSafetyNet()), publicUrl: 'https://deal.example.org',
    ...createFlows({ kb, publicUrl: 'https://deal.example.org', handovers: handovers as never }),
  });
  it.each(['can I run the triage form for her', 'triage pls - HV, 27mo with no words, not in any setting'])('"%s" after a case note gets the form, not an article', async (ask) => {
    const state = freshConversation();
    const turn = (text: string) => ({ text, channel: 'teams' as const, audience: 'professional' as const });
    await door.handle(turn('SENCO, primary. Y4 girl, 3 APDR cycles done, EP consultation in autumn, still about 3 years behind in literacy. Does she meet the threshold for EHCNA?'), state);
    const replies = await door.handle(turn(ask), state);
    expect(replies.map((r) => outcomeOf(r).kind)).not.toContain('answer');
    expect(replies.map((r) => outcomeOf(r).step), JSON.stringify(replies.map((r) => outcomeOf(r)))).toContain('form');
  });
});
