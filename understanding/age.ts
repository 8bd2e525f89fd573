/**
 * The child's (or young person's) age in whole years, from how families say it: "14",
 * "fourteen", "my 2yo", "18 months old", "2 and a half", "17 next month" (16), "just turned 5",
 * "nearly 3" (2), "yr 8" (12), "in reception" (4), "I'm 17" (a young person, 16 to 25).
 *
 * Numbers in words are turned into digits first by Microsoft's number recognizer, and
 * "N years/months old" is also read by its age recognizer (recognizers.ts). Each number is
 * then judged by its neighbours (vocabulary/ages.yaml): an age unit or an age word before it
 * ("aged", "he's", "my son,") makes it a clear statement; a year group is weaker; a bare
 * number counts only as the answer to "How old is your child?". "For 2 years", "18 months
 * ago" and "5 minutes late" are not ages.
 */
import { wordsPattern, lead } from './match.js';
import { agesInText, numbersInWords } from './recognizers.js';
import { matches, type Message, type Span } from './text.js';
import type { Vocabulary } from './vocabulary.js';

/** `estimate`: read from a school year ("in reception", "yr 8"), which fits two ages: asked, not taken as told. */
export type AgeFound = { age: number; span: Span; self: boolean; estimate?: boolean };

type Patterns = {
  yearsOld: RegExp; monthsOld: RegExp; weeksOld: RegExp; years: RegExp; months: RegExp; weeks: RegExp;
  notAfter: RegExp; next: RegExp; almost: RegExp; justTurned: RegExp; before: RegExp; child: RegExp; childNamed: RegExp; self: RegExp;
  yearGroup: RegExp; yearNotAfter: RegExp; childAnywhere: RegExp;
};
const cache = new WeakMap<Vocabulary['ages'], Patterns>();
function patterns(v: Vocabulary): Patterns {
  let p = cache.get(v.ages);
  if (p) return p;
  const a = v.ages;
  const src = (words: string[]) => wordsPattern(words).source;
  const after = (words: string[]) => wordsPattern(words, '', false).source;
  p = {
    // After the number.
    yearsOld: new RegExp(`^ ?${after(a.yearsOld)}`),
    monthsOld: new RegExp(`^ ?${after(a.monthsOld)}`),
    weeksOld: new RegExp(`^ ?${after(a.weeksOld)}`),
    years: new RegExp(`^ ?${after(a.years)}`),
    months: new RegExp(`^ ?${after(a.months)}`),
    weeks: new RegExp(`^ ?${after(a.weeks)}`),
    notAfter: new RegExp(`^ ?${after(a.notAgeAfter)}`),
    next: new RegExp(`^[ ,]*${src(a.nextBirthday)}`),
    // Before the number.
    almost: new RegExp(`${src(a.almost)}[ ,]*$`),
    justTurned: new RegExp(`${src(a.justTurned)}[ ,]*$`),
    before: new RegExp(`${src(a.before)}[ ,]*$`),
    // "my son is 7", "my son, 7", and a few words between ("my son Tom is 19", "the lad I look after is 13").
    // "my daughter Maria, 6 years": one word (a name) between, then a comma or "is", is still the child's age.
    // "the youngest, Ruby, is 5": a name set off by commas; "a girl of 10" (blind conversations sets 25 and 26).
    // "daughter mine 11": British Sign Language word order, the owner after the child (blind conversations set 29).
    child: new RegExp(`${src(a.childWords)}(?:,? (?:mine|of mine))?(?:(?: [a-z]+){1,4} (?:is|who is|whos|aged)|(?: [a-z]+)(?: is| who is| aged| whos| [(]|,)+|, [a-z]+,? (?:is|who is|whos|aged)| of|(?: is| who is| aged| age| whos| [(]|,)*)[ ,(]*$`),
    // "My son Kacper 12 years": the child, a name, then the age with its unit (blind conversations set 29).
    childNamed: new RegExp(`${src(a.childWords)} [a-z]+ $`),
    self: new RegExp(`(?:^|[^a-z0-9])${src(a.self)}[ ,]*$`),
    yearGroup: new RegExp(`(?<![a-z0-9])(?:${a.yearGroups.words.join('|')}) ?(\\d{1,2})(?![0-9a-z])`, 'g'),
    yearNotAfter: wordsPattern(a.yearGroups.notAfter),
    childAnywhere: wordsPattern(a.childWords),
  };
  cache.set(v.ages, p);
  return p;
}

/** The message with numbers in words written as digits, and each character's place in `message.text`. */
function numericView(text: string): { text: string; at: number[] } {
  const spans = numbersInWords(text);
  let out = '';
  const at: number[] = [];
  let last = 0;
  for (const s of spans) {
    if (s.start < last) continue;
    for (let i = last; i < s.start; i++) at.push(i);
    out += text.slice(last, s.start);
    const digits = String(s.value);
    out += digits;
    for (let k = 0; k < digits.length; k++) at.push(s.start);
    at[at.length - 1] = s.end - 1;
    last = s.end;
  }
  for (let i = last; i < text.length; i++) at.push(i);
  out += text.slice(last);
  return { text: out, at };
}

/** Before an opening number: nothing, or a greeting, at the start of the message or of a sentence. */
const OPENING_BEFORE = /(?:^|[.!?] )(?:(?:hey|hi|hiya|hello|ok|okay|so|um)[ ,.!]*)?$/;
/** After it: a comma and the next words ("18, adhd"), not "3, 4 or 5". */
const OPENING_AFTER = /^ ?, ?[a-z]/;
/**
 * "hi. im kacper. 16. cp. eye gaze so short msgs" (a 16-year-old typing with eye-gaze, blind conversations set 31): a full
 * stop after the number too, when what follows is written in lower case (a numbered list, "1. My daughter is 13", is not).
 */
const OPENING_AFTER_STOP = /^ ?\. ?[a-z]/;

const NUMBER = /(?<![a-z0-9.])(\d{1,3}(?:\.\d+)?)( and a half| and a bit| ½)?(?![0-9])/g;
/** After an age: the writer says it was wrong ("3 but hes not", "3, no sorry"). */
const RETRACTED = /^[ ,.]*(?:but (?:hes|shes|he is|she is|theyre|they are|thats|that is|its|it is) (?:not|wrong)(?=[ ]*(?:$|[,.!]))|(?:no|sorry|oops),? (?:sorry|i mean|i meant)\b)/;
/** Words just before a bare number that make it a duration or a time, not an age. */
const DURATION = /(?:^|[^a-z])(for|over|the last|the past|waiting|every|within|after|than|about|around|at|by|on|of|from|to|since|in|till|until|x|only|just|page|top|class|room|bus|number|no|nearly all)[ ,]*$/;

/** "Larissa have 14 years", "she have 4 years": the age in the way several languages say it (blind conversations set 31). */
const HAS_YEARS = /(?:^|[^a-z])(?:she|he|they|[a-z]+) (?:have|has|hav|got) $/;
/** Just before a number: the writer quotes what they said earlier ("I said 14", "i put 3"). */
// "Correction: I wrote that I am 14. That is wrong. I am 15." (an autistic 15-year-old, blind conversations set 30).
const SAID_BEFORE = /(?:^|[^a-z])(?:i|ive|i have|i'?d|we|weve) (?:just )?(?:said|put|wrote|written|typed|told you|entered|gave)(?: you)?(?: that)?(?: (?:i am|im|i'?m|he is|hes|she is|shes|they are|theyre|he was|she was|i was))?[ ,]*$/;
/** Capitalised words that are not a child's name when they come before "is 7". */
const NOT_A_NAME = new Set('he she it this that there what which who i we they you mum dad mummy daddy nan gran grandad school class reception year'.split(' '));
/** The word that starts at `at` (numeric view) is written with a capital in the message: a name, not "has". */
function capitalisedAt(message: Message, at: number, length: number, span: (start: number, end: number) => Span): boolean {
  return /^[A-Z][a-z]/.test(message.source(span(at, at + length)));
}

/**
 * "Alex is 15", "Ruby turned 7": a name written with a capital, then the age (blind conversations set 29: a step-dad
 * putting the age right, "Alex is 15, had a birthday in March"). `before` is the numeric view just before the number.
 */
function namedBefore(message: Message, before: string, start: number, span: (start: number, end: number) => Span): boolean {
  const m = /(?:^|[^a-z'])([a-z]+) (?:is|was|turned|just turned|has just turned|is now) $/.exec(before);
  if (!m || NOT_A_NAME.has(m[1]!)) return false;
  return capitalisedAt(message, start - before.length + m.index + m[0].indexOf(m[1]!), m[1]!.length, span);
}

/** The word just before the number is a name ("My son Kacper 12 years"), not "has 3 years". */
function capitalisedBefore(message: Message, before: string, start: number, span: (start: number, end: number) => Span): boolean {
  const m = /([a-z]+) $/.exec(before);
  return m !== null && capitalisedAt(message, start - before.length + m.index, m[1]!.length, span);
}

export function findAge(message: Message, v: Vocabulary, asked: boolean): AgeFound | undefined {
  const p = patterns(v);
  const view = numericView(message.text);
  const t = view.text;
  const span = (start: number, end: number): Span => ({ start: view.at[start] ?? 0, end: (view.at[end - 1] ?? 0) + 1 });
  const found: (AgeFound & { strength: number })[] = [];
  const taken: Span[] = [];

  for (const r of agesInText(message.text)) {
    if (r.years <= 25) found.push({ age: r.years, span: { start: r.start, end: r.end }, self: false, strength: 3 });
    taken.push({ start: r.start, end: r.end });
  }

  for (const m of t.matchAll(NUMBER)) {
    const start = m.index;
    let end = start + m[0].length;
    const s0 = span(start, end);
    if (taken.some((x) => s0.start < x.end && x.start < s0.end)) {
      const self = p.self.test(t.slice(0, start));
      const hit = found.find((f) => f.span.start <= s0.start && s0.start < f.span.end);
      if (hit && self) hit.self = true;
      continue;
    }
    const n = Number(m[1]);
    const before = t.slice(Math.max(0, start - 40), start);
    if (/(?<![a-z])(?:year|yr|y|yrs) ?$/.test(before)) continue; // a year group, read below
    // "its my 3rd one im worried about": "one" after an ordinal is the child, not an age (blind conversations set 20).
    if (/(?:^|[^a-z0-9])(?:\d+(?:st|nd|rd|th)|first|second|third|fourth|fifth|sixth|middle|youngest|eldest|oldest) $/.test(before) && /^[a-z]+$/i.test(message.text.slice(s0.start, s0.end))) continue;
    let after = t.slice(end);
    if (/^[a-z]/.test(after) && !/^(yo|yrs?|years?|months?|mths?|mo|weeks?|y o|y)(?![a-z])/.test(after)) continue; // "7ab", "3rd"
    if (p.notAfter.test(after)) continue;
    // "Tyler is 6, not 7": the number after "not" is what the age is not; the one before it is said on purpose.
    if (/(?:^|[^a-z])not $/.test(before)) continue;
    // "sorry just realised I said 14, Alex is 15": what was said before is being put right (blind conversations set 29).
    if (SAID_BEFORE.test(before)) continue;
    const corrects = /^ ?,? not \d/.test(after);
    let unit: 'years' | 'months' | 'weeks' = 'years';
    let explicit = false;
    let u: RegExpExecArray | null;
    if ((u = p.yearsOld.exec(after))) explicit = true;
    else if ((u = p.monthsOld.exec(after))) (unit = 'months'), (explicit = true);
    else if ((u = p.weeksOld.exec(after))) (unit = 'weeks'), (explicit = true);
    else if ((u = p.years.exec(after))) unit = 'years';
    else if ((u = p.months.exec(after))) unit = 'months';
    else if ((u = p.weeks.exec(after))) unit = 'weeks';
    if (u) {
      end += u[0].length;
      after = t.slice(end);
    }
    const almostCue = p.almost.exec(before);
    const turnedCue = p.justTurned.exec(before);
    const selfCue = p.self.exec(before);
    const almost = almostCue !== null;
    const justTurned = turnedCue !== null;
    const self = selfCue !== null;
    const beforeCue = p.before.exec(before);
    // "Hey. 18, ADHD, second year at college": a number that opens the message (or a sentence) and is followed by
    // a comma is how people introduce the one the message is about, in the few words a profile would use.
    // "12 years": the unit was written, so the number is an age now, not a next birthday.
    const withYears = u !== null && unit === 'years';
    const stopThenLower = () => OPENING_AFTER_STOP.test(after) && /^[a-z]/.test(message.source(span(end, Math.min(t.length, end + 6))));
    const opening = OPENING_BEFORE.test(t.slice(0, start)) && (OPENING_AFTER.test(after) || stopThenLower()) && unit === 'years';
    const cue = almost || justTurned || self || opening || corrects || beforeCue !== null || p.child.test(before) || namedBefore(message, before, start, span) || (withYears && ((p.childNamed.test(before) && capitalisedBefore(message, before, start, span)) || HAS_YEARS.test(before)));
    // The source starts at the words that make it an age ("just turned 5", "I'm 17").
    const cueLength = Math.max(almostCue?.[0].length ?? 0, turnedCue?.[0].length ?? 0, (selfCue?.[0].trimStart().length ?? 0), beforeCue?.[0].length ?? 0);
    // "she have 4 years, in September she make 5": an age with its unit is the age now (blind conversations set 31).
    const next = withYears ? null : p.next.exec(after);
    if (next) end += next[0].length;
    if (!explicit && !cue && DURATION.test(before) && !asked) continue;
    const strength = explicit || cue ? 3 : 1;
    let age = unit === 'months' ? Math.floor(n / 12) : unit === 'weeks' ? 0 : Math.floor(n);
    if ((almost || next) && !justTurned && unit === 'years') age = Math.max(0, age - 1);
    if (age > 25) continue;
    // Nobody else named ("my son", "she"): the writer introduces themself.
    const about = opening && !self && !p.childAnywhere.test(t) ? true : self;
    found.push({ age, span: span(start - cueLength, end), self: about, strength });
  }

  for (const m of t.matchAll(p.yearGroup)) {
    const n = Number(m[1]);
    const g = v.ages.yearGroups;
    if (n < g.first || n > g.last) continue;
    if (p.yearNotAfter.test(lead(t, m.index, 3))) continue;
    found.push({ age: n + g.offset, span: span(m.index, m.index + m[0].length), self: false, strength: 2, estimate: true });
  }
  for (const named of v.ages.namedPatterns) {
    for (const pattern of named.patterns) {
      for (const s of matches(pattern, message.text)) {
        if (p.yearNotAfter.test(lead(message.text, s.start, 3))) continue;
        found.push({ age: named.age, span: s, self: false, strength: 2, estimate: true });
      }
    }
  }

  // Taken back in the same breath: "i put hes 3 but hes not, hes 2" (blind conversations set 26).
  const usable = found.filter((f) => (f.strength >= 2 || asked) && !RETRACTED.test(message.text.slice(f.span.end, f.span.end + 24)));
  // A parent's own age ("I'm 24 and my son is 3") gives way to the child's.
  const rank = (f: AgeFound & { strength: number }) => -f.strength * 2 + (f.self && usable.some((o) => !o.self && o.strength >= f.strength) ? 1 : 0);
  const chosen = usable.sort((a, b) => rank(a) - rank(b) || a.span.start - b.span.start)[0];
  return chosen ? { age: chosen.age, span: chosen.span, self: chosen.self, ...(chosen.estimate ? { estimate: true } : {}) } : undefined;
}
