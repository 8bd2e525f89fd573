/**
 * General fixes from held-out set 18 (conversations, questions and triage cases written blind), tested through the
 * real /api/messages, the understander, search and the safety check: a town the child has left ("with his mum in
 * Exeter before") is not where they live; "my daughter Maria, 6 years" is an age; "she not have any plan or help"
 * answers two questions; "can some one ring me" after "so" asks for a person; a parent who spells by sound ("its bin a
 * yeer") is not asking about bins; "has an EHCP for dyspraxia" inside a story is not a question; hidden risks in new
 * shapes are raised, figures of speech and a panic attack are not. Wordings written afresh, not copied from the sets.
 */
import { describe, expect, it } from 'vitest';
import { loadKnowledgeBase } from '../knowledge/load.js';
import { KnowledgeSearch } from '../knowledge/search.js';
import { checkSafety } from '../safety/safety.js';
import { askedOf } from '../text/sentences.js';
import { understand } from '../understanding/understand.js';
import { all, chatWithOwnService } from './helpers/deal-chat.js';

const { send, open } = chatWithOwnService('heard18');

describe('understanding what a family typed', () => {
  it('a town the child has left is not home: the next town is, and "we moved from Poole" alone gives no town', () => {
    expect(understand('she was living with her dad in Bournemouth until the summer and now goes to the first school in Verwood').facts.town).toBe('Verwood');
    expect(understand('he was with his mum in Exeter before, now he is at the primary in Gillingham').facts.town).toBe('Gillingham');
    expect(understand('we moved from Poole in the summer').facts.town).toBeUndefined();
    expect(understand('we live in Poole').facts.town).toBe('Poole');
  });

  it('"my son Jakub, 9 years" is the age; "my son plays football 6 days a week" is not', () => {
    expect(understand('I write about my son Jakub, 9 years, in Year 4').facts.childAge).toBe(9);
    expect(understand('my son plays football 6 days a week').facts.childAge).toBeUndefined();
  });

  it('a dad who spells by sound is understood ("my sun is 9 and in yeer 4... in gillingam"), and his own dyslexia is not the child\'s diagnosis', () => {
    const heard = understand('sorry my spelling is bad i am dislexic my self. my sun is 7 and in yeer 2 at the primry scool in gillingam, he carnt reed yet');
    expect(heard.facts).toMatchObject({ childAge: 7, requester: 'parent', town: 'Gillingham', setting: 'mainstream-school' });
    expect(heard.facts.diagnosis).toBeUndefined();
    expect(understand('im dyslexic and at college in Weymouth, im 16').facts.diagnosis).toBe('diagnosed');
  });

  it('"he not have any plan or help" says no EHCP and no SEN support', () => {
    const heard = understand('he not have any plan or help at school');
    expect(heard.facts.ehcp).toBe('none');
    expect(heard.facts.senSupport).toBe('none');
  });

  it('"has an EHCP for dyspraxia" after "and" goes on with the story; "Isn\'t there a deadline?" asks', () => {
    expect(askedOf('Quick one. My son is in Year 8 at the middle school and has an EHCP for autism. Isn\'t there a deadline for naming his upper school?')).toEqual(["Isn't there a deadline for naming his upper school"]);
  });
});

describe('asking for a person in a long message', () => {
  it('"...i cant read letters good so can some one ring me" offers a person with the answer', async () => {
    const id = await open();
    const replies = await send(id, 'my girl is 8 and the school says she is way behind with her reading. i dont no what to ask for, i cant read the letters they send good so can some one ring me');
    expect(all(replies)).toMatch(/I can ask our team to contact you/);
  });
});

describe('answers from blind questions set 18', () => {
  const search = new KnowledgeSearch(loadKnowledgeBase());
  it('a dad who spells by sound is answered about reading, not sent to the bins team', () => {
    const answer = search.search('my dorter is in yeer 3 and she carnt reed propper yet, its bin like that since reception. the teecher sez she will get a intervenshun. can i get her tested for dislexia');
    expect(answer.kind).toBe('answer');
    expect(answer.results[0]?.id).toBe('learning-difficulties');
    expect(search.search('the bins have not been collected on our road').kind).toBe('out-of-scope');
  });

  it('"is the school allowed to do this?" after a story of being sent home gets the section with the rules', () => {
    const answer = search.search('my daughter is 8 and autistic, at a first school in Wimborne. since christmas the school phone me most days to collect her at lunch and now they say she can only do mornings until further notice. there is nothing in writing. is the school allowed to do this?');
    expect(answer.results[0]?.id).toBe('attendance');
    expect(answer.passage?.heading).toBe('Part-time timetables');
  });

  it('"can girls be autistic? i think i might be" is about an autism assessment', () => {
    expect(search.search('can girls even be autistic? i think i might be, i copy my friends to fit in and then i cry for hours when i get home. im 15').results[0]?.id).toBe('neurodevelopmental-assessment');
  });

  it('a child with Down syndrome bullied on the school bus is a SEND question', () => {
    const answer = search.search('my son has down syndrome and older kids on the school bus keep taking his things and calling him names');
    expect(answer.kind).not.toBe('out-of-scope');
    expect(answer.results[0]?.id).toBe('bullying-and-isolation');
  });

  it('"ordinarily available provision" is explained, and a refusal letter using those words is about challenging it', () => {
    expect(search.search('what is ordinarily available provision').passage?.heading).toBe('What "ordinarily available provision" means');
    const refusal = search.search("the council's letter says they won't assess him because his needs can be met from resources ordinarily available in school. can I challenge this?");
    expect(refusal.results[0]?.id).toBe('disagreements-and-appeals');
  });
});

describe('safety in new shapes from blind triage set 18', () => {
  it('hidden risks are raised: a partner pushing mum into a wall, a child hiding when his car comes, a girl promised in marriage, a barred father at the school gate', () => {
    expect(checkSafety('my partner when he has been drinking gets nasty, last night he push me against the wall').kind).toBe('risk-of-harm');
    expect(checkSafety('my son hides under his bed when he hears his dads car pull up').kind).toBe('risk-of-harm');
    expect(checkSafety('she told her tutor she is promised to a cousin she has never met').kind).toBe('risk-of-harm');
    expect(checkSafety("her real dad isn't allowed any contact but he turned up at the school gates twice this week").kind).toBe('risk-of-harm');
    expect(checkSafety('i keep my jumper on all day even when its roasting so no one sees my arms').kind).toBe('risk-of-harm');
    expect(checkSafety("I cover my arms so people don't stare at my eczema").kind).not.toBe('risk-of-harm');
  });

  it('figures of speech and a panic attack are not alarms', () => {
    expect(checkSafety("he says he'd rather die than read out loud in assembly, he's so embarrassed").flagged).toBe(false);
    expect(checkSafety('in a panic attack she says she feels like she is going to die, then it passes').flagged).toBe(false);
    expect(checkSafety('he went awol from maths again and sat in the library').flagged).toBe(false);
    expect(checkSafety('he is missing most of his lessons because of the reduced timetable').categories).not.toContain('missing-child');
  });
});
