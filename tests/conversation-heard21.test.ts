/**
 * Fixes from held-out set 21 (conversations written blind), tested through the real /api/messages: an opening of
 * thirty words or more that names no worry ("the teacher stopped me at pick up, he is struggling and they want a
 * meeting") has not said what is happening, so the open question is still asked, and what the family tells there
 * (a child left alone at night) gets the safety card; asks with no topic ("Please begin the questions. I would like
 * the correct next step.", an emoji after "what do i actually do") start the questions without an article first; a
 * correction naming the child ("Amir is 5, not 6") replaces the age; a grandparent's town is not the family's; "at
 * home in" a town is where they live; "idk??" answers a question; weeks out of school are the attendance route, not
 * a card. Wording written afresh, not copied from the set.
 */
import { describe, expect, it } from 'vitest';
import { all, answerToSummary, chatWithOwnService, skip, stepOf } from './helpers/deal-chat.js';

const { send, open } = chatWithOwnService('heard21');

describe('a longer opening that names no worry', () => {
  it('still gets the open question, and a disclosure there gets the safety card', async () => {
    const id = await open();
    await send(id, 'hiya just after some advice for my daughter, she is 9 and at the primary school in Weymouth, her teacher stopped me at the gate after school and said she is struggling and they want a meeting next week');
    let replies = await send(id, 'what should i do');
    const steps: string[] = [];
    for (let i = 0; i < 10 && stepOf(replies) && stepOf(replies) !== 'concern' && stepOf(replies) !== 'confirm'; i++) {
      steps.push(stepOf(replies)!);
      replies = await send(id, stepOf(replies) === 'safety' ? 'no' : skip(stepOf(replies)!));
    }
    expect(stepOf(replies)).toBe('concern');
    const card = await send(id, "she's tired cos i work nights at the hospital and there's nobody else, so she's in the house on her own till i get back at 8");
    expect(card.map((r) => r.deal?.kind)).toContain('safety');
    expect(all(card)).toMatch(/999/);
  });
});

describe('asks with no topic of their own', () => {
  it.each([
    'Please begin the questions. I would like the correct next step.',
    'so wot do i actually do now 😩',
    'OK. What would you suggest we do next, then?',
  ])('"%s" starts the questions at once, with no article before them', async (ask) => {
    const id = await open();
    await send(id, 'my son is 8 and at the primary in Gillingham, his reading is way behind the others and he gets very upset about homework every night');
    const replies = await send(id, ask);
    expect(stepOf(replies)).toBeTruthy();
    expect(replies.map((r) => r.deal?.kind)).not.toContain('answer');
  });
});

describe('facts told the way families put them', () => {
  it('"Amir is 5, not 6" corrects the age, though another child is 6', async () => {
    const id = await open();
    await send(id, 'I look after my two grandsons. Amir is 6 and goes to the infant school in Bridport, he is very behind with his talking and the teacher is worried.');
    await send(id, 'what should i do next?');
    await send(id, 'Sorry, I have mixed them up. Amir is 5, not 6. It is his brother who is 6.');
    const { summary } = await answerToSummary(send, id, await send(id, 'what should i do next?'), (step) => (step === 'safety' ? 'no' : skip(step)));
    expect(all(summary)).toContain('"title":"Age","value":"5"');
  });

  it("a grandparent's town is not where the family lives, and 'at home in' a town is", async () => {
    const id = await open();
    await send(id, 'Son, 9, Year 4 at a primary in Wimborne, we live in Wimborne. His spelling is far behind. My dad lives in Sherborne and helps with the school run.');
    const a = await answerToSummary(send, id, await send(id, 'next steps please'), (step) => (step === 'safety' ? 'no' : skip(step)));
    expect(all(a.summary)).toContain('"title":"Where","value":"Wimborne"');
    const other = await open();
    await send(other, 'im 19 with an ehcp, my course at the college near Dorchester was cancelled in august and now im just at home in Lyme Regis doing nothing');
    const b = await answerToSummary(send, other, await send(other, 'what do i do now'), (step) => (step === 'safety' ? 'no' : skip(step)));
    expect(all(b.summary)).toContain('"title":"Where","value":"Lyme Regis"');
  });

  it('"idk?? ..." is an answer to the question, not a search', async () => {
    const id = await open();
    await send(id, 'im 15 and i havent been to school much since the summer because i panic every morning, the gp says its anxiety. i go to the school in Blandford');
    let replies = await send(id, 'what do i do');
    for (let i = 0; i < 8 && stepOf(replies) && !['senSupport', 'confirm'].includes(stepOf(replies)!); i++) replies = await send(id, stepOf(replies) === 'safety' ? 'no' : skip(stepOf(replies)!));
    if (stepOf(replies) !== 'senSupport') return expect(stepOf(replies)).toBe('confirm');
    const next = await send(id, 'idk?? they gave me a card to leave lessons once');
    expect(next.map((r) => r.deal?.kind)).not.toContain('clarify');
    expect(stepOf(next)).not.toBe('senSupport');
  });
});

describe('weeks out of school', () => {
  it('are the attendance route, with no "needs a person" card on the story', async () => {
    const id = await open();
    const replies = await send(id, 'My son is 12 and autistic. He has not been into school for 6 weeks because of anxiety. The school emails work but he cannot do it. What support is there?');
    expect(replies.map((r) => r.deal?.kind)).not.toContain('safety');
  });
});
