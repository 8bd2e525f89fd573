/**
 * General fixes from held-out set 17 (conversations, questions and triage cases written blind), tested through the
 * real /api/messages, the understander, the rules and search: "his plan reviewed every term" is an SEN support plan,
 * not an EHCP; a correction inside another answer ("she's actually 13"); the home town a young person travels from
 * wins over the college town; a 19-year-old out of college is asked about adult life, not attendance; questions to a
 * young person read as English ("Do you have", "you are"); a late annual review has its time limit; figures of speech
 * ("Mr P is gonna KILL me because he forgot his kit") and a past risk told about "when my son was 4" are not alarms,
 * while hidden risks told in new shapes are. Wordings written afresh, not copied from the blind sets.
 */
import { describe, expect, it } from 'vitest';
import { loadKnowledgeBase } from '../knowledge/load.js';
import { KnowledgeSearch } from '../knowledge/search.js';
import { checkSafety } from '../safety/safety.js';
import { runTriageJson } from '../triage/eval.js';
import { understand } from '../understanding/understand.js';
import { all, chatWithOwnService, stepOf } from './helpers/deal-chat.js';

const { send, open } = chatWithOwnService('heard17');

describe('understanding what a family typed', () => {
  it('a plan "reviewed every term" alongside SEN support is not an EHCP; "she has her plan from the council" still is', () => {
    const heard = understand('She has been on SEN support since year 1 with her plan reviewed every term at school.');
    expect(heard.facts.ehcp).toBeUndefined();
    expect(heard.facts.senSupport).toBe('established');
    expect(understand('he is in year 4 with his plan from the council').facts.ehcp).toBe('has-plan');
  });

  it('"sorry I put 12 before, she\'s actually 13" in another answer is the age', () => {
    expect(understand("Swanage. sorry I said 12 before, she's actually 13").facts.childAge).toBe(13);
    expect(understand("he's really 9, not 8").facts.childAge).toBe(9);
  });

  it('a young person who goes to college in one town on the bus from another lives in the second; "I go to college" is where they are now', () => {
    const heard = understand('im 18 and i go to college in weymouth, i get the bus in from portland every day');
    expect(heard.facts.town).toBe('Portland');
    expect(heard.facts.setting).toBe('college');
    expect(understand('she wants to go to college next year').facts.setting).toBeUndefined();
  });
});

describe('routes and questions for a young adult', () => {
  const youngAdult = { requester: 'young-person', childAge: 20, setting: 'not-attending', town: 'Sherborne', needs: ['semh'], senSupport: 'none', externalAdvice: false, ehcp: 'none', diagnosis: 'diagnosed', safetyConcern: false };
  it('at 20 and out of college, wanting to do something, the route is preparing for adulthood, not attendance', () => {
    const run = runTriageJson(JSON.stringify({ ...youngAdult, concern: 'i left sixth form because of anxiety and ive been at home since, i want to get a job but dont know where to start' }));
    expect(run.ok && run.result.primary).toBe('preparing-for-adulthood');
    const child = runTriageJson(JSON.stringify({ ...youngAdult, requester: 'parent', childAge: 13, setting: 'not-attending', concern: 'she has not been in school since half term' }));
    expect(child.ok && child.result.primary).toBe('attendance-and-exclusion');
  });

  it('the questions to a young person read as English ("Do you have", "you are not safe")', async () => {
    const id = await open();
    await send(id, "i'm 17 and autistic, i live in Gillingham and i'm at college but i'm really struggling with the noise");
    let replies = await send(id, 'can you help me work out what to do');
    const seen: string[] = [];
    for (let i = 0; i < 12 && stepOf(replies) && stepOf(replies) !== 'confirm'; i++) {
      seen.push(all(replies));
      replies = await send(id, stepOf(replies) === 'safety' ? 'no' : 'not sure');
    }
    const text = seen.join('\n');
    expect(text).toContain('Is anyone worried that you are not safe');
    expect(text).not.toMatch(/Does you|you is/);
  });
});

describe('answers from blind questions set 17', () => {
  const search = new KnowledgeSearch(loadKnowledgeBase());
  it('"is there a time limit" for a late annual review answers with the section that gives it', () => {
    const answer = search.search("his review was due in the spring and nothing has happened. is there a time limit on annual reviews?");
    expect(answer.results[0]?.id).toBe('annual-review');
    expect(answer.passage?.text).toMatch(/12 months/);
  });

  it('"mornings only for now, nothing in writing... is this allowed?" gets the part-time timetable section', () => {
    const answer = search.search("school keep phoning me to come and get my son at lunchtime and now he is on mornings only for now. there is nothing in writing. is that even allowed?");
    expect(answer.results[0]?.id).toBe('attendance');
    expect(answer.passage?.heading).toBe('Part-time timetables');
  });
});

describe('safety in new shapes from blind triage set 17', () => {
  it('hidden risks are raised: blades gone from sharpeners, a child left alone while a parent works nights, seizure medicine stopped', () => {
    expect(checkSafety('when I tidied his pencil case the blades were out of all of his sharpeners').kind).toBe('risk-of-harm');
    expect(checkSafety("she won't let me see her arms any more, even when she's in her pyjamas").kind).toBe('risk-of-harm');
    expect(checkSafety('I do night shifts at the factory and there is nobody else so the two kids are on their own till morning').kind).toBe('risk-of-harm');
    expect(checkSafety('mum has stopped giving him his epilepsy medication because she thinks it makes him sleepy').kind).toBe('risk-of-harm');
    expect(checkSafety('my son (15, ASC) did not come home on saturday night and his phone is off').flagged).toBe(true);
  });

  it('figures of speech and a past that is over are not alarms', () => {
    expect(checkSafety("every day it's 'my teacher is gonna kill me' because he's forgotten his homework again").flagged).toBe(false);
    const past = checkSafety('We had a social worker when my daughter was 3 because of domestic abuse from her dad. That was all closed in 2020, he has no contact and there is a court order. Now I need help with her EHCP.');
    expect(past.kind).not.toBe('risk-of-harm');
  });
});
