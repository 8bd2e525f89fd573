/**
 * Fixes from held-out set 29 (conversations written blind), tested through the real /api/messages: an age put right at the
 * town question replaces the one told before; "son mine 8" (British Sign Language word order) and "my son Piotr 12
 * years" are ages; "no nursery" is where a baby is now, whatever the story hopes for later; a town's hospital is not
 * where the family lives; a baby under one is "Under 1", not "0"; "what next me do" starts the questions; working in
 * a care home is a parent's job, not an adult-care question; children left locked in alone while a parent works nights
 * get the safety card on that message. Wording written afresh, not copied from the set.
 */
import { describe, expect, it } from 'vitest';
import { all, answerToSummary, chatWithOwnService, skip, stepOf, type Sent, summaryFact } from './helpers/deal-chat.js';

const { send, open } = chatWithOwnService('heard29');
const plainly = (step: string) => (step === 'safety' ? 'no' : step === 'place' ? 'Blandford' : skip(step));

describe('what the family told us, as they told it', () => {
  it('an age put right at the town question replaces the one told before', async () => {
    const id = await open();
    await send(id, 'My stepdaughter is 12 and has panic attacks every morning before school, she has only been in two days a week since October. No EHCP.');
    let asked = await send(id, 'who can help us with this');
    if (stepOf(asked) === 'concern') asked = await send(id, 'panic attacks and she is missing school');
    expect(stepOf(asked)).toBe('place');
    const fixed = await send(id, 'sorry, just noticed I said 12, Jess is 13, her birthday was in May');
    expect(all(fixed)).toMatch(/changed that/);
    const { summary } = await answerToSummary(send, id, await send(id, 'Blandford'), plainly);
    expect(summaryFact(summary, 'Age')).toBe('13');
  });

  it('"son mine 8" and "my son Piotr 12 years" are ages, not a guess from the school year', async () => {
    for (const [story, age] of [
      ['me deaf, english second. son mine 8, autism, year 3 school Blandford. reading no, writing no. help what next', '8'],
      ['Good day, my english is not perfect. My son Piotr 12 years, Year 7 in school in Blandford, he have dyslexia and he cry with homework. What we can do?', '12'],
    ] as const) {
      const id = await open();
      await send(id, story);
      const { summary } = await answerToSummary(send, id, await send(id, 'what should I do now'), plainly);
      expect(summaryFact(summary, 'Age')).toBe(age);
    }
  });

  it('a baby at home with no nursery is "At home, not in a setting yet" and "Under 1", whatever the story hopes for later', async () => {
    const id = await open();
    await send(id, "our son is 9 months old and has a rare genetic condition, he can't hold his head up yet. he is at home with me, no nursery. I keep wondering if he will ever cope with the preschool in the village. we live in Blandford");
    const { summary } = await answerToSummary(send, id, await send(id, 'who do i talk to about all this then'), plainly);
    expect(summaryFact(summary, 'Setting')).toBe('At home, not in a setting yet');
    expect(summaryFact(summary, 'Age')).toBe('Under 1');
  });

  it('a town\'s hospital is not where the family lives', async () => {
    const id = await open();
    await send(id, 'My daughter is 2 and was born with a heart condition, the consultant at Dorchester hospital sees her. She is not walking yet and has no words. We live on a farm and I am not sure who to ask about nursery help.');
    const { summary } = await answerToSummary(send, id, await send(id, 'can you help me'), plainly);
    expect(summaryFact(summary, 'Where')).toBe('Blandford');
  });
});

describe('asking for help in other words', () => {
  it('"what next me do" starts the questions', async () => {
    const id = await open();
    await send(id, 'me deaf. son mine 7, autism. school Blandford say wait.');
    const reply = await send(id, 'what next me do');
    expect(reply.map((r) => r.deal?.kind)).toContain('question');
  });

  it('working in a care home is the parent\'s job: the question about school is answered', async () => {
    const reply = await send(await open(), 'I work nights in a care home so I never get to parents evening. My son is 9 and the teacher says he is two years behind with reading but to wait and see. Should he be getting extra help?');
    expect(reply.map((r) => r.deal?.kind)).not.toContain('out-of-scope');
    expect(reply.flatMap((r) => r.deal?.articles ?? []).length).toBeGreaterThan(0);
  });
});

describe('risk told in passing', () => {
  it('children left locked in alone while the parent works nights get the safety card on that message', async () => {
    const id = await open();
    await send(id, 'My boys are 9 and 6 and both have ADHD. School want me at meetings in the day but I work nights.');
    const reply = await send(id, "there is nobody to have them, so when they're asleep I lock the door and go to work, the eldest knows my number");
    expect(reply.map((r) => r.deal?.safety)).toContain('risk-of-harm');
  });
});
