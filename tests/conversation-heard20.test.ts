/**
 * General fixes from held-out set 20 (conversations, questions and triage cases written blind), tested through the
 * intents, the understander, the rules, search and the safety check: more typed asks for help; the last place a family
 * says they live wins; a visiting therapist "hasn't been in" is a plan not delivered, not a child out of school;
 * families' own words for hearing and sight; hidden risks in new shapes (retinal bleeding with a fall story, "was not
 * brought" and untreated abscesses, an online "friend" asking for photos and a meeting, a child afraid he'll "get it"
 * at home, a young person who thinks everyone would be better off without him); a seizure that is over, a film's line
 * and a panic attack are not alarms, an asthma attack still is; a school place or an eviction goes to the council.
 * Wordings written afresh, not copied from the sets.
 */
import { describe, expect, it } from 'vitest';
import { intentOf } from '../conversation/intents.js';
import { loadKnowledgeBase } from '../knowledge/load.js';
import { KnowledgeSearch } from '../knowledge/search.js';
import { checkSafety } from '../safety/safety.js';
import { runTriageJson } from '../triage/eval.js';
import { understand } from '../understanding/understand.js';

describe('typed asks for help', () => {
  it.each(['so wots next then', "what's next then", 'Could you point us in the right direction, please?', 'where do we start with it all', "OK, so what's the next step for us?"])('"%s" starts the questions', (text) => {
    expect(intentOf(text)).toBe('start-triage');
  });
  it('"please contact me by email" asks for a person; a question about the next step of a plan does not start the questions', () => {
    expect(intentOf('Please contact me by email, I am deaf')).toBe('talk-to-person');
    expect(intentOf("what's next for the EHCP after the draft?")).toBeNull();
  });
});

describe('understanding and routes', () => {
  it('the last place they say they live wins', () => {
    expect(understand("sorry, I said we're in Wimborne, that's his dad's. We actually live in Ferndown").facts.town).toBe('Ferndown');
    expect(understand('we live in Wimborne and she goes to school in Ferndown').facts.town).toBe('Wimborne');
  });

  const base = { requester: 'parent', childAge: 11, setting: 'mainstream-school', town: 'Gillingham', needs: ['communication-interaction'], senSupport: 'established', externalAdvice: true, ehcp: 'has-plan', diagnosis: 'diagnosed', safetyConcern: false };
  it('a therapist who "hasn\'t been in since the summer" is a plan not delivered; a child who hasn\'t been in is attendance', () => {
    const therapist = runTriageJson(JSON.stringify({ ...base, concern: 'His plan says weekly speech therapy but the therapist hasnt been in since the summer.' }));
    expect(therapist.ok && therapist.result.primary).toBe('existing-ehcp');
    const child = runTriageJson(JSON.stringify({ ...base, concern: 'He hasnt been in since the summer, he is too anxious.' }));
    expect(child.ok && child.result.primary).toBe('attendance-and-exclusion');
  });

  it('"she cannot hear good" and "holds the book close to her face" route to hearing and vision', () => {
    const run = runTriageJson(JSON.stringify({ ...base, needs: ['sensory-physical'], senSupport: 'none', externalAdvice: false, ehcp: 'none', diagnosis: 'none', concern: 'She cannot hear good from one ear and she holds the book very close to her face.' }));
    expect(run.ok && run.result.primary).toBe('hearing-and-vision');
  });
});

describe('safety in new shapes from blind triage set 20', () => {
  it('hidden risks are raised', () => {
    for (const text of [
      'eye clinic note: retinal haemorrhages in both eyes, mum says he rolled off the bed',
      'dental note: WNB x4 for the extraction, abscess untreated for months',
      'a man she met in a game keeps asking her for pictures and wants to meet her on her own on Saturday',
      "he won't go home at 3, he says if I go home I'll get it",
      "my brother says everyone would be better off without him and all his hospital appointments",
    ]) expect(checkSafety(text).kind, text).toBe('risk-of-harm');
  });
  it('an asthma attack where he cannot breathe is still an emergency', () => {
    expect(checkSafety('he is having an asthma attack and cannot breathe').kind).toBe('risk-of-harm');
  });
  it('near misses are not alarms', () => {
    for (const text of [
      'last year he had a seizure, stopped breathing for a moment and went blue, the ambulance came and he was fine after',
      "she walks round saying 'you are all going to die' in the zombie voice from the film",
      "in her panic attacks she gets these attacks where she cannot breathe and says she thinks she is dying",
      'he goes missing from class to sit in the reading corner, the TA can always see him',
    ]) expect(checkSafety(text).kind, text).not.toBe('risk-of-harm');
  });
});

describe('everyday questions from blind set 20', () => {
  const search = new KnowledgeSearch(loadKnowledgeBase());
  it('a school place or being told to leave a rented home goes to the council; a SEND school question stays in', () => {
    expect(search.search('my daughter starts primary school in september 2027, when do i have to apply for her place?').kind).toBe('out-of-scope');
    expect(search.search('the landlord has told us to leave our rented house by next month, can you help').kind).toBe('out-of-scope');
    expect(search.search('my autistic son starts secondary in september, when do we find out his school with an ehcp').kind).not.toBe('out-of-scope');
  });
});
