/**
 * The understander: reads any message a person types (the first one, a free-text answer, a
 * correction) and fills the triage facts it can, each with the words that gave it, so the
 * conversation can skip questions already answered and say "here's what I have".
 *
 * Channel-neutral and synchronous: no channel SDK, no conversation state. The vocabularies
 * are data (understanding/vocabulary/*.yaml); each concern has its own module (age.ts,
 * place.ts, match.ts for phrases and negation, recognizers.ts for Microsoft's recognizers).
 *
 * Without `step` only clear statements count ("he is 7", "she has an EHCP"). With `step`, the
 * question the bot just asked, short answers are read as answers to it: "7", "weymouth",
 * "declined", and a plain yes or no means the step's `yes`/`no` value from its vocabulary
 * (EHCP yes: has-plan; diagnosis yes: diagnosed; specialist advice yes: true; SEN support
 * yes: established, unless it says "just" or "started").
 */
import type { Need, TriageCase } from '../triage/schema.js';
import { findAge } from './age.js';
import { best, cancelled, findAll, wordsPattern } from './match.js';
import { findPlace } from './place.js';
import { yesOrNo } from './recognizers.js';
import { matches, Message, type Span } from './text.js';
import { vocabulary as defaultVocabulary, type FactVocabulary, type Vocabulary } from './vocabulary.js';

/** The TriageCase facts a message can give, each optional; an age is a number once found. */
type UnderstoodFacts = { [K in Exclude<keyof TriageCase, 'concern' | 'safetyConcern'>]?: K extends 'childAge' ? number : Exclude<TriageCase[K], undefined> };

/** A fact as the understander names it: town and postcode are one fact, the place. */
export type FactName = Exclude<keyof UnderstoodFacts, 'town' | 'postcode'> | 'place';

export type Understood = {
  facts: UnderstoodFacts;
  /** For each fact found, the words in the message that gave it (for "here's what I have" and corrections). */
  sources: Partial<Record<FactName, string>>;
  /** Facts read as an estimate, not told: an age from a school year ("in reception" is 4 or 5). Asked, and replaced when told. */
  estimated?: FactName[];
};

export type UnderstandOptions = { step?: FactName | 'safety' | 'confirm'; vocabulary?: Vocabulary };

const YES_NO_FACTS = ['senSupport', 'externalAdvice', 'ehcp', 'diagnosis'] as const satisfies readonly FactName[];

type Replies = { yes: RegExp; no: RegExp; unsure: RegExp };
const replyCache = new WeakMap<Vocabulary['answers'], Replies>();
function replies(v: Vocabulary): Replies {
  let r = replyCache.get(v.answers);
  if (!r) {
    // "I think no, teacher only talk with me one time": a hedge before the yes or no does not change it.
    const start = (words: string[]) => new RegExp(`^[ ,.!]*(?:(?:i think|i believe|i guess|probably|well|um|erm|hmm)[ ,.!]+)?${wordsPattern(words).source}`);
    r = { yes: start(v.answers.yes), no: start(v.answers.no), unsure: start(v.answers.unsure) };
    replyCache.set(v.answers, r);
  }
  return r;
}

/** A plain yes or no at the start of a short reply (ours first, then Microsoft's choice recognizer). */
function yesNo(message: Message, v: Vocabulary): { value: boolean; span: Span } | undefined {
  if (message.words > 12) return undefined;
  const r = replies(v);
  const t = message.text;
  if (r.unsure.test(t)) return undefined;
  const no = r.no.exec(t);
  if (no) return { value: false, span: { start: 0, end: no[0].length } };
  const yes = r.yes.exec(t);
  if (yes) return { value: true, span: { start: 0, end: yes[0].length } };
  if (message.words > 4) return undefined;
  const value = yesOrNo(message.original);
  return value === undefined ? undefined : { value, span: { start: 0, end: t.length } };
}

export function understand(text: string, options: UnderstandOptions = {}): Understood {
  const v = options.vocabulary ?? defaultVocabulary();
  const step = options.step;
  const message = new Message(text.slice(0, 4000), v.spelling);
  const facts: Understood['facts'] = {};
  const sources: Understood['sources'] = {};
  if (!message.text) return { facts, sources };

  const phraseFact = <V>(name: FactName, fact: FactVocabulary<V>): { value: V; span: Span } | undefined => {
    const hit = best(findAll(message, fact, v, step === name));
    if (hit) return hit;
    if (step === name && (YES_NO_FACTS as readonly FactName[]).includes(name)) {
      const reply = yesNo(message, v);
      const value = reply ? (reply.value ? fact.yes : fact.no) : undefined;
      if (reply && value !== undefined) return { value, span: reply.span };
    }
    return undefined;
  };
  const set = <K extends keyof Understood['facts']>(key: K, name: FactName, value: Understood['facts'][K], span: Span): void => {
    facts[key] = value;
    sources[name] = message.source(span) || message.original.trim();
  };

  const requester = phraseFact('requester', v.requester);
  const age = findAge(message, v, step === 'childAge');
  if (age) set('childAge', 'childAge', age.age, age.span);
  if (requester) set('requester', 'requester', requester.value, requester.span);
  // "Hello. I am 14. I am autistic." is a young person writing about themself, not a parent (blind conversations set 30);
  // the rules that need 16 or over (asking for an assessment themself) read the age as well.
  else if (age?.self && age.age >= 11) set('requester', 'requester', 'young-person', age.span);

  const setting = phraseFact('setting', v.setting);
  if (setting) set('setting', 'setting', setting.value, setting.span);

  const place = findPlace(message, step === 'place');
  if (place) {
    if (place.town) facts.town = place.town;
    if (place.postcode) facts.postcode = place.postcode;
    sources.place = place.spans.map((s) => message.source(s)).join(', ');
  }

  const needs = findNeeds(message, v, step === 'needs');
  if (needs.needs.length > 0) {
    facts.needs = needs.needs;
    sources.needs = needs.sources.join(', ');
  }

  for (const name of YES_NO_FACTS) {
    const hit = phraseFact(name, v[name] as FactVocabulary<unknown>);
    if (hit) set(name, name, hit.value as never, hit.span);
  }
  return age?.estimate ? { facts, sources, estimated: ['childAge'] } : { facts, sources };
}

/** Every area of need the message names, in the vocabulary's order, with the words for each. */
function findNeeds(message: Message, v: Vocabulary, asked: boolean): { needs: Need[]; sources: string[] } {
  const needs: Need[] = [];
  const spans: Span[] = [];
  const lenient = { negatable: false, hedged: false, pending: false };
  const strict = { negatable: true, hedged: false, pending: false };
  for (const n of v.needs) {
    const hits: Span[] = [];
    for (const p of n.words) for (const s of matches(p, message.text)) if (!writersOwn(message, s, v)) hits.push(s);
    for (const p of n.conditions) for (const s of matches(p, message.text)) if (!cancelled(message, s, strict, v)) hits.push(s);
    if (asked) for (const p of n.answers) for (const s of matches(p, message.text)) if (!cancelled(message, s, lenient, v)) hits.push(s);
    if (hits.length > 0) {
      needs.push(n.need);
      spans.push(...hits);
    }
  }
  spans.sort((a, b) => a.start - b.start || b.end - a.end);
  const merged: Span[] = [];
  for (const s of spans) {
    const last = merged[merged.length - 1];
    if (last && s.start <= last.end) last.end = Math.max(last.end, s.end);
    else merged.push({ ...s });
  }
  const sources = [...new Set(merged.map((s) => message.source(s)).filter(Boolean))];
  return { needs, sources };
}

const childWordsCache = new WeakMap<Vocabulary['ages'], RegExp>();
/**
 * "I'm not good on the phone with my hearing", "my eyesight is bad too", "me deaf": the writer's own, when the message
 * is about someone else (a child named, or he or she), so not the child's need.
 */
function writersOwn(message: Message, s: Span, v: Vocabulary): boolean {
  // "Me deaf, BSL. Son 13": a deaf parent writing in BSL word order (blind conversations set 22).
  if (!/(?:^|[^a-z])(?:my|im|i am|me)(?: own| also| too)? $/.test(message.text.slice(Math.max(0, s.start - 12), s.start))) return false;
  let child = childWordsCache.get(v.ages);
  if (!child) childWordsCache.set(v.ages, (child = wordsPattern(v.ages.childWords)));
  // "my autistic son", "my deaf little girl": the word describes the child after it.
  const next = message.text.slice(s.end, s.end + 30).match(/^ ((?:[a-z]+ ){0,2}[a-z]+)/)?.[1] ?? '';
  if (child.test(next)) return false;
  return child.test(message.text);
}
