/**
 * Fixes from held-out set 28 (conversations written blind), tested through the real /api/messages: a nursery that will
 * not have a 3-year-old back is an early years question, not a "needs a person" card; "doin runs" for older boys and
 * owing them is exploitation, caught on the message; "a letter saying no" to an assessment is a refusal; asking "what
 * are my rights?" about a late annual review is the plan's casework, not a disagreement; a child who "hasn't managed to
 * go in at all" is not attending. Wording written afresh, not copied from the set.
 */
import { describe, expect, it } from 'vitest';
import { all, answerToSummary, chatWithOwnService, skip, type Sent } from './helpers/deal-chat.js';

const { send, open } = chatWithOwnService('heard28');
const kinds = (r: Sent[]) => r.map((x) => x.deal?.kind);
const plainly = (step: string) => (step === 'safety' ? 'no' : step === 'place' ? 'Gillingham' : skip(step));
const primaryOf = (r: Sent[]) => r.find((x) => x.deal?.kind === 'result')?.deal?.triage?.primary;

async function resultOf(story: string): Promise<Sent[]> {
  const id = await open();
  await send(id, story);
  await answerToSummary(send, id, await send(id, 'what should I do now'), plainly);
  return send(id, "yes that's right");
}

describe('what the family told us', () => {
  it('a nursery that will not have a 3-year-old back is answered, not a "needs a person" card', async () => {
    const reply = await send(await open(), 'my daughter is 3 and the nursery have said not to bring her back after half term because she hits the other children and they cant manage her. is that allowed?');
    expect(kinds(reply)).not.toContain('safety');
  });

  it('"a letter saying no" to an assessment is a refusal: independent advice first', async () => {
    const result = await resultOf('My son is 9 and dyslexic, at a primary in Gillingham, SEN support for three years. We applied for an EHC needs assessment in the spring and this week got a letter from the council saying no.');
    expect(primaryOf(result)).toBe('independent-advice');
  });

  it('a story that ends "a letter saying no... what are our options?" is answered with appeals first', async () => {
    const reply = await send(await open(), "Our daughter is 10, autistic and at a primary in Verwood. Two years of SEN support have not helped. We asked the council for an EHC needs assessment and had a letter this week saying no, because her reading is at the expected level. What can we do?");
    expect(reply.flatMap((r) => r.deal?.articles ?? [])[0]).toBe('disagreements-and-appeals');
  });

  it('"what are my rights?" about a late annual review is the plan\'s casework', async () => {
    const result = await resultOf("My daughter is 12 and has had an EHCP since she was 5. She is at the secondary in Gillingham. Her annual review was due in January and nobody has arranged it. Who do I chase and what are my rights?");
    expect(primaryOf(result)).toBe('existing-ehcp');
  });

  it('a child who "hasn\'t managed to go in at all" is not attending', async () => {
    const result = await resultOf("Our son is 13 and autistic, in Year 8 at the school in Gillingham. Since Christmas he hasn't managed to go in at all, he is sick with worry every morning. He is on SEN support and has no EHCP.");
    expect(['attendance-and-exclusion', 'emotional-wellbeing']).toContain(primaryOf(result));
  });
});

describe('risk told in slang, in the answer to a question', () => {
  it('"doin runs" for older boys and owing them gets the safety card on that message', async () => {
    const id = await open();
    await send(id, 'yo im 15 n got kicked out of my school, im at the learning centre now. can i get an ehcp');
    const reply = await send(id, 'tbh im hardly there, mostly doin runs for the olders, they give me p but i owe em now so i cant stop');
    expect(reply.map((r) => r.deal?.safety)).toContain('risk-of-harm');
  });
});
