/**
 * Fixes from held-out set 30 (conversations written blind), tested through the real /api/messages: Prader-Willi food
 * seeking told as the condition is not a safety card; a parent who says her job ("I am a nurse") beside "my son" is a
 * parent, and a 14-year-old writing about herself is asked about "you"; the town they have moved to, not the hotel
 * before it or a school that closed; "they will not carry one out" is a refused assessment; "what's the DSR and who can
 * refer to it" is about the DSR, not the question before it; "my dad says what do we do now" and "Please would you set
 * out the next steps" start the questions; "who do I ask to get her looked at properly" is not being sent home; a
 * 19-year-old afraid the plan stops hears it can go on to 25; "she'd be better off not here" is the safety card.
 * Wording written afresh, not copied from the set.
 */
import { describe, expect, it } from 'vitest';
import { all, answerToSummary, chatWithOwnService, skip, stepOf, type Sent, summaryFact, storyToSummary } from './helpers/deal-chat.js';

const chat = chatWithOwnService('heard30');
const { send, open } = chat;
const plainly = (step: string) => (step === 'safety' ? 'no' : step === 'place' ? 'Sherborne' : skip(step));
const kinds = (r: Sent[]) => r.map((x) => x.deal?.kind);
const articles = (r: Sent[]) => r.flatMap((x) => x.deal?.articles ?? []);
const primaryOf = (r: Sent[]) => r.find((x) => x.deal?.kind === 'result')?.deal?.triage?.primary;


const summaryOf = (story: string) => storyToSummary(chat, story, plainly);

describe('what the family told us, as they told it', () => {
  it('Prader-Willi food seeking told as the condition is answered, with no safety card', async () => {
    const reply = await send(await open(), 'my son has Prader-Willi syndrome, he is never full. he takes food from the bins at school and out of other childrens lunchboxes, at home we lock the fridge like the dietitian said. how do i get school to plan lunchtimes safely?');
    expect(reply.map((r) => r.deal?.safety).filter(Boolean)).toEqual([]);
  });

  it('a parent who says her job beside "my son" is a parent; a 14-year-old about herself is "you"', async () => {
    expect(summaryFact(await summaryOf('my son is 10 and autistic, he is in year 5 at the primary in Sherborne. i am a nurse on nights so i cannot phone in the day. he is not coping with the noise in class'), 'Who is asking')).toBe('Parent');
    const id = await open();
    await send(id, 'Hello. I am 14. I have ADHD. I am in Year 9 at a school in Sherborne. I find lessons very hard to sit through.');
    const asked = await send(id, 'I would like you to ask me the questions please.');
    expect(all(asked)).not.toMatch(/your child/);
  });

  it('the town they have moved to, not the hotel before it or a school that closed', async () => {
    expect(summaryFact(await summaryOf('My daughter is 3 and has global developmental delay, she does not walk yet. Before we live in hotel in Weymouth, now council give us temporary flat in Sherborne. Nobody comes to help now.'), 'Where')).toBe('Sherborne');
    expect(summaryFact(await summaryOf('my son is 12 with an ehcp, his plan names a special school near lyme that shut down in the summer, now hes at the secondary in sherborne as a stop gap and nothing in the plan is happening'), 'Where')).toBe('Sherborne');
  });

  it('"they will not carry one out" is a refused assessment: independent advice first', async () => {
    const id = await open();
    await send(id, 'My grandson is 9 and at a primary in Sherborne. He has been on SEN support for two years and the EP has seen him. The school asked for an EHC needs assessment and the council have written to say they will not carry one out.');
    await answerToSummary(send, id, await send(id, 'what should I do now'), plainly);
    expect(primaryOf(await send(id, "yes that's right"))).toBe('independent-advice');
  });

  it('a 19-year-old afraid the plan stops hears that it can go on to 25', async () => {
    const id = await open();
    await send(id, 'im 19 and have an ehcp for autism. my college course in sherborne was cancelled so im at home doing nothing now. does my ehcp stop now?');
    await answerToSummary(send, id, await send(id, 'can u help me sort out whats next'), plainly);
    expect(all(await send(id, "yes that's right"))).toMatch(/\b25\b/);
  });
});

describe('questions and help asked in other words', () => {
  it('"what\'s the DSR and who can refer to it" is about the DSR, not the question before it', async () => {
    const id = await open();
    await send(id, 'YP in Y11 with an EHCP moving to FE college in Sept. What is the deadline to amend the plan?');
    expect(articles(await send(id, 'also whats the DSR and who can refer to it'))[0]).toBe('key-worker');
  });

  it('"my dad says what do we do now" and "Please would you set out the next steps" start the questions', async () => {
    for (const ask of ['my dad says what do we do now', 'Please would you set out the next steps.']) {
      const id = await open();
      await send(id, 'My brother is 8 and he stammers very badly, the other children copy him. We live in Sherborne.');
      expect(kinds(await send(id, ask))).toContain('question');
    }
  });

  it('"who do I even ask to get her looked at properly?" is not being sent home from school', async () => {
    const id = await open();
    await send(id, "My daughter is 5 and in Reception in Sherborne. School say she is fine in class, but she falls apart the minute she is in the car, screaming, and she won't use the school toilets. Nothing is in place because she isn't a problem for them.");
    await answerToSummary(send, id, await send(id, 'who do I even ask to get her looked at properly?'), plainly);
    expect(primaryOf(await send(id, "yes that's right"))).not.toBe('attendance-and-exclusion');
  });
});

describe('risk told in passing', () => {
  it('"she said she\'d be better off not here... probably nothing" gets the safety card on that message', async () => {
    const id = await open();
    await send(id, 'DD 12, anxiety, not been in school since feb half term. attendance letters keep coming.');
    const reply = await send(id, "last night she said she'd be better off not here and we'd all get a rest. probably nothing");
    expect(reply.map((r) => r.deal?.safety)).toContain('risk-of-harm');
  });
});
