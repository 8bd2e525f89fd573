/**
 * General fixes from held-out set 19 (questions and triage cases written blind), tested through the safety check, the
 * rules and search: hidden risks in new shapes (signs of criminal exploitation in a professional's shorthand, a child
 * shut in a cupboard and denied food, a young child found out alone at night, insulin not sent in); near misses that are
 * not alarms (a thing "murdered", a game's villain, a drama piece about knife crime, a bereaved child asking if mum will
 * die, a neglect long past with an adoptive family); a question about the autism pathway or its wait is the pathway.
 * Wordings written afresh, not copied from the sets.
 */
import { describe, expect, it } from 'vitest';
import { loadKnowledgeBase } from '../knowledge/load.js';
import { KnowledgeSearch } from '../knowledge/search.js';
import { checkSafety } from '../safety/safety.js';
import { runTriageJson } from '../triage/eval.js';

describe('safety in new shapes from blind triage set 19', () => {
  it('hidden risks are raised', () => {
    for (const text of [
      'YOT worker. Y9, two missing episodes this month, comes back with cash and a second phone, won\'t say where he has been',
      'foster carer found digital scales and cling film in his school bag',
      'she says her stepdad locks her in the cupboard under the stairs when she is naughty',
      "he says he doesn't get dinner if he wets the bed",
      'a neighbour found her on the main road in her pyjamas at 11pm, mum was too drunk to wake',
      'school nurse: insulin not sent in most days this term, pump consumables not replaced',
    ]) {
      expect(checkSafety(text).kind, text).toBe('risk-of-harm');
    }
  });

  it('near misses are not alarms', () => {
    for (const text of [
      "she's so cross with spelling she says she'll murder her homework",
      'he wants to kill the Ender Dragon every playtime and talks about nothing else',
      'his drawings are all monsters with blood and knives from his favourite game',
      'our drama project is about county lines and I play the boy who gets stabbed',
      "since her nan died she asks every night whether I'm going to die too",
    ]) {
      expect(checkSafety(text).kind, text).not.toBe('risk-of-harm');
    }
    const adopted = checkSafety('We adopted him at 3. He was removed from his birth family because of neglect years ago, there has been no contact since and he is safe and settled with us. Can we ask for an EHC needs assessment?');
    expect(adopted.kind).not.toBe('risk-of-harm');
  });
});

describe('a question about the autism pathway', () => {
  const base = { requester: 'parent', childAge: 7, setting: 'mainstream-school', town: 'Wareham', needs: ['communication-interaction'], senSupport: 'starting', externalAdvice: false, ehcp: 'none', safetyConcern: false };
  it('"how long is the wait now, and what can we get while we wait?" is the Development and Behaviour Pathway', () => {
    const run = runTriageJson(JSON.stringify({ ...base, diagnosis: 'waiting', concern: 'He was referred for an autism assessment last year. How long is the wait now, and what help can we get while we wait?' }));
    expect(run.ok && run.result.primary).toBe('development-behaviour-pathway');
  });
  it('the same child, with nothing asked about the pathway, starts with SEN support', () => {
    const run = runTriageJson(JSON.stringify({ ...base, diagnosis: 'waiting', concern: 'He finds the noise in class really hard and is falling behind with his reading.' }));
    expect(run.ok && run.result.primary).toBe('graduated-approach');
  });
});

describe('answers from blind questions set 19', () => {
  const search = new KnowledgeSearch(loadKnowledgeBase());
  it('a story longer than the words read still has its question read: the start and the end are kept', () => {
    const story = `${'He has had SEN support since Reception with a plan reviewed every term and a teaching assistant most mornings. '.repeat(12)}Can I send the EHCNA request to the council myself?`;
    expect(story.split(/\s+/).length).toBeGreaterThan(search.settings.maxWords);
    const ranked = search.rank(story);
    expect('candidates' in ranked && ranked.query.typed.has('ehcna')).toBe(true);
  });

  it('extra time in exams does not need an EHCP; a plan about to stop after dropping out of college is about a plan ending', () => {
    expect(search.search("the school told us she can't get extra time in her GCSEs because she hasn't got an EHCP, is that right?").results[0]?.id).toBe('exam-access-arrangements');
    expect(search.search('my daughter is 19 and left college in the autumn, now the council want to cease her EHCP, can they?').results[0]?.id).toBe('ehc-plan-ending');
  });
});
