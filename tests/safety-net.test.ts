/**
 * The second safety net (safety/safety-net.ts): on wording it was not trained on, through the
 * front door, and as the check the server runs. The held-out numbers are measured, not assumed:
 * each blind set is left out of training in turn, so these tests fail if a change to the net or
 * the examples makes it generalise worse.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { FrontDoor } from '../conversation/front-door.js';
import { createFlows } from '../conversation/flows.js';
import { Glossary } from '../knowledge/glossary.js';
import { loadKnowledgeBase } from '../knowledge/load.js';
import { KnowledgeSearch } from '../knowledge/search.js';
import { checkSafety } from '../safety/safety.js';
import { benchSafetyNetHeldOut } from '../bench/safety.js';
import { readSafetyExamples, readSafetyLines, SAFETY_DATA } from '../safety/safety-examples.js';
import { checkWithNet, defaultSafetyNet, SafetyNet, safetyFeatures } from '../safety/safety-net.js';
import { freshConversation } from '../conversation/state.js';

const kb = loadKnowledgeBase();
const articleQuestions = kb.articles.flatMap((a) => [a.title, ...a.questions]);
const net = defaultSafetyNet(articleQuestions);
const check = checkWithNet(net);

describe('the second net on wording it has not seen', () => {
  const heldOut = benchSafetyNetHeldOut(articleQuestions);

  it('is measured on every blind set', () => {
    expect(heldOut.map((h) => h.blindSet)).toEqual([1, 2, 3, 4, 5, 6]);
    for (const h of heldOut) expect(h.risk).toBeGreaterThanOrEqual(100);
  });

  it.each(heldOut.map((h) => [h.blindSet, h] as const))('blind set %i left out of training: at least 90 %% of its risk messages flagged', (_set, h) => {
    expect(h.recall).toBeGreaterThanOrEqual(0.9);
  });

  // The figures README reports (Safety). Article questions train the net as ordinary messages, so a new family phrasing
  // in an article can lower a held-out set's recall; it must not (2026-12-02: four such phrasings were reworded).
  const REPORTED: Record<number, number> = { 1: 116 / 120, 2: 0.97, 3: 0.99, 4: 108 / 110, 5: 0.99, 6: 1 };
  it.each(heldOut.map((h) => [h.blindSet, h] as const))('blind set %i left out of training: no lower than the recall README reports', (set, h) => {
    expect(h.recall).toBeGreaterThanOrEqual(REPORTED[set]! - 1e-9);
  });

  it.each(heldOut.map((h) => [h.blindSet, h] as const))('blind set %i left out of training: at most 12 %% of its ordinary messages flagged', (_set, h) => {
    // Set 4's ordinary messages are mostly hard negatives (meltdowns, injuries at school).
    expect(h.falseAlarmRate).toBeLessThanOrEqual(0.12);
  });

  it('checks in on at most 6 % of the family question sets (never used to train it) that the patterns pass', () => {
    const questions = [1, 2, 3, 4, 5].flatMap((n) =>
      ['questions', 'out-of-scope'].flatMap((kind) =>
        readFileSync(new URL(`../bench/data/family-${kind}-${n}.jsonl`, import.meta.url), 'utf8')
          .split('\n')
          .filter((l) => l.trim())
          .map((l) => (JSON.parse(l) as { q: string }).q),
      ),
    );
    // A few of these are real risk (a daughter self-harming) and the patterns flag them; the rest are ordinary.
    const ordinary = questions.filter((q) => !checkSafety(q).flagged);
    expect(ordinary.length).toBeGreaterThanOrEqual(400);
    const flagged = ordinary.filter((q) => net.flags(q));
    expect(flagged.length / ordinary.length, flagged.join('\n')).toBeLessThanOrEqual(0.06);
  });
});

describe('hard alarms on the family and forum question sets', () => {
  const questions = [1, 2, 3, 4, 5]
    .map((n) => `family-questions-${n}`)
    .concat(['forum-questions-1'])
    .flatMap((name) =>
      readFileSync(new URL(`../bench/data/${name}.jsonl`, import.meta.url), 'utf8')
        .split('\n')
        .filter((l) => l.trim())
        .map((l) => JSON.parse(l) as { q: string; risk?: 'risk-of-harm' | 'needs-a-person' }),
    );

  it('raise a hard alarm on at most 0.5 % of the questions without a real risk', () => {
    const ordinary = questions.filter((x) => !x.risk);
    expect(ordinary.length).toBeGreaterThanOrEqual(450);
    const alarmed = ordinary.filter((x) => checkSafety(x.q).flagged).map((x) => x.q);
    expect(alarmed.length / ordinary.length, alarmed.join('\n')).toBeLessThanOrEqual(0.005);
  });

  it('raise the labelled kind of alarm on every question labelled by hand as a real risk', () => {
    const labelled = questions.filter((x) => x.risk);
    expect(labelled.length).toBeGreaterThanOrEqual(25);
    const wrong = labelled.filter((x) => checkSafety(x.q).kind !== x.risk).map((x) => `${x.risk}: ${x.q}`);
    expect(wrong).toEqual([]);
  });
});

describe('patterns and net together, as the server checks every message', () => {
  it('flag every line of the sets the patterns were not extended for', () => {
    const lines = [SAFETY_DATA.risk, SAFETY_DATA.needsPerson].flatMap((file) => readSafetyExamples(file).filter((l) => l.netOnly));
    expect(lines.length).toBeGreaterThanOrEqual(140);
    const missed = lines.filter((l) => {
      const c = check(l.text);
      return !c.flagged && !c.possibleRisk;
    });
    expect(missed.map((l) => l.text)).toEqual([]);
  });

  it('ask the net only when the patterns found nothing', () => {
    const byPattern = check('he wants to kill himself');
    expect(byPattern).toMatchObject({ flagged: true, kind: 'risk-of-harm', possibleRisk: false });
    expect(check('what is an EHCP?')).toMatchObject({ flagged: false, possibleRisk: false });
  });
});

describe('the net itself', () => {
  it('is deterministic: the same examples give the same scores', () => {
    const risk = readSafetyLines(SAFETY_DATA.risk);
    const ordinary = [...readSafetyLines(SAFETY_DATA.ordinary), ...articleQuestions];
    const [one, two] = [SafetyNet.train(risk, ordinary), SafetyNet.train(risk, ordinary)];
    for (const text of ['the kids over the road are alone again', 'how do i apply for an ehcp']) {
      expect(one.score(text)).toBe(two.score(text));
      expect(one.score(text)).toBe(net.score(text)); // the server's net is the same model
    }
  });

  it('never flags empty or unknown text, and counts only what it has seen', () => {
    expect(net.flags('')).toBe(false);
    expect(net.flags('   ')).toBe(false);
    expect(net.flags('zzqx wobblequark')).toBe(false);
  });

  it('learns from its examples: a word only in the risk list pushes towards a flag', () => {
    const tiny = SafetyNet.train(['the wolf is at the door', 'a wolf came in'], ['the cat is at the door', 'a dog came in'], { threshold: 0 });
    expect(tiny.score('wolf')).toBeGreaterThan(0);
    expect(tiny.score('cat')).toBeLessThan(0);
    expect(tiny.flags('i saw a wolf')).toBe(true);
  });

  it('acts on its own only above the certain bar, and only on the whole message', () => {
    const risk = ['the wolf is at the door', 'a wolf came in', 'the wolf bit him', 'wolf wolf at night'];
    const ordinary = ['the cat is at the door', 'a dog came in', 'the cat sat down', 'a dog at night'];
    const sure = SafetyNet.train(risk, ordinary, { certainThreshold: 1 });
    const never = SafetyNet.train(risk, ordinary, { certainThreshold: 1000 });
    const text = 'the wolf came in at night and the wolf bit him';
    expect(sure.certain(text)).toBe(true);
    expect(never.certain(text)).toBe(false);
    expect(sure.certain('the cat sat down by the door')).toBe(false);
    // No pattern fires on wolves: the certain net flags it as risk of harm, the other only checks in.
    expect(checkWithNet(sure)(text)).toMatchObject({ flagged: true, kind: 'risk-of-harm', byNet: true, possibleRisk: false });
    expect(checkWithNet(never)(text)).toMatchObject({ flagged: false, possibleRisk: true });
  });

  it('uses the safety normaliser, so misspellings and text-speak meet their words', () => {
    expect(safetyFeatures('sucidal')).toEqual(safetyFeatures('suicidal'));
    expect(safetyFeatures("he's scared")).toContain('scare');
  });

  it('refuses to train without examples of both kinds', () => {
    expect(() => SafetyNet.train([], ['a'])).toThrow(/both lists/);
  });
});

describe('the front door with the net', () => {
  const search = new KnowledgeSearch(kb);
  const handovers = { consent: () => ({ version: 'test', text: 'consent' }), submit: async () => { throw new Error('not used'); }, checkStatus: () => null };
  const flows = createFlows({ kb, publicUrl: 'https://deal.example.org', handovers: handovers as never });
  const door = new FrontDoor({ kb, search, glossary: new Glossary(kb.glossary), checkSafety: check, publicUrl: 'https://deal.example.org', ...flows });
  // Not in any example list; the patterns miss it, the net does not.
  const worrying = 'the little ones next door are on their own a lot and the baby will not stop crying, who deals with education transport';

  it('the example message is one the patterns miss and the net flags', () => {
    expect(checkSafety(worrying).flagged).toBe(false);
    expect(net.flags(worrying)).toBe(true);
  });

  it('checks in first, then still answers', async () => {
    const replies = await door.handle({ text: worrying, channel: 'webchat', audience: 'family' }, freshConversation());
    expect(replies[0]).toMatchObject({ kind: 'safety', title: 'Is everyone safe?' });
    expect(JSON.stringify(replies[0])).toContain('999');
    expect(JSON.stringify(replies[0])).toContain('talk-to-person');
    expect(replies.length).toBeGreaterThanOrEqual(2);
    expect(replies[1]!.kind).not.toBe('safety');
  });

  it('does not check in on an ordinary question', async () => {
    const replies = await door.handle({ text: 'how do I ask for an EHC needs assessment?', channel: 'webchat', audience: 'family' }, freshConversation());
    expect(replies.some((r) => r.kind === 'safety')).toBe(false);
  });
});
