/**
 * Fixes from held-out set 23 (conversations written blind), tested through the real /api/messages: a question asked
 * inside the story ("is it right the wait is 2 years??") is answered and the questions go on; a plain "no, she's safe
 * here" at the safety question is not met with "Is everyone safe?"; a child with a plan taught in hospital gets the plan's
 * route, not the one for a child without education; "ND" in a professional's capitals is neurodevelopmental. Wording
 * written afresh, not copied from the set.
 */
import { describe, expect, it } from 'vitest';
import { all, chatWithOwnService, stepOf, storyToStep, type Sent } from './helpers/deal-chat.js';
import { runTriageJson } from '../triage/eval.js';

const { send, open } = chatWithOwnService('heard23');
const kinds = (r: Sent[]) => r.map((x) => x.deal?.kind);

describe('a question asked inside the story', () => {
  it('is answered beside it, and the next question follows', async () => {
    const id = await open();
    await storyToStep(send, id, 'hi, we live out near Blandford and my boy is 8', 'concern');
    const next = await send(id, 'sorry before i say, is it true the wait for an adhd assessment is two years?? his teacher thinks he has adhd, he cant sit still');
    expect(all(next)).toMatch(/18 months/);
    expect(stepOf(next)).toBeTruthy();
    expect(stepOf(next)).not.toBe('concern');
  });
});

describe('the answer to the safety question', () => {
  it('a plain no that says they are safe is not checked again; a no with a worry after it still is', async () => {
    const id = await open();
    const asked = await storyToStep(send, id, 'my grandson is 9 and lives with me in Portland, he cant sit still in class', 'safety');
    expect(stepOf(asked)).toBe('safety');
    const fine = await send(id, "no, he's settled and safe here with me, he's been with us three years");
    expect(kinds(fine)).not.toContain('checkin');
    expect(kinds(fine)).not.toContain('safety');
    const other = await open();
    await storyToStep(send, other, 'my daughter is 6 and lives with me in Weymouth, she has hardly any words', 'safety');
    const worry = await send(other, 'no but my ex keeps turning up drunk at the house and shouting and the kids are terrified of him');
    expect(kinds(worry).some((k) => k === 'checkin' || k === 'safety')).toBe(true);
  });
});

describe('taught in hospital, with a plan', () => {
  it('is the plan route first, not the route for a child without education', () => {
    const result = runTriageJson(JSON.stringify({ requester: 'parent', childAge: 12, setting: 'alternative-provision', town: 'Bridport', needs: ['sensory-physical'], concern: 'She has an EHCP and has been on the ward at the children\'s hospital since September after surgery, taught by the hospital school. Her annual review never happened.', ehcp: 'has-plan', senSupport: 'established', externalAdvice: false, diagnosis: 'diagnosed', safetyConcern: false }));
    expect(result).toMatchObject({ ok: true });
    if (!result.ok) return;
    expect(result.result.primary).toBe('existing-ehcp');
    const learningCentre = runTriageJson(JSON.stringify({ requester: 'parent', childAge: 12, setting: 'alternative-provision', town: 'Bridport', needs: ['semh'], concern: 'He has an EHCP and goes to the learning centre three mornings a week.', ehcp: 'has-plan', senSupport: 'established', externalAdvice: false, diagnosis: 'diagnosed', safetyConcern: false }));
    expect(learningCentre.ok && learningCentre.result.primary).toBe('attendance-and-exclusion');
  });
});

describe("a professional's shorthand", () => {
  it('"ND" in capitals is neurodevelopmental; "nd" in lower case is still "and"', async () => {
    const id = await open();
    const replies = await send(id, "what's the current wait for ND assessment? a mum is asking");
    expect(all(replies)).toMatch(/18 months/);
  });
});
