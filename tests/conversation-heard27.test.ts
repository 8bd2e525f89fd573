/**
 * Fixes from held-out set 27 (conversations and questions written blind), tested through the real /api/messages: a
 * child's age told as "my 3rd (13, yr 8)" or by a young carer about "my little brother", who is 9; Prader-Willi's locked
 * kitchen and bins are a SEND question, not waste or neglect; an allergy emergency told as last year is not danger now;
 * marks "from the cable of phone charger", told through a translator in the answer to a question, get the safety card
 * on that message; a grandparent of 71 bringing up a grandson is asking about a child; a broken boiler, SEN teaching
 * assistant jobs and fly-tipping go to the council. Wording written afresh, not copied from the sets.
 */
import { describe, expect, it } from 'vitest';
import { all, answerToSummary, chatWithOwnService, skip, stepOf, type Sent } from './helpers/deal-chat.js';

const { send, open } = chatWithOwnService('heard27');
const kinds = (r: Sent[]) => r.map((x) => x.deal?.kind);
const plainly = (step: string) => (step === 'safety' ? 'no' : step === 'place' ? 'Blandford' : skip(step));

describe('whose age it is', () => {
  it('"my 2nd (11, yr 6)" is 11, not a guess from the school year', async () => {
    const id = await open();
    await send(id, 'got 4 kids n my 2nd (11, yr 6) has adhd n keeps gettin sent out of class at the primary in blandford, no ehcp');
    const { summary } = await answerToSummary(send, id, await send(id, 'wot do i do next'), plainly);
    expect(all(summary)).toMatch(/Age[^\n]*\b11\b/);
    expect(all(summary)).not.toMatch(/11 or 12/);
  });

  it('a young carer of 16 writing about "my little brother" gives his age, not hers', async () => {
    const id = await open();
    await send(id, 'hi im 16 and writing for my dad coz he works nights. my little brother is 8 and in year 3 in verwood, he has a speech delay and nobody at school is helping');
    const { summary } = await answerToSummary(send, id, await send(id, 'can u help us sort it'), plainly);
    expect(all(summary)).toMatch(/Age[^\n]*\b8\b/);
    expect(all(summary)).not.toMatch(/Age[^\n]*\b16\b/);
  });
});

describe('words that sound worrying but are not', () => {
  it("Prader-Willi's locked kitchen and bins are a question about school, not waste or neglect", async () => {
    const reply = await send(await open(), "My daughter has Prader-Willi syndrome, so at home the fridge is locked and the bins are kept outside because she would eat until she was ill. Her teacher said she always seems starving. How do we get the school to plan food safely at break without her feeling singled out?");
    expect(kinds(reply)).not.toContain('out-of-scope');
    expect(kinds(reply)).not.toContain('safety');
    expect(reply.flatMap((r) => r.deal?.articles ?? [])[0]).toBe('medical-needs-and-health-care-in-school');
  });

  it('"she\'s been shot", about a vaccination, is not a safety card', async () => {
    const reply = await send(await open(), "She's been shot! Only joking, she had her flu jab at school today and her arm hurts. She has autism and panicked, should the school have warned me first?");
    expect(kinds(reply)).not.toContain('safety');
  });

  it('"ta, that\'s all" closes the chat without a check-in', async () => {
    const id = await open();
    await send(id, 'what is a Best Start in Life Advisor?');
    const reply = await send(id, "ta, that's all");
    expect(kinds(reply)).not.toContain('checkin');
    expect(kinds(reply)).not.toContain('safety');
  });

  it('an allergy emergency told as last year is not danger now', async () => {
    const reply = await send(await open(), 'My son has a severe nut allergy and an EpiPen. Two years ago at a birthday party he ate a cake with almonds in and stopped breathing. He starts at the infant school in Wimborne in September. What should the school put in place?');
    expect(kinds(reply)).not.toContain('safety');
  });
});

describe('risk told in a translator\'s words, in the answer to a question', () => {
  it('gets the safety card on that message', async () => {
    const id = await open();
    await send(id, 'Hello. I am father, I write with translate app. School say my daughter need help with reading and speaking. What help is there?');
    let last = await send(id, 'how I ask for help');
    for (let i = 0; i < 6 && stepOf(last) && !['childAge', 'age'].includes(stepOf(last)!); i++) last = await send(id, plainly(stepOf(last)!));
    const reply = await send(id, 'She is 9 years. Also teacher see on her legs many red marks, she say is from the cable of the iron, my uncle do this when I am working.');
    expect(reply.map((r) => r.deal?.safety)).toContain('risk-of-harm');
  });
});

describe('who the question is about', () => {
  it('a grandparent of 71 bringing up a grandson who hides at school is asking about a child', async () => {
    const reply = await send(await open(), "I'm 71 and I've been bringing up my granddaughter since her dad died. She used to like school but now she hides in the toilets most of the day and they phone me to take her home. Who can help?");
    expect(kinds(reply)).not.toContain('out-of-scope');
  });

  it.each([
    'the boiler in our council house has broken and we have a toddler, who do I ring',
    'where are SEN teaching assistant jobs in Dorset schools advertised',
    'someone has dumped an old sofa and a mattress by our gate, who do I report it to',
  ])('"%s" goes to the council', async (text) => {
    const reply = await send(await open(), text);
    expect(kinds(reply)).toContain('out-of-scope');
    expect(all(reply)).toMatch(/Dorset Council/);
  });
});
