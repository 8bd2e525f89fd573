/**
 * General fixes from held-out set 9 (conversations, questions and triage cases written blind), tested through the
 * real /api/messages: more ways of asking to be guided start the questions; a request to be guided about something
 * that is not SEND is sent where it belongs; a risk told across messages or in a young person's words raises the
 * card on the message that carries it; a past risk told with "we are safe now" gets neither card nor check-in. The
 * wordings are written here afresh, not the held-out scripts' words.
 */
import { describe, expect, it } from 'vitest';
import { chatWithOwnService, type Sent, stepOf, storyToStep } from './helpers/deal-chat.js';

const { send, open } = chatWithOwnService('heard9');
const kinds = (r: Sent[]) => r.map((x) => x.deal?.kind);

describe('asking to be guided', () => {
  it.each(['we just need someone to tell us what to fight for', 'can you tell me the next steps', 'how do we get things moving', 'how can i get one for him', 'who actually gives that sort of help'])(
    '"%s" after a question starts the questions',
    async (ask) => {
      const id = await open();
      await send(id, 'What is an EHCP?');
      const replies = await send(id, ask);
      expect(stepOf(replies), JSON.stringify(kinds(replies))).toBeDefined();
    },
  );

  it('about something that is not SEND, is sent where it belongs instead', async () => {
    const id = await open();
    const replies = await send(id, 'My dad is 79 and keeps falling, he needs carers coming in at home. Who should I contact?');
    expect(kinds(replies)).toContain('out-of-scope');
    expect(stepOf(replies)).toBeUndefined();
  });
});

describe('a risk on the message that carries it', () => {
  it.each([
    'my partner drinks a lot and then gets really nasty with us',
    'he threw a glass at my son last night and it cut his face',
    'my dad hasnt got out of bed for 2 weeks and theres no food in the house, the gas has run out',
  ])('"%s" raises the safety card', async (text) => {
    const id = await open();
    await send(id, 'my little boy is 4 and not talking much yet');
    expect(kinds(await send(id, text))).toContain('safety');
  });

  it('a past risk told with "we are safe now" gets neither the card nor the check-in, and the question is answered', async () => {
    const id = await open();
    const replies = await send(
      id,
      'Three years ago we left a violent relationship, the case was closed and we are safe and settled now. My daughter is 9 and really struggles with reading and spelling. What should the school be doing?',
    );
    expect(kinds(replies)).not.toContain('safety');
    expect(kinds(replies)).not.toContain('checkin');
    expect(kinds(replies)).toContain('answer');
  });
});

describe('held-out set 10 (questions and conversations, written blind)', () => {
  it('a professional case note ending "who do I contact?" gets the service, not the triage form', async () => {
    const id = await open();
    // On web chat a professional is one who says so (conversation/audience.ts).
    const replies = await send(id, "I'm a SENCO at a nursery. A 3yo in our room may have a hearing problem, parents agree to a referral. Who do I contact?");
    expect(kinds(replies)).toContain('answer');
  });

  it('everyday questions with SEND-ish words go elsewhere: free transport with no special needs, carers allowance for a husband', async () => {
    for (const text of ['My daughter is 11, no special needs, we live 4 miles from the upper school. Does she get free school transport?', 'can I claim carers allowance for looking after my wife after her stroke']) {
      const id = await open();
      expect(kinds(await send(id, text)), text).toContain('out-of-scope');
    }
  });
});

describe('the answer to the safety question', () => {
  it('"no, no one is hurting her and she\'s not hurting herself" is all clear: no check-in, no safeguarding route', async () => {
    const id = await open();
    await storyToStep(send, id, 'My daughter is 14 and in Year 9 at a secondary in Dorchester, autistic, she masks all day and falls apart at home every evening.', 'safety');
    const replies = await send(id, "no, no one is hurting her and she's not hurting herself");
    expect(kinds(replies)).not.toContain('checkin');
    expect(kinds(replies)).toContain('summary');
  });
});

describe('held-out set 11 (written blind)', () => {
  it('"yes she is safe" to the safety question is a no, in her words: no card', async () => {
    const id = await open();
    await storyToStep(send, id, 'My daughter is 5, in reception in Wareham, she does not answer when they call her name and I think she does not hear well.', 'safety');
    const replies = await send(id, 'yes she is safe');
    expect(kinds(replies)).not.toContain('safety');
    expect(kinds(replies)).toContain('summary');
  });

  it.each([
    "She's terrified of cutting herself and burning herself in the practical kitchen sessions because her hands shake. Does the college have to help?",
    "I really don't want this placement breaking down over school. What are our options for an assessment?",
  ])('no safety card for "%s"', async (text) => {
    const id = await open();
    expect(kinds(await send(id, text))).not.toContain('safety');
  });
});
