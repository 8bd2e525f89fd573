/**
 * General fixes from held-out set 8 (conversations, questions and triage cases written blind), tested through the
 * real /api/messages: follow-ups that ask to be guided in new words ("what should i be asking the school for",
 * "who do we contact to get this set up", "what i must do now please, who can help") start the questions; a
 * follow-up that finds no article after the family told their story starts the questions rather than "not sure"
 * (with nothing told, it is still "not sure"); a risk told as past and over gets the gentle check-in, not the
 * safety card. The wordings are written here afresh, not the held-out scripts' words.
 */
import { describe, expect, it } from 'vitest';
import { chatWithOwnService, type Sent, stepOf } from './helpers/deal-chat.js';

const { send, open } = chatWithOwnService('heard8');
const kinds = (r: Sent[]) => r.map((x) => x.deal?.kind);
const STORY = 'My son is 9, he is in year 4 at a primary school in Bridport and he is really struggling with reading and writing, he hates going in.';

describe('a follow-up asking to be guided starts the questions', () => {
  it.each([
    'so what should we be asking the school for',
    'who should we contact to get things moving',
    'what i must do now, who can help',
    'can anyone tell me what to do',
    'how can we get the school to listen to us',
    'what help should he be getting',
  ])('"%s" after the story', async (ask) => {
    const id = await open();
    await send(id, STORY);
    const replies = await send(id, ask);
    expect(stepOf(replies), JSON.stringify(kinds(replies))).toBeDefined();
    expect(kinds(replies)).not.toContain('not-sure');
  });
});

describe('a follow-up that finds nothing, after the story', () => {
  it('starts the questions, with what the family already said, instead of "not sure"', async () => {
    const id = await open();
    await send(id, STORY);
    const replies = await send(id, 'and which lot do we go through for that then');
    expect(kinds(replies)).not.toContain('not-sure');
    const step = stepOf(replies);
    expect(step).toBeDefined();
    expect(['requester', 'childAge', 'age', 'place']).not.toContain(step); // age and town were in the story
  });

  it('is still "not sure" when nothing has been told', async () => {
    const id = await open();
    const replies = await send(id, 'and which lot do we go through for that then');
    expect(kinds(replies)).toContain('not-sure');
  });
});

describe('a risk told as past and over', () => {
  it('gets the gentle check-in and then the answer, not the safety card', async () => {
    const id = await open();
    const replies = await send(
      id,
      'Some background: two years ago my daughter was self-harming, but she was discharged from CAMHS last spring and has been well ever since. Now she is 14 and I think she is dyslexic. How do we get her assessed at school?',
    );
    expect(kinds(replies)).not.toContain('safety');
    expect(kinds(replies)).toContain('checkin');
  });

  it('keeps the safety card when the risk is back', async () => {
    const id = await open();
    const replies = await send(id, 'Two years ago my daughter was self-harming and she was discharged, but last night I found new cuts on her arm.');
    expect(kinds(replies)).toContain('safety');
  });
});
