/**
 * General fixes found on conversations nobody tuned for (held-out set 3), each tested through the real
 * /api/messages with channelData.deal: a request for help or for a call in any words starts the right flow,
 * a reference check in the family's words, no hard card for words that are a family's stress or weeks of a
 * part-time timetable, no check-in on a polite ask for advice, and the understander's text-speak and answers.
 * The wordings are the method's kinds, written here afresh, not the held-out scripts' words.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Outcome } from '../conversation/outcome.js';
import { chat, openChat } from './helpers/insight-chat.js';
import { startService, type TestService } from './helpers/service.js';

let service: TestService;
let n = 0;
beforeAll(async () => {
  service = await startService();
});
afterAll(async () => {
  await service?.stop();
});

/** A new web chat: the greeting, then each message in turn; the outcomes of the last one. */
async function conversation(...messages: string[]): Promise<Outcome[]> {
  const id = `unseen-${++n}-${Date.now()}`;
  await openChat(service.url, id);
  let last: Outcome[] = [];
  for (const m of messages) last = await chat(service.url, id, m);
  return last;
}
const kinds = (o: Outcome[]) => o.map((x) => x.kind);
const steps = (o: Outcome[]) => o.map((x) => x.step).filter(Boolean);

describe('a request for help or for a person, in the words families use', () => {
  it('starts the questions when the message opens by asking for help and then tells the story', async () => {
    const o = await conversation('help please. my son is 8 and cannot read yet and the school keep saying wait');
    expect(kinds(o)).toContain('question');
  });
  it('starts the questions for "help me work out what to ask for", "what should we be doing before June" and "help me get him an assessment"', async () => {
    for (const text of ['could you help us work out what to ask the school for', 'what should I be doing before june', 'can you help me get an assessment for my daughter']) {
      const o = await conversation(text);
      expect(kinds(o), text).toContain('question');
    }
  });
  it('offers a person (through the few questions that route it) when someone asks to be rung, in the middle of a message', async () => {
    const o = await conversation('i get letters about the plan i cannot follow, could someone from the council phone me please');
    expect(kinds(o)).not.toContain('answer');
    expect(kinds(o)).toContain('question');
  });
  it('still answers a question that names its own topic', async () => {
    const o = await conversation('can you help me with transport to school');
    expect(kinds(o)).not.toContain('question');
  });
  it('checks a reference asked about in the family’s own words', async () => {
    const o = await conversation('any news on my reference please?');
    expect(steps(o)).toContain('reference');
  });
});

describe('no alarm for a family’s stress, weeks of a part-time timetable or a polite ask', () => {
  it('answers "we are at breaking point" about homework without a hard card', async () => {
    const o = await conversation("we're at breaking point. she is 10 and dyslexic and the homework takes all evening, can the school set less?");
    expect(o.filter((x) => x.kind === 'safety')).toEqual([]);
  });
  it('routes a part-time timetable of a few weeks without a hard card', async () => {
    const o = await conversation('he is 12 and has been on a part time timetable since half term, mornings only. is that allowed?');
    expect(o.filter((x) => x.kind === 'safety')).toEqual([]);
  });
  it('still needs a person for a token timetable that has gone on for months', async () => {
    const o = await conversation('she has been on one hour a day for eight months now and nothing else');
    expect(o.some((x) => x.kind === 'safety' && x.safety === 'needs-a-person')).toBe(true);
  });
  it('does not check in on a polite ask for advice after a first answer', async () => {
    const o = await conversation('my grandson is 4 and the school are worried about his development', 'What would you suggest, please?');
    expect(kinds(o)).not.toContain('checkin');
  });
});
