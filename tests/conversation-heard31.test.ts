/**
 * Fixes from held-out set 31 (conversations written blind), tested through the real /api/messages: the town a family
 * moved to after "when we lived in" or "first we live in" another; where a parent works is not home even six words
 * away; "she have 4 years" and "im kacper. 16. cp." are ages, a numbered list's "1." is not; "Can you point me in the
 * right direction - what's the next step?" and "help me plan pls" start the questions; an adopted child's "before she
 * went into care" and a reduced timetable "since October half term" are not a "needs a person" card; "id rather die
 * than do it" about reading aloud is not the safety card, and shaking a toddler "proper hard" is. Wording written
 * afresh, not copied from the set.
 */
import { describe, expect, it } from 'vitest';
import { chatWithOwnService, skip, type Sent, summaryFact, storyToSummary } from './helpers/deal-chat.js';

const chat = chatWithOwnService('heard31');
const { send, open } = chat;
const plainly = (step: string) => (step === 'safety' ? 'no' : step === 'place' ? 'Ferndown' : skip(step));
const kinds = (r: Sent[]) => r.map((x) => x.deal?.kind);
const safety = (r: Sent[]) => r.map((x) => x.deal?.safety).filter(Boolean);


const summaryOf = (story: string) => storyToSummary(chat, story, plainly);

describe('what the family told us, as they told it', () => {
  it('the town they moved to, not the one they lived in first', async () => {
    expect(summaryFact(await summaryOf('My son is 6 and deaf in one ear, he had a teacher of the deaf when we lived in Poole. In the summer we move to Ferndown by the housing and now nobody comes to his school.'), 'Where')).toBe('Ferndown');
    expect(summaryFact(await summaryOf('We are from Syria, first we live in Poole in the hotel then a flat, now 3 months we move to Ferndown. My daughter is 3 and she say only few words.'), 'Where')).toBe('Ferndown');
  });

  it('"she have 4 years" and "im kacper. 16. cp." are ages; a numbered list\'s "1." is not', async () => {
    expect(summaryFact(await summaryOf('Good morning. My granddaughter Ana she have 4 years, in September she make 5. She not talk much, the teacher is worried. We live in Ferndown.'), 'Age')).toBe('4');
    expect(summaryFact(await summaryOf('hi. im tomas. 16. cp. eye gaze so short msgs. want college sept. ferndown'), 'Age')).toBe('16');
    expect(summaryFact(await summaryOf('I will write it as a list.\n1. My son is 12 years old.\n2. He is autistic.\n3. He has not been in school for 6 weeks.\nWe live in Ferndown.'), 'Age')).toBe('12');
  });
});

describe('asking for help in other words', () => {
  it('"Can you point me in the right direction - what\'s the next step?" and "help me plan pls" start the questions', async () => {
    for (const ask of ["Can you point me in the right direction - what's the next step?", 'help me plan pls']) {
      const id = await open();
      await send(id, 'My son is 11 and has Duchenne and an EHCP, he moves to secondary in September. We live in Ferndown.');
      expect(kinds(await send(id, ask))).toContain('question');
    }
  });
});

describe('safety, as the family told it', () => {
  it('an adopted child\'s "before she went into care" and a timetable "since October half term" are not a "needs a person" card', async () => {
    const reply = await send(await open(), "We adopted our son last year. He had a hard start before he went into care and it shows at school. He is on a reduced timetable, home at 12 every day, since October half term. Is that allowed?");
    expect(safety(reply)).toEqual([]);
  });

  it('"id rather die than do it" about reading aloud is not the safety card; shaking a toddler "proper hard" is', async () => {
    const calm = await send(await open(), 'im 12 n dyslexic n my teacher makes us read out loud every lesson. id rather die than do it, everyone laughs. can i ask them to stop?');
    expect(safety(calm)).not.toContain('risk-of-harm');
    const id = await open();
    await send(id, 'my son is 2 and doesnt talk yet, the health visitor was meant to refer him. we live in ferndown');
    expect(safety(await send(id, 'his dad shook him proper hard last night to shut him up and hes been really sleepy today'))).toContain('risk-of-harm');
  });
});
