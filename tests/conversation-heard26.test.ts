/**
 * Fixes from held-out set 26 (conversations written blind) and what was left from set 25, tested through the real
 * /api/messages: a long story that names no worry is asked what the worry is, not "what is happening?" again; a plan from
 * Scotland leads to an EHC needs assessment; a rule someone heard of is not a refusal; an age told beside a name, or put
 * right in the same breath, is the age; an age guessed from a school year says so; a short follow-up ("how do we
 * challenge it?") is read with the story; a "no, he's fine" at the safety question answers a check-in; a tracheostomy's
 * "if it blocks he can't breathe" is a care plan question; grooming told in BSL-style sentences is caught on its message.
 * Wording written afresh, not copied from the sets.
 */
import { describe, expect, it } from 'vitest';
import { all, answerToSummary, chatWithOwnService, skip, stepOf, type Sent } from './helpers/deal-chat.js';

const { send, open } = chatWithOwnService('heard26');
const kinds = (r: Sent[]) => r.map((x) => x.deal?.kind);
const articles = (r: Sent[]) => r.flatMap((x) => x.deal?.articles ?? []);
const plainly = (step: string) => (step === 'safety' ? 'no' : step === 'place' ? 'Dorchester' : skip(step));

describe('a long story that names no worry', () => {
  it('is asked what the worry is, not what is happening', async () => {
    const id = await open();
    const first = await send(id, "My wife and I are 70 and we have looked after our granddaughter since she was three, she is nine now and at the first school in Gillingham. The teacher keeps sending letters home about a meeting and a plan and we don't really follow it. Please could somebody phone us and go through it?");
    expect(stepOf(first)).toBe('concern');
    expect(all(first)).toMatch(/most worried about/);
    expect(all(first)).not.toMatch(/In a sentence or two, what is happening/);
  });

  it('a short message with no story is still asked what is happening', async () => {
    const first = await send(await open(), 'can someone phone me please');
    expect(stepOf(first)).toBe('concern');
    expect(all(first)).toMatch(/In a sentence or two, what is happening/);
  });
});

describe('what the family told us', () => {
  it('a co-ordinated support plan from Scotland leads to an EHC needs assessment', async () => {
    const id = await open();
    await send(id, 'We have just moved from Edinburgh to Bridport. My son is 10 and had a co-ordinated support plan up there because of his autism and dyspraxia, with a support assistant most mornings. His new primary says none of that counts here and he is struggling badly.');
    const { summary } = await answerToSummary(send, id, await send(id, 'what do we do now'), plainly);
    const result = await send(id, "yes that's right");
    expect(all(summary)).not.toMatch(/Yes, there is a plan/);
    expect(all(result)).toMatch(/does not carry over|EHC needs assessment/);
    expect(result.find((r) => r.deal?.kind === 'result')?.deal?.triage?.primary).toBe('ehcna');
  });

  it('a rule someone heard of is not a refused assessment', async () => {
    const id = await open();
    await send(id, "My son is 4 and has cerebral palsy. He goes to pre-school in Wareham and starts school next year. We haven't applied for an EHCP yet, a friend said the council won't assess until he has been in school a while. Is that right?");
    const { summary } = await answerToSummary(send, id, await send(id, 'what should we do first'), plainly);
    expect(all(summary)).not.toMatch(/An assessment was refused/);
  });

  it('an age set off by a name is the age, and an age put right in the same breath is the new one', async () => {
    const named = await open();
    await send(named, 'We foster two children. The younger one, Alfie, is 6 and in Year 1 at the school in Blandford, and he cannot sit still or follow instructions.');
    const one = await answerToSummary(send, named, await send(named, 'what should we do next'), plainly);
    expect(all(one.summary)).toMatch(/\b6\b/);
    expect(all(one.summary)).not.toMatch(/6 or 7/);

    const fixed = await open();
    await send(fixed, 'my girl only says a few words and gets so cross, shes 3 in march');
    const asked = await send(fixed, 'can u help me wot do i do');
    const { summary } = await answerToSummary(send, fixed, asked, (step) => (step === 'place' ? 'portland. sorry i wrote shes 3 but shes not, shes 2' : plainly(step)));
    expect(all(summary)).toMatch(/Age[^\n]*\b2\b/);
  });

  it('an age read from a school year says it is a guess', async () => {
    const id = await open();
    await send(id, 'my daughter is in year 9 at the academy in Weymouth and she cannot read the questions in her tests');
    const { summary } = await answerToSummary(send, id, await send(id, 'what now'), (step) => (step === 'age' || step === 'childAge' ? skip(step) : plainly(step)));
    expect(all(summary)).toMatch(/13 or 14, from the school year/);
  });

  it('"not know" is an answer, not a dead end', async () => {
    const id = await open();
    await send(id, 'Son 6. Deaf one ear. School Swanage. Teacher not help.');
    let last = await send(id, 'What next. Help me please.');
    for (let i = 0; i < 8 && stepOf(last) && stepOf(last) !== 'senSupport'; i++) last = await send(id, plainly(stepOf(last)!));
    expect(stepOf(last)).toBe('senSupport');
    const next = await send(id, 'not know');
    expect(all(next)).not.toMatch(/didn't understand/);
    expect(stepOf(next)).not.toBe('senSupport');
  });
});

describe('a short follow-up that points back at the story', () => {
  it('is read with the story: "challenging it" after a refused assessment is about appeals', async () => {
    const id = await open();
    await send(id, 'My daughter is 9, she is autistic and has been on SEN support for two years at her school in Ferndown. We asked the council for an EHC needs assessment in the summer and this week they wrote to say they will not assess her.');
    const next = await send(id, 'how can we challenge that?');
    expect(articles(next)[0]).toBe('disagreements-and-appeals');
  });
});

describe('safety in the conversation', () => {
  it('"no, he\'s fine" at the safety question answers a check-in: the result is not marked with it', async () => {
    const id = await open();
    const first = await send(id, "hiya, my lil boy is 2 n only has like 3 words, the rest is pointin n screamin n throwin himself about when i cant work out wot he wants. my mum sez leave it. idk wot to do");
    const asked = await send(id, 'can u help me sort it pls');
    const { summary } = await answerToSummary(send, id, asked, (step) => (step === 'safety' ? 'no hes fine, just frustrated' : step === 'place' ? 'Weymouth' : skip(step)));
    const result = await send(id, "yes that's right");
    expect(kinds([...first, ...summary])).not.toContain('safety');
    expect(all(result)).not.toMatch(/made us want to check that everyone is safe/);
  });

  it('"if it blocks he can\'t breathe", about a tracheostomy, is a care plan question', async () => {
    const reply = await send(await open(), "My daughter has had a trach since birth. If it blocks she can't breathe, so staff need training in suction and emergency changes. She starts nursery in Shaftesbury in January and they are scared to take her. Who trains them?");
    expect(kinds(reply)).not.toContain('safety');
    expect(kinds(reply)).not.toContain('checkin');
  });

  it('grooming told in short BSL-style sentences gets the safety card on that message', async () => {
    const id = await open();
    await send(id, 'Hello. Me Deaf. Daughter 13. Dyslexia. School Gillingham. Need help reading.');
    const reply = await send(id, 'Also worry. Man age 25. She say boyfriend. He buy her phone, vape, vodka. She say he say not tell mum.');
    expect(reply.map((r) => r.deal?.safety)).toContain('risk-of-harm');
  });
});
