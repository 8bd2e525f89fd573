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

/**
 * Tells the story, then answers each question asked from `answers` (typed, by step; anything else is
 * skipped) up to the summary, confirms it and returns the steps asked and the result.
 */
async function toResult(story: string[], answers: Record<string, string> = {}): Promise<{ asked: string[]; result: Outcome['triage']; summary?: Outcome }> {
  const id = `unseen-${++n}-${Date.now()}`;
  await openChat(service.url, id);
  let last: Outcome[] = [];
  for (const m of story) last = await chat(service.url, id, m);
  const asked: string[] = [];
  for (let i = 0; i < 15; i++) {
    const result = last.find((x) => x.kind === 'result');
    if (result) return { asked, result: result.triage };
    const summary = last.find((x) => x.kind === 'summary' || x.step === 'confirm');
    if (summary) {
      last = await chat(service.url, id, { value: { action: 'triage-confirm' } });
      continue;
    }
    const step = [...last].reverse().find((x) => x.step)?.step;
    if (!step) break;
    asked.push(step);
    const safety = step === 'safety' ? 'no' : undefined;
    last = await chat(service.url, id, answers[step] ?? safety ?? { value: { action: 'triage-answer', step, skip: true } });
  }
  return { asked, result: undefined };
}
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

describe('the story and the answers, in the words families type', () => {
  it('keeps a story that ends "can you help me work out what to do?" and routes by it (attendance letters, fines)', async () => {
    const { asked, result } = await toResult([
      "My son is 13, Year 8, at a secondary in Bridport. He hasn't been able to go in since Christmas, he's sick every morning with nerves. School keep sending attendance letters and say we could be fined. Can you help me work out what to do?",
    ]);
    expect(asked).not.toContain('concern');
    expect(result?.primary).toBe('attendance-and-exclusion');
  });
  it('reads forum text-speak: "my ds is 8 … in yr 3", "sch", "on sen support since last yr"', async () => {
    const { asked } = await toResult(['my ds is 8 and in yr 3 at a primary in Dorchester, sch have had him on sen support since last yr for his reading but nothing is changing. no ehcp. what should i do next?']);
    expect(asked).not.toContain('age');
    expect(asked).not.toContain('senSupport');
  });
  it('takes "I don\'t know, nobody has told us" as not sure, never "I didn\'t understand"', async () => {
    const id = `unseen-${++n}`;
    await openChat(service.url, id);
    let last = await chat(service.url, id, 'what should I do next?');
    const yesNo = new Set(['senSupport', 'ehcp', 'externalAdvice', 'diagnosis']);
    let step = '';
    for (let i = 0; i < 10; i++) {
      step = [...last].reverse().find((x) => x.step)?.step ?? '';
      if (yesNo.has(step) || step === 'confirm' || !step) break;
      last = await chat(service.url, id, { place: 'Gillingham', age: '7', setting: 'primary school', concern: 'she is 7 and still cannot read, the school say wait' }[step] ?? { value: { action: 'triage-answer', step, skip: true } });
    }
    expect(yesNo.has(step), step).toBe(true);
    const after = await chat(service.url, id, "I don't know, nobody has said anything to us about that");
    expect(after.map((x) => x.step)).not.toContain(step);
  });
  it('does not read "yes I want help please" as a yes to the question being asked', async () => {
    const id = `unseen-${++n}`;
    await openChat(service.url, id);
    const first = await chat(service.url, id, 'My son is 6 and at a primary in Blandford, he has speech and language needs. Can someone ring me please?');
    const step = [...first].reverse().find((x) => x.step)?.step;
    expect(step).toBeTruthy();
    const again = await chat(service.url, id, 'Yes I want help please');
    expect([...again].reverse().find((x) => x.step)?.step).toBe(step);
  });
  it('does not send a toddler who is not at nursery yet to the missing-education route', async () => {
    const { result } = await toResult(["my daughter is 2 and a half and hardly says any words, she doesn't go to nursery yet. we live in Verwood. where do we start?"]);
    expect(result?.primary).not.toBe('attendance-and-exclusion');
  });
  it('names a part-time timetable in the reasons', async () => {
    const { result } = await toResult(['he is 11, on a part time timetable since half term, mornings only, at a school in Wareham. what can we do?'], { setting: 'secondary school' });
    expect(result?.primary).toBe('attendance-and-exclusion');
    expect(JSON.stringify(result?.routes), JSON.stringify(result)).toMatch(/part-time/);
  });
  it('reads thin support described in words as an answer about SEN support ("a TA has done a few sessions", "on the register but no plan")', async () => {
    for (const reply of ['a TA has done a few sessions with him', "he's on the register but I've never seen a plan", 'they said he is on a list for some extra help']) {
      const id = `unseen-${++n}`;
      await openChat(service.url, id);
      let last = await chat(service.url, id, 'My son is 7 and in Year 2 at a primary school in Sherborne. He is still not reading and the teacher is worried. What should I do?');
      let step = '';
      for (let i = 0; i < 10; i++) {
        step = [...last].reverse().find((x) => x.step)?.step ?? '';
        if (step === 'senSupport' || step === 'confirm' || !step) break;
        last = await chat(service.url, id, step === 'ehcp' ? 'no' : { value: { action: 'triage-answer', step, skip: true } });
      }
      expect(step, reply).toBe('senSupport');
      const after = await chat(service.url, id, reply);
      expect(after.map((x) => x.step), reply).not.toContain('senSupport');
    }
  });
});

