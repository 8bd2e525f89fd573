/**
 * General fixes from held-out set 15 (conversations, questions and triage cases written blind), tested through the
 * real /api/messages: a check-in the family went past does not replace the safety question; "no" at that question
 * drops the check-in, and its words are not read as part of the story; more ways of asking for a person and for help;
 * a correction that names what was typed before; "not on any SEN list" answers the plan question; the sentence that
 * asks for a date gets the deadline. The wordings are written here afresh, not the scripts'.
 */
import { describe, expect, it } from 'vitest';
import { all, answerToSummary, chatWithOwnService, type Sent, skipTo, stepOf, storyToStep } from './helpers/deal-chat.js';

const { send, open } = chatWithOwnService('heard15');
const kinds = (r: Sent[]) => r.map((x) => x.deal?.kind);
const safetyOf = (r: Sent[]) => r.map((x) => x.deal?.safety).filter(Boolean);

/** An ordinary opening that the second net checks in on (a parent at breaking point). */
const CHECKED_IN = "I'm at breaking point. My son is 10, autistic, hardly sleeps and I am on my own with him and his sister in Weymouth. I haven't had a break in years.";

describe('the safety question after a check-in nobody answered', () => {
  it('is still asked, and a disclosure there gets the safety card', async () => {
    const id = await open();
    const first = await send(id, CHECKED_IN);
    // The test needs the check-in to have fired; if the net stops checking in on it, pick another opening.
    expect(kinds(first)).toContain('checkin');
    const asked = await skipTo(send, id, await send(id, 'who do I need to talk to'), 'safety');
    expect(stepOf(asked)).toBe('safety');
    const replies = await send(id, 'Yes. He told me his mum\'s boyfriend shuts him in his room all evening when he is naughty and he is frightened of him.');
    expect(safetyOf(replies)).toContain('risk-of-harm');
  });

  it('"no" there drops the check-in: the result is not the safeguarding route', async () => {
    const id = await open();
    expect(kinds(await send(id, CHECKED_IN))).toContain('checkin');
    const asked = await skipTo(send, id, await send(id, 'who do I need to talk to'), 'safety');
    const summary = await send(id, 'no, nobody is hurting him, he is just very frustrated');
    expect(stepOf(summary)).toBe('confirm');
    const result = await send(id, 'yes thats right');
    expect(stepOf(asked)).toBe('safety');
    const routes = result.flatMap((r) => r.deal?.triage?.routes?.map((x) => x.id) ?? []);
    expect(routes.length).toBeGreaterThan(0);
    expect(routes).not.toContain('urgent-safeguarding');
  });
});

describe('asking for a person and for help in other words', () => {
  it('"can someone give me a ring, I\'d rather talk it through with an actual person" offers a person', async () => {
    const id = await open();
    await send(id, 'my daughter is 9, in year 4 in Dorchester, and she is struggling with maths and friendships');
    const replies = await send(id, 'thanks. could someone from the council give me a ring? id rather talk it through with an actual person');
    expect(all(replies)).toMatch(/I can ask our team to contact you/);
  });

  it.each(['Who should we be talking to?', 'what do you think we should do first', 'how do I get this moving', 'what should I be pushing for'])(
    'after a story, "%s" starts the questions',
    async (ask) => {
      const id = await open();
      await send(id, 'my son is 10 and has dyspraxia, his handwriting is awful and the school say he is lazy. we live in Blandford');
      const replies = await send(id, ask);
      expect(stepOf(replies), JSON.stringify(kinds(replies))).toBeDefined();
    },
  );

  it('"I\'d like someone to ring me, this can\'t go on" is a request for a person, not a safety card', async () => {
    const id = await open();
    const replies = await send(id, "I'd like someone to ring me please, this can't go on");
    expect(kinds(replies)).not.toContain('safety');
  });
});

describe('understanding what was said', () => {
  it('"oh hang on i put 6, hes 7 now" at another question changes the age', async () => {
    const id = await open();
    const asked = await storyToStep(send, id, 'my lad is 6, he has a stammer and the other kids copy him, he has stopped talking in class', 'setting');
    expect(stepOf(asked)).toBe('setting');
    const replies = await send(id, 'oh hang on i put 6, hes 7 now, his birthday was last week. hes at primary');
    expect(all(replies)).toContain("I've changed that");
    const summary = await skipTo(send, id, replies, 'confirm');
    expect(all(summary)).toContain('"title":"Age","value":"7"');
  });

  it('"not on any SEN list" answers the plan question too: it is not asked', async () => {
    const id = await open();
    await send(id, 'my son is 6 and in year 1 at a first school in Verwood, he has meltdowns every day after school and only eats a few foods. we have no diagnosis and he is not on any SEN list as far as we know');
    const { steps, summary } = await answerToSummary(send, id, await send(id, 'can you point me in the right direction'));
    expect(stepOf(summary)).toBe('confirm');
    expect(steps).not.toContain('ehcp');
    expect(all(summary)).toContain('"title":"EHC plan","value":"No"');
  });

  it('"What is the date for this?" in a story about a school move gets the deadline', async () => {
    const id = await open();
    const replies = await send(id, 'My son is 10 and in year 6 near Blandford. He has an EHCP. Next year he goes to secondary school but nobody has told us which school. What is the date for this?');
    expect(kinds(replies)).toContain('answer');
    expect(all(replies)).toContain('15 February');
  });
});
