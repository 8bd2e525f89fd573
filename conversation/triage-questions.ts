/**
 * The guided triage questions, one at a time, as data: what we ask, the buttons we offer,
 * how we read a typed answer, and what "skip" means. The order is the order people find
 * natural (who, age, setting, where, worries, support so far, plan, diagnosis, safety).
 */
import type { Choice } from './replies.js';
import type { TriageAnswers } from './state.js';

export type StepId =
  | 'requester'
  | 'childAge'
  | 'setting'
  | 'place'
  | 'needs'
  | 'concern'
  | 'senSupport'
  | 'externalAdvice'
  | 'ehcp'
  | 'diagnosis'
  | 'safetyConcern';

type Option<T> = { title: string; value: T; pattern?: RegExp };

export type Step = {
  id: StepId;
  /** The question, worded for who is asking. */
  ask: (answers: TriageAnswers) => string;
  options: Option<unknown>[];
  /** Reads a typed answer; undefined means "I did not understand". */
  parse?: (text: string) => unknown;
  /** The value used when the person skips ("not sure"). */
  skip: unknown;
  /** Multi-choice steps collect several answers until "Done". */
  multi?: boolean;
};

const yourChild = (a: TriageAnswers) => (a.requester === 'young-person' ? 'you' : a.requester === 'professional' ? 'the child or young person' : 'your child');
/** "Does your child have", "Do you have": the verb agrees with the person asked about. */
const doesYourChild = (a: TriageAnswers) => (a.requester === 'young-person' ? 'Do you' : `Does ${yourChild(a)}`);
/** "your child is", "you are". */
const yourChildIs = (a: TriageAnswers) => (a.requester === 'young-person' ? 'you are' : `${yourChild(a)} is`);

const WORD_NUMBERS: Record<string, number> = {
  zero: 0, one: 1, two: 2, three: 3, four: 4, five: 5, six: 6, seven: 7, eight: 8, nine: 9, ten: 10, eleven: 11,
  twelve: 12, thirteen: 13, fourteen: 14, fifteen: 15, sixteen: 16, seventeen: 17, eighteen: 18, nineteen: 19,
  twenty: 20, 'twenty one': 21, 'twenty two': 22, 'twenty three': 23, 'twenty four': 24, 'twenty five': 25,
};

/** "7", "seven", "18 months", "2 and a half", "baby" -> whole years, or undefined. */
export function parseAge(text: string): number | undefined {
  const t = text.toLowerCase().trim();
  if (/\b(new ?born|baby|infant)\b/.test(t)) return 0;
  const months = /(\d{1,3})\s*(months?|mths?|mo)\b/.exec(t);
  if (months) return Math.min(25, Math.floor(Number(months[1]) / 12));
  const digits = /\b(\d{1,2})(?:\.\d+)?\b/.exec(t);
  if (digits) {
    const n = Number(digits[1]);
    return n >= 0 && n <= 25 ? n : undefined;
  }
  for (const [word, n] of Object.entries(WORD_NUMBERS).reverse()) if (new RegExp(`\\b${word}\\b`).test(t)) return n;
  return undefined;
}

/** Words that point to each broad area of need (SEND Code of Practice 6.28 to 6.35). */
const NEED_WORDS: [string, RegExp][] = [
  ['communication-interaction', /talk|speech|speak|language|words|communicat|social|autis|asd|asc|understand|stammer|friends/],
  ['cognition-learning', /learn|read|writ|maths|dyslex|behind|memory|concentrat|attention|adhd|focus/],
  ['semh', /feeling|emotion|anxi|worr|mental|mood|behav|angry|anger|meltdown|sad|low|self.?esteem|semh|upset/],
  ['sensory-physical', /hear|deaf|sight|see|vision|blind|physical|walk|mobility|wheelchair|sensory|motor|coordinat|medical|sit/],
];

export function needsIn(text: string): string[] {
  const t = text.toLowerCase();
  return NEED_WORDS.filter(([, pattern]) => pattern.test(t)).map(([need]) => need);
}

const YES = /^(y|yes|yeah|yep|yup|they have|she has|he has|i have|we have|correct)\b/;
const NO = /^(n|no|nope|not yet|none|nothing|never|they haven'?t|she hasn'?t|he hasn'?t)\b/;
/** "yes she is safe" to "is anyone worried that your child is not safe?": a no, in the family's words (blind conversations set 11). */
const SAFE_NOW = /^(?:(?:yes|yeah|yep|yh)[ ,.!]*)?(?:she|he|they|we|everyone|everybody|all|my \w+)(?:'s|s| is| are)? (?:all )?(?:safe|fine|ok|okay|alright)\b(?!.*\bbut\b)/;

function fromOptions(options: Option<unknown>[]) {
  return (text: string): unknown => {
    const t = text.toLowerCase().trim();
    const exact = options.find((o) => o.title.toLowerCase() === t);
    if (exact) return exact.value;
    const matched = options.find((o) => o.pattern?.test(t));
    return matched ? matched.value : undefined;
  };
}

function step(s: Omit<Step, 'parse'> & { parse?: Step['parse'] }): Step {
  return { ...s, parse: s.parse ?? fromOptions(s.options) };
}

export const STEPS: Step[] = [
  step({
    id: 'requester',
    ask: () => 'First, who are you? This helps me explain things in the right way.',
    options: [
      { title: 'Parent', value: 'parent', pattern: /parent|mum|mom|dad|mother|father/ },
      { title: 'Carer', value: 'carer', pattern: /carer|foster|grand|guardian|kinship|aunt|uncle/ },
      { title: 'Young person, about myself', value: 'young-person', pattern: /young person|myself|for me|i am (a )?(student|young)|^me$/ },
      {
        title: 'Professional',
        value: 'professional',
        pattern: /professional|senco|teacher|school|health visitor|social worker|nurse|gp|doctor|therap|practitioner|nursery|worker/,
      },
    ],
    skip: 'parent',
  }),
  step({
    id: 'childAge',
    ask: (a) => (a.requester === 'young-person' ? 'How old are you?' : `How old is ${yourChild(a)}? You can type the age, like 7.`),
    options: [
      { title: 'Under 2', value: 1 },
      { title: '2 to 4', value: 3 },
      { title: '5 to 10', value: 8 },
      { title: '11 to 13', value: 12 },
      { title: '14 to 15', value: 14 },
      { title: '16 to 18', value: 17 },
      { title: '19 to 25', value: 21 },
    ],
    parse: (text) => {
      const ranges: Record<string, number> = { 'under 2': 1, '2 to 4': 3, '5 to 10': 8, '11 to 13': 12, '14 to 15': 14, '16 to 18': 17, '19 to 25': 21 };
      return ranges[text.toLowerCase().trim()] ?? parseAge(text);
    },
    skip: null,
  }),
  step({
    id: 'setting',
    ask: (a) => `Where does ${yourChild(a)} spend the day?`,
    options: [
      { title: 'Nursery, pre-school or childminder', value: 'early-years', pattern: /nursery|pre.?school|childminder|playgroup|early years/ },
      { title: 'Mainstream school', value: 'mainstream-school', pattern: /mainstream|primary|secondary|first school|middle|academy|^school$|upper/ },
      { title: 'Special school', value: 'special-school', pattern: /special/ },
      { title: 'College or sixth form', value: 'college', pattern: /college|sixth|university|post.?16|apprentice/ },
      { title: 'Home educated', value: 'home-educated', pattern: /home.?(educat|school)/ },
      { title: 'Alternative provision', value: 'alternative-provision', pattern: /alternative|learning centre|pru|pupil referral/ },
      { title: 'Not in school right now', value: 'not-attending', pattern: /not (in|at|going|attending)|refus|out of school|excluded|no school/ },
      { title: 'At home, not in a setting yet', value: 'none', pattern: /at home|none|not yet|baby|nothing/ },
    ],
    // Not sure is unknown, never "no setting" (toTriageCase reads an unknown setting by age).
    skip: null,
  }),
  step({
    id: 'place',
    ask: (a) =>
      `Which town or village ${a.requester === 'professional' ? 'does the child live in' : 'do you live in'}? Or type the first part of the postcode, like DT1. This tells me which local team can help.`,
    options: [],
    parse: (text) => text.trim().slice(0, 60) || undefined,
    skip: null,
  }),
  step({
    id: 'needs',
    ask: (a) => `What are you most worried about for ${yourChild(a)}? Choose all that fit, then press Done.`,
    options: [
      { title: 'Talking, understanding or getting on with others', value: 'communication-interaction' },
      { title: 'Learning, reading, writing or maths', value: 'cognition-learning' },
      { title: 'Feelings, behaviour or mental health', value: 'semh' },
      { title: 'Hearing, sight, physical or medical needs', value: 'sensory-physical' },
    ],
    parse: (text) => {
      const t = text.toLowerCase().trim();
      const option = STEPS_BY_ID.needs?.options.find((o) => o.title.toLowerCase() === t);
      if (option) return [option.value];
      const found = needsIn(t);
      return found.length > 0 ? found : undefined;
    },
    skip: [],
    multi: true,
  }),
  step({
    id: 'concern',
    ask: () => "In a sentence or two, what is happening? Please don't include names.",
    options: [],
    parse: (text) => text.trim().slice(0, 1000) || undefined,
    skip: '',
  }),
  step({
    id: 'senSupport',
    ask: (a) =>
      `Has the school or setting put SEN support in place for ${yourChild(a)}? This means extra help with a plan and targets that are checked each term.`,
    options: [
      { title: 'No, not yet', value: 'none', pattern: NO },
      { title: 'Yes, it has just started', value: 'starting', pattern: /just|start|recent|new|one (term|cycle)|first/ },
      { title: 'Yes, for 2 terms or more', value: 'established', pattern: YES },
    ],
    skip: 'none',
  }),
  step({
    id: 'externalAdvice',
    ask: () =>
      'Has a specialist given advice, such as an educational psychologist, a speech and language therapist or a specialist teacher?',
    options: [
      { title: 'Yes', value: true, pattern: YES },
      { title: 'No', value: false, pattern: NO },
    ],
    skip: false,
  }),
  step({
    id: 'ehcp',
    ask: (a) => `${doesYourChild(a)} have an education, health and care plan (EHCP)?`,
    options: [
      { title: 'No', value: 'none', pattern: NO },
      { title: 'We have asked for an assessment', value: 'requested', pattern: /asked|applied|request|waiting|in progress/ },
      { title: 'An assessment was refused', value: 'refused', pattern: /refus|turned down|rejected|said no|declined/ },
      { title: 'Yes, there is a plan', value: 'has-plan', pattern: YES },
    ],
    skip: 'none',
  }),
  step({
    id: 'diagnosis',
    ask: (a) => `${doesYourChild(a)} have a diagnosis, such as autism or ADHD, or are you waiting for an assessment?`,
    options: [
      { title: 'No', value: 'none', pattern: NO },
      { title: 'Waiting for an assessment', value: 'waiting', pattern: /wait|referr|list|assess/ },
      { title: 'Yes', value: 'diagnosed', pattern: YES },
    ],
    skip: 'none',
  }),
  step({
    id: 'safetyConcern',
    ask: (a) => `Last question. Is anyone worried that ${yourChildIs(a)} not safe, or might be harmed, right now?`,
    options: [
      { title: 'No', value: false, pattern: new RegExp(`${NO.source}|${SAFE_NOW.source}`) },
      { title: 'Yes', value: true, pattern: YES },
    ],
    skip: false,
  }),
];

export const STEPS_BY_ID: Partial<Record<StepId, Step>> = Object.fromEntries(STEPS.map((s) => [s.id, s]));

export function choicesFor(s: Step, answers: TriageAnswers): Choice[] {
  const chosen = new Set<string>(s.id === 'needs' ? (answers.needs ?? []) : []);
  const options: Choice[] = s.options
    .filter((o) => !chosen.has(String(o.value)))
    .map((o) => ({ title: o.title, value: { action: 'triage-answer', step: s.id, option: o.title } }));
  if (s.multi) options.push({ title: 'Done', value: { action: 'triage-answer', step: s.id, done: true } });
  options.push({ title: 'Not sure / skip', value: { action: 'triage-answer', step: s.id, skip: true } });
  if (s.id !== 'requester') options.push({ title: 'Back', value: { action: 'triage-answer', step: s.id, back: true } });
  return options;
}
