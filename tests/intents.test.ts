/**
 * Requests for help in the family's own words start triage; a question with a topic of its own
 * stays a question for the knowledge base.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadHelpRequests } from '../conversation/help-requests.js';
import { asksItsOwnQuestion, intentOf } from '../conversation/intents.js';

describe('a typed request for help', () => {
  it('starts triage, however it is worded', () => {
    for (const text of ['ok so wat do i do', 'what happens now?', 'who should we speak to', 'can u help us pls', 'help me sort this out', 'where do we even start', 'so what would you suggest?', 'i dont know what to do next', 'Can you help me make a plan please', 'can u help us sort it']) {
      expect(intentOf(text), text).toBe('start-triage');
    }
  });
  it('starts triage for not knowing where to start or who to talk to, and for a professional asking for the right route (blind set 4)', () => {
    for (const text of ['where do I even start with all this', 'i dont know who to talk to', 'need to work out the right route for a pupil']) {
      expect(intentOf(text), text).toBe('start-triage');
    }
    for (const text of ['what is the right route for a complaint', 'who do I talk to about transport?']) expect(intentOf(text), text).not.toBe('start-triage');
  });
  it('starts triage when a story ends by asking for help', () => {
    for (const text of [
      "My son is 6 and something isn't right, school say he's fine but he falls apart every night. Can someone help me work out what to do?",
      'dd is 9, reading way behind, sch keep saying wait and see. what help is there?',
      'Year 3 pupil, speech unclear, parents worried. Can you triage please.',
      'We have tried everything the school suggested and nothing has changed. What would you advise, please?',
    ]) {
      expect(intentOf(text), text).toBe('start-triage');
    }
  });
  it('answers a story that ends in a question with a topic of its own', () => {
    for (const text of [
      'My son is 6 and has an EHCP. What do I do about transport?',
      'She is 14 and autistic. Who do I talk to about an annual review?',
      'He is autistic. What help is there for autism in Dorset?',
      'what help is there for dyslexia',
    ]) {
      expect(intentOf(text), text).toBeNull();
    }
  });
  it('is not a question that names its own topic', () => {
    for (const text of ['what do i do about transport?', 'who do i talk to about an ehcp', 'can you help me with dla', 'what can i do about the bullying', 'help me understand the annual review']) {
      expect(intentOf(text), text).toBeNull();
    }
  });
  it('starts triage when the message opens by asking for help and tells the story, but answers a question in it', () => {
    expect(intentOf('need help. my daughter is 9 and gets bullied and now will not speak in class')).toBe('start-triage');
    expect(intentOf('we need help')).toBe('start-triage');
    expect(intentOf('need help. what is an ehcp')).toBeNull();
  });
  it('offers a person when a clause asks to be called, and checks a reference asked about in any words', () => {
    expect(intentOf('hi, i run a nursery, the mum is really worried, could someone from the SEND team phone her this week?')).toBe('talk-to-person');
    expect(intentOf("I've tried the school twice. I would like someone to call me back please.")).toBe('talk-to-person');
    expect(intentOf('can the school call me if he is ill?')).toBeNull();
    expect(intentOf('any update on my reference?')).toBe('check-reference');
    expect(intentOf('is there a reference list of SEND terms')).toBeNull();
  });
  it('knows more ways of asking for guidance or a call, and leaves a story whose earlier question has its own topic', () => {
    for (const text of ['im lost, where do i go from here', 'any advice?', 'where can i get help', 'what support is available for her', 'He is 8 and has ADHD and the school keep sending him home. Any advice?']) {
      expect(intentOf(text), text).toBe('start-triage');
    }
    for (const text of ['can i speak to someone', 'could someone get in touch', 'can i get a call back']) expect(intentOf(text), text).toBe('talk-to-person');
    expect(intentOf('Is there a number I can ring about SEN? No idea where to start')).toBeNull();
    expect(intentOf('what support is available for autism')).toBeNull();
  });
});


describe('a question of its own beside a request to be contacted', () => {
  it('is found beside the ask, not in the ask itself', () => {
    expect(asksItsOwnQuestion('Can we ask for it ourselves, and can someone from the team ring me to talk it through?')).toBe(true);
    expect(asksItsOwnQuestion('i get letters about the plan i cannot follow, could someone from the council phone me please')).toBe(false);
  });
});

describe('help requests as data (conversation/help-requests.yaml)', () => {
  it('names the file and the entry when an ask is not a valid regular expression, or the list is empty', () => {
    const dir = mkdtempSync(join(tmpdir(), 'help-asks-'));
    const file = join(dir, 'help-requests.yaml');
    writeFileSync(file, "version: 1\nasks:\n  - 'what now'\n  - 'what (do i do'\ncontactAsks:\n  - 'ring me'\n");
    expect(() => loadHelpRequests(file)).toThrow(/help-requests\.yaml: asks\[1\]: not a valid regular expression/);
    writeFileSync(file, "version: 1\nasks:\n  - 'what now'\ncontactAsks:\n  - 'ring me'\n  - 'call (me'\n");
    expect(() => loadHelpRequests(file)).toThrow(/help-requests\.yaml: contactAsks\[1\]: not a valid regular expression/);
    writeFileSync(file, "version: 1\nasks: []\ncontactAsks:\n  - 'ring me'\n");
    expect(() => loadHelpRequests(file)).toThrow(/help-requests\.yaml.*asks/);
  });

  it('loads the shipped file, whose asks start the questions', () => {
    expect(loadHelpRequests().asks.length).toBeGreaterThan(20);
    expect(intentOf('what should i be asking the school for')).toBe('start-triage');
    for (const text of ['run triage', 'can we do a triage for this child', 'start the triage please']) expect(intentOf(text), text).toBe('start-triage');
  });

  it('reads a story whose last clause asks to be guided, and more ways of asking (blind conversations set 10)', () => {
    for (const text of [
      'He is 6 and his speech is hard to understand. i dont know who to go to now to get him seen again, can you tell me what to do',
      'He hates school, nobody will talk to him, can you tell me what to do',
      'Please, what I must do for help her?',
      'wat do i do to get him checked, who do i ask',
      'what help should she be getting at nursery with it',
    ]) {
      expect(intentOf(text), text).toBe('start-triage');
    }
    // A clause before it that asks something of its own is answered first.
    expect(intentOf('my son is 9, is he entitled to transport, can you tell me what to do')).toBeNull();
    expect(intentOf('is it too late? really could do with talking it through with someone on the phone')).toBe('talk-to-person');
  });
});
