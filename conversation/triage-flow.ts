/**
 * The guided triage conversation, built to listen: everything the family has already typed is
 * read by the understander (`understanding/`) and kept, so triage asks only for what is
 * missing, most decisive first, and stops as soon as no answer could change the route. Before
 * the result it says what it understood, and the family can correct it in one tap or in their
 * own words. Professionals in Teams can instead fill in the same fields as one form.
 *
 * Over 300 lines: deciding what to ask next (only what could change the route) and reading each answer share the triage state; the questions and their wording are in triage-questions.ts.
 */
import type { KnowledgeBase } from '../knowledge/load.js';
import { ageLabel, type RouteId, TriageCase, type TriageResult } from '../triage/schema.js';
import { type FactName, understand, type Understood } from '../understanding/understand.js';
import { askedAboutSafety, escalate, isUrgent } from './alarm.js';
import { articleUrl, START_TRIAGE, TALK_TO_PERSON } from './answers.js';
import type { Flow, Turn } from './front-door.js';
import { intentOf, isStory } from './intents.js';
import type { OutcomeStep } from './outcome.js';
import type { Choice, Fact, Reply } from './replies.js';
import type { ConversationData, TriageAnswers } from './state.js';
import { choicesFor, type Step, STEPS, STEPS_BY_ID, type StepId } from './triage-questions.js';

export type RouteGuide = { title: string; next: string[]; articles: string[]; professionalTitle?: string; professionalNext?: string[] };

/** `postTown`: the town the postcode's district is known by, when the data names one (shown beside the postcode). */
export type PlaceCheck =
  | { status: 'dorset'; name: string; postTown?: string | undefined }
  | { status: 'out-of-area'; name: string; whereToGo?: string; postTown?: string | undefined }
  | { status: 'ambiguous' | 'unknown'; reason: string };

export type TriageFlowDeps = {
  kb: KnowledgeBase;
  publicUrl: string;
  /** `audience`: a professional's result gives reasons about the child and the family. */
  runTriage: (c: TriageCase, audience?: Turn['audience']) => TriageResult;
  routeGuide: (id: RouteId) => RouteGuide;
  checkPlace: (input: { postcode?: string; town?: string }) => PlaceCheck;
  /** The locality id of the safeguarding queue (triage/localities.yaml). */
  safeguardingQueue: string;
  /** Called when triage ends and the person has asked for a person (or safety needs one). */
  continueToHandover: (state: ConversationData, turn: Turn) => Promise<Reply[]> | Reply[];
};

export const RIGHT_TO_ASK =
  'You can always ask Dorset Council for an EHC needs assessment yourself. Parents, young people aged 16 to 25 and schools all have this right in law, and you do not need anyone else to agree.';

/** The same right, as a professional reads it. */
export const RIGHT_TO_ASK_PROFESSIONAL =
  'Parents, young people aged 16 to 25 and schools all have the right in law to ask Dorset Council for an EHC needs assessment at any time, and the family does not need anyone else to agree.';

/** The family's own words kept as the concern (TriageCase.concern allows 2000). */
const MAX_STORY = 1500;

/**
 * The order in which missing facts are asked: what decides the most first. The concern comes
 * first only when the family has not told us anything yet; the place decides out of area and
 * the team; then age, the plan, the setting and the support so far. Who is asking is asked only
 * when nothing said it (it changes how we speak, not the route).
 */
const DECISION_ORDER: StepId[] = ['concern', 'place', 'childAge', 'ehcp', 'setting', 'senSupport', 'needs', 'diagnosis', 'externalAdvice'];

/** A story shorter than this many words does not say what is happening yet, so we still ask. */
const STORY_WORDS = 30;
/**
 * Up to this many words, a story that has told fewer than RICH_FACTS of the facts is still short: the open question is
 * where families tell the rest, a risk included (blind conversations set 24: a 33-word opening about a wheelchair and
 * school, then "my partner... leaves him in his bedroom all day" at the open question). A rich one ("my son is 9, Year 4
 * at a primary in Weymouth, autistic, no SEN support, no EHCP") goes on to the result.
 */
const SHORT_STORY_WORDS = 40;
const RICH_FACTS = 5;

/** A story of at least this many words that names a worry the understander read (a need) has said what is happening. */
const STORY_WITH_NEED_WORDS = 8;

/** A typed answer to the place question longer than this, with no place in it, is the story told again, not a town. */
const PLACE_WORDS = 5;

/** Said before the open question when the family asks what to do in the middle of the questions: the place is kept. */
const KEEP_PLACE = "These questions are how I find the right help, so let's carry on from where we were.";

/** Typed places that no data knows, before we stop asking and let the DEAL team find the team. */
const MAX_PLACE_TRIES = 2;

/** Facts that decide a route only together (established support counts only with specialist advice). */
const PAIRS: [StepId, StepId][] = [['senSupport', 'externalAdvice']];

/** Values to try for a missing fact when asking whether it could still change the route. */
export const CANDIDATES: Partial<Record<StepId, unknown[]>> = {
  childAge: [1, 3, 8, 13, 17, 21],
  setting: ['early-years', 'mainstream-school', 'special-school', 'college', 'not-attending'],
  senSupport: ['none', 'starting', 'established'],
  ehcp: ['none', 'requested', 'refused', 'has-plan'],
  diagnosis: ['none', 'waiting', 'diagnosed'],
  externalAdvice: [false, true],
  needs: [['communication-interaction'], ['cognition-learning'], ['semh'], ['sensory-physical']],
};

/** The understander's name for a step, when the step is a fact it reads. */
function factOf(id: StepId): FactName | undefined {
  return id === 'concern' ? undefined : id === 'safetyConcern' ? undefined : (id as FactName);
}

/** The step id clients know (`channelData.deal.step`) for a triage question. */
function outcomeStep(id: StepId): OutcomeStep {
  return id === 'childAge' ? 'age' : id === 'safetyConcern' ? 'safety' : id;
}

function known(answers: TriageAnswers, id: StepId): boolean {
  if (id === 'place') return Boolean(answers.town || answers.postcode);
  if (id === 'needs') return (answers.needs ?? []).length > 0;
  const value = (answers as Record<string, unknown>)[id];
  return value !== undefined && value !== null && value !== '';
}

/**
 * Whether the family has already said what is happening in a shorter story that names a worry ("she's really
 * struggling at her new school, she has autism"): then the open question only asks whether there is more to
 * add. It is still asked: it is where families tell us what else is going on, a risk included.
 */
/** How many words of the family's story we have so far. */
function storyWords(answers: TriageAnswers): number {
  return (answers.concern ?? '').trim().split(/\s+/).filter(Boolean).length;
}

function storyTold(answers: TriageAnswers): boolean {
  return storyWords(answers) >= STORY_WITH_NEED_WORDS && (answers.needs ?? []).length > 0;
}

/**
 * A short request for help in the middle of the questions ("what now?", "where do we go from here"): the
 * question is asked again. On the safety question only with no yes in it ("yes I want help" may be a disclosure).
 */
function asksToCarryOn(s: Step, text: string, intent = text ? intentOf(text) : null): boolean {
  if (intent !== 'start-triage' || isStory(text)) return false;
  return s.id !== 'safetyConcern' || !/\b(yes|yeah|yep|yh|yup|ye)\b/i.test(text);
}

/** The open question once the story is told: what they said is kept, and anything else is welcome. */
const ANYTHING_ELSE = "Is there anything else you'd like to tell me about what is happening? You can say 'no' or skip.";

/**
 * A long story that names no worry ("the school keep sending emails about an assessment") has told what is happening:
 * asking "what is happening?" again reads as not listening (blind questions set 25). What is missing is the worry itself.
 */
const WHAT_WORRIES =
  'Thank you for explaining. What are you, or the school, most worried about: for example learning, talking, behaviour, feelings, or health? Please don\'t include names.';

/** Which wording the open question takes: the first telling, anything to add, or the worry a long story left out. */
function concernQuestion(answers: TriageAnswers, ask: string): string {
  if (storyTold(answers)) return ANYTHING_ELSE;
  return storyWords(answers) >= STORY_WORDS ? WHAT_WORRIES : ask;
}

/** Where the family lives, as the summary says it: "Verwood (BH31)" for a postcode with a known town. */
function whereLabel(answers: TriageAnswers, postTown: (postcode: string) => string | undefined): string {
  const { town, postcode } = answers;
  if (!postcode) return town ?? 'Not given';
  const named = town ?? postTown(postcode);
  return named ? `${named} (${postcode})` : postcode;
}

/**
 * The summary's facts. A fact with no answer says "Not sure" only when it was asked and the family said
 * so (or skipped it); never asked, it is "Not given".
 */
function describe(answers: TriageAnswers, asked: readonly string[], postTown: (postcode: string) => string | undefined = () => undefined, estimated: readonly string[] = []): Fact[] {
  const optionTitle = (id: StepId, value: unknown) => STEPS_BY_ID[id]?.options.find((o) => o.value === value)?.title ?? String(value);
  const unknown = (id: StepId) => (asked.includes(id) ? 'Not sure' : 'Not given');
  const facts: Fact[] = [
    { label: 'Who is asking', value: answers.requester ? optionTitle('requester', answers.requester) : 'Not given' },
    // An age read from a school year fits two ages ("in Reception": 4 or 5); the summary says so, to be corrected in one line.
    { label: 'Age', value: answers.childAge == null ? unknown('childAge') : estimated.includes('childAge') ? `${answers.childAge} or ${answers.childAge + 1}, from the school year` : ageLabel(answers.childAge) },
    { label: 'Setting', value: answers.setting ? optionTitle('setting', answers.setting) : 'Not given' },
    { label: 'Where', value: whereLabel(answers, postTown) },
    { label: 'Worries', value: (answers.needs ?? []).map((n) => optionTitle('needs', n)).join('; ') || 'Not given' },
    { label: 'SEN support', value: answers.senSupport ? optionTitle('senSupport', answers.senSupport) : unknown('senSupport') },
    { label: 'EHC plan', value: answers.ehcp ? optionTitle('ehcp', answers.ehcp) : unknown('ehcp') },
    { label: 'Diagnosis', value: answers.diagnosis ? optionTitle('diagnosis', answers.diagnosis) : unknown('diagnosis') },
  ];
  if (answers.externalAdvice !== undefined) facts.push({ label: 'Specialist advice', value: answers.externalAdvice ? 'Yes' : 'No' });
  return facts;
}

/**
 * The setting the triage engine reads when the family skipped the question or never said: at
 * school age (5 to 15) most children are at school, and reading "none" would tell them "you told
 * us there is no school or other setting". The answers, the summary and the handover keep it unknown.
 */
function assumedSetting(age: number | null | undefined): TriageCase['setting'] {
  return age != null && age >= 5 && age < 16 ? 'mainstream-school' : 'none';
}

/** Builds a complete, valid TriageCase from the answers, using "skip" values for gaps. */
export function toTriageCase(answers: TriageAnswers): TriageCase {
  const skip = (id: StepId) => STEPS_BY_ID[id]!.skip;
  return TriageCase.parse({
    requester: answers.requester ?? skip('requester'),
    childAge: answers.childAge ?? null,
    setting: answers.setting ?? assumedSetting(answers.childAge),
    ...(answers.postcode ? { postcode: answers.postcode } : {}),
    ...(answers.town ? { town: answers.town } : {}),
    needs: answers.needs ?? [],
    concern: (answers.concern ?? '').slice(0, 2000),
    senSupport: answers.senSupport ?? skip('senSupport'),
    externalAdvice: answers.externalAdvice ?? false,
    ehcp: answers.ehcp ?? skip('ehcp'),
    diagnosis: answers.diagnosis ?? skip('diagnosis'),
    safetyConcern: answers.safetyConcern ?? false,
    ...(answers.safetyCleared ? { safetyCleared: true } : {}),
  });
}

const URGENCY_WORDS: Record<TriageResult['urgency'], string> = {
  immediate: 'Straight away',
  priority: 'Soon: by the end of the next working day',
  routine: 'Within 3 working days',
};

/** What decides a route for the family: primary, urgency, whether a person calls, and whether a team is known. */
const decision = (r: TriageResult) => `${r.primary}|${r.urgency}|${r.handover}|${r.locality === null}`;

/**
 * Words that say a message corrects what was said before ("sorry, I meant 9 not 8", "actually she's in year 5", "oh
 * hang on i put 6, hes 7 now": blind conversations set 15).
 */
const CORRECTION = /\b(?:sorry|i meant|meant to say|actually|wrong|mistake|typo|correction|not \d+|i mean|hang on|hold on|oops|whoops|my bad|i (?:put|said|typed|wrote|entered|gave)(?: you)? (?:\d+|the wrong|a wrong))\b/i;

/**
 * A message that plainly corrects something typed before, wherever it comes ("oh sorry i put 7 before, hes 8 not 7" in
 * the story; "sorry my phone put six he is seven" before the questions: blind conversations set 19). Narrower than
 * CORRECTION: "sorry" or "actually" alone open many first messages ("sorry if this is the wrong place").
 */
const PLAIN_CORRECTION = /\b(?:i meant|meant to say|typo|correction|my mistake|not \d+|i (?:put|said|typed|wrote|entered|gave)(?: you)? (?:\d+|[a-z]+ (?:before|earlier)|the wrong|a wrong|we(?:'| a)?re|we are|(?:he|she|it)(?:'s| is))|(?:my )?(?:phone|autocorrect|auto correct|it) (?:put|changed it to|typed|wrote))\b/i;

/** A reply that opens by saying the person does not know, in any words: the same as "Not sure / skip". */
const DONT_KNOW = /^\W*(?:(?:well|um|erm|honestly|sorry|no|hmm)[ ,.]+)?(?:i'?m not sure|im not sure|not sure|unsure|i (?:don'?t|do not|dont) (?:really )?know|dunno|idk|no idea|not certain|i can'?t remember|cant remember|cannot remember|no clue|not that i know|not that i'?m aware|i have no idea|i'?ve no idea|(?:i )?not know|me not know|i no know)\b/i;

/** "he was on it for speech, not sure now": a short reply that says it does not know, anywhere in it, and answers nothing else. */
// "not know": English as a second language, and BSL-style short sentences (blind conversations set 26).
const UNSURE = /\b(?:not sure|unsure|(?:don'?t|do not|dont) (?:really )?know|not know|dunno|idk|no idea|not certain|can'?t remember|cant remember|no clue)\b/i;
function unsureSomewhere(text: string): boolean {
  return text.trim().split(/\s+/).length <= 16 && UNSURE.test(text);
}

export class TriageFlow implements Flow {
  readonly modes: ConversationData['mode'][] = ['triage'];

  constructor(private readonly deps: TriageFlowDeps) {}

  /** Reads what a typed message says and keeps every fact it gives (the first message included). */
  note(state: ConversationData, turn: Turn): void {
    if (!turn.text || (turn.value && typeof turn.value === 'object')) return;
    const step = state.mode === 'triage' && state.step ? (STEPS_BY_ID[state.step as StepId] ? factOf(state.step as StepId) : undefined) : undefined;
    const heard = understand(turn.text, step ? { step } : {});
    if (PLAIN_CORRECTION.test(turn.text)) {
      // The corrected facts replace what we had; the needs are added to, as always (below).
      const { needs: _needs, ...corrected } = heard.facts;
      this.absorb(state, { ...heard, facts: corrected }, true);
    }
    this.absorb(state, heard, false);
    // A short message outside triage is a question ("where do I even start?"), not the story.
    this.addToStory(state, turn.text, state.mode === 'triage' ? 4 : 8);
  }

  /**
   * Said once, as soon as the family names a place another council serves: which council it is
   * and where to go, before anything else (Dorset's services are not theirs to use).
   */
  placeNote(state: ConversationData): Reply | null {
    if (state.toldOutOfArea || !known(state.triage, 'place')) return null;
    const place = this.deps.checkPlace({ town: state.triage.town, postcode: state.triage.postcode });
    if (place.status !== 'out-of-area') return null;
    state.toldOutOfArea = true;
    const where = state.triage.town ?? state.triage.postcode;
    return {
      kind: 'text',
      text: `${where} is in ${place.name}'s area, not Dorset Council's, so your own council's SEND services are the ones to use. ${place.whereToGo ?? ''}`.trim(),
      deal: { kind: 'welcome' },
    };
  }

  start(state: ConversationData, turn: Turn, reason?: string): Reply[] {
    if (reason === 'asked' || reason === 'safety') state.handoverReason = reason;
    if (turn.channel === 'teams' && turn.audience === 'professional') {
      // Professionals in Teams answer everything at once on a form, filled in with what they already said.
      return [{ kind: 'triage-form', title: 'Triage', intro: 'Answer what you know about the child or young person. Please do not include names.', errors: [], values: formValues(state.triage) }];
    }
    state.mode = 'triage';
    state.result = null;
    // The offer after "not sure" has been taken: a later "yes" answers something else.
    state.notSureInARow = 0;
    state.history = STEPS.filter((s) => s.id !== 'concern' && known(state.triage, s.id) && !state.estimated.includes(s.id)).map((s) => s.id);
    const heard = state.history.length > 0;
    const intro =
      reason === 'asked'
        ? "I can ask our team to contact you. So that the right local team helps you, I'll check a few things first. You can skip any question."
        : heard
          ? "Thank you, I've kept what you told me. I'll only ask what I still need. You can skip any question, go back, or say 'start again'."
          : "I'll ask a few short questions to find the right help. You can skip any question, go back, or say 'start again' at any time.";
    return [{ kind: 'text', text: intro, deal: { kind: 'welcome' } }, this.ask(state)];
  }

  /** After a safety response: carry on at the question where triage stopped. */
  resume(state: ConversationData, turn: Turn): Reply[] {
    state.pausedStep = null;
    return this.start(state, turn);
  }

  repeat(state: ConversationData, _turn?: Turn, why?: 'help'): Reply[] {
    const prefix = why === 'help' ? KEEP_PLACE : undefined;
    return [state.step === 'confirm' ? this.summary(state, prefix) : this.ask(state, prefix)];
  }

  /** True when the message answers the question being asked (otherwise it may be a question of the family's own). */
  accepts(state: ConversationData, turn: Turn): boolean {
    const s = state.step ? STEPS_BY_ID[state.step as StepId] : undefined;
    if (turn.value && typeof turn.value === 'object') return true;
    if (state.step === 'confirm') return /^(y|yes|yeah|yep|correct|that'?s right|ok)\b/i.test(turn.text) || Object.keys(understand(turn.text).facts).length > 0;
    if (!s) return false;
    if (s.id === 'concern') return true;
    // "Where do we go from here" asks for what these questions are for: the question is asked again, not answered as a search.
    if (asksToCarryOn(s, turn.text)) return true;
    if (s.id === 'place') {
      const heard = understand(turn.text, { step: 'place' }).facts;
      if (heard.town || heard.postcode) return true;
      const place = this.deps.checkPlace({ town: turn.text.trim().slice(0, 60) });
      return place.status === 'dorset' || place.status === 'out-of-area';
    }
    // "idk?? i had a pass to leave lessons once": not knowing is an answer (the same as "Not sure / skip"), not a search
    // (blind conversations set 21).
    return this.readAnswer(s, turn.text) !== undefined || DONT_KNOW.test(turn.text) || unsureSomewhere(turn.text);
  }

  /** The next question worth asking: missing, and able to change the route, most decisive first. */
  private nextStep(state: ConversationData): Step | undefined {
    const asked = new Set(state.history);
    const missing = DECISION_ORDER.filter((id) => !asked.has(id) && (id === 'concern' || !known(state.triage, id)));
    // A longer story that names no worry ("teacher said hes struggling n they want a meeting") has not said what is
    // happening either: the open question is where families tell us the rest, a risk included (blind conversations set 21).
    const noWorryNamed = (state.triage.needs ?? []).length === 0;
    const words = storyWords(state.triage);
    const factsTold = DECISION_ORDER.filter((id) => id !== 'concern' && known(state.triage, id)).length;
    const short = words < STORY_WORDS || (words < SHORT_STORY_WORDS && factsTold < RICH_FACTS);
    if (missing.includes('concern') && (short || noWorryNamed)) return STEPS_BY_ID.concern;
    if (missing.includes('place')) return STEPS_BY_ID.place;
    const base = decision(this.deps.runTriage(toTriageCase(state.triage)));
    const differs = (change: Partial<TriageAnswers>) => decision(this.deps.runTriage(toTriageCase({ ...state.triage, ...change }))) !== base;
    // An age estimated from a school year ("in reception": 4 or 5) is asked when the other age would change the route.
    const age = state.triage.childAge;
    if (state.estimated.includes('childAge') && !asked.has('childAge') && typeof age === 'number' && differs({ childAge: age + 1 })) return STEPS_BY_ID.childAge;
    for (const id of missing) {
      const values = CANDIDATES[id];
      if (!values) continue;
      if (values.some((value) => differs({ [id]: value }))) return STEPS_BY_ID[id];
      const partner = PAIRS.find((pair) => pair.includes(id))?.find((other) => other !== id);
      if (partner && missing.includes(partner)) {
        const together = values.some((value) => (CANDIDATES[partner] ?? []).some((other) => differs({ [id]: value, [partner]: other })));
        if (together) return STEPS_BY_ID[id];
      }
    }
    // The age, though it cannot change the route here: the officer needs it, so a handover never asks again.
    if (missing.includes('childAge')) return STEPS_BY_ID.childAge;
    // Last, unless a safety response already came: families tell us about risk when asked. A check-in nobody answered,
    // or a card about casework (a child out of school), did not ask it: a nan who went past the check-in on her opening
    // message told us at this question that he begs not to go home (blind conversations set 15).
    if (!asked.has('safetyConcern') && !askedAboutSafety(state.alarm)) return STEPS_BY_ID.safetyConcern;
    return undefined;
  }

  /** The next question worth asking, or the summary when none is left. */
  private ask(state: ConversationData, prefix?: string): Reply {
    const s = this.nextStep(state);
    return s ? this.askStep(state, s, prefix) : this.summary(state);
  }

  private summary(state: ConversationData, prefix?: string): Reply {
    state.step = 'confirm';
    return {
      kind: 'summary',
      title: prefix ? `${prefix} Here's what I have now. Is that right?` : "Here's what I have. Is that right?",
      facts: describe(state.triage, state.history, (postcode) => this.postTown(postcode), state.estimated),
      note: 'If something is wrong, tell me in your own words (for example "he is 9, not 8"). If you are worried a child is not safe right now, tell me.',
      choices: [
        { title: "Yes, that's right", value: { action: 'triage-confirm' } },
        { title: 'Change something', value: { action: 'triage-change' } },
        { title: 'Start again', text: 'start again' },
      ],
    };
  }

  /** The summary after a typed correction: what we have now, as a record, with the result straight after it. */
  private corrected(state: ConversationData): Reply {
    return {
      kind: 'summary',
      title: "Thank you, I have changed that. Here's what I have now.",
      facts: describe(state.triage, state.history, (postcode) => this.postTown(postcode), state.estimated),
      note: "If something is still wrong, say 'start again'.",
      choices: [],
    };
  }

  /** The town a postcode's district is known by, when the locality data names one. */
  private postTown(postcode: string): string | undefined {
    const place = this.deps.checkPlace({ postcode });
    return place.status === 'dorset' || place.status === 'out-of-area' ? place.postTown : undefined;
  }

  /** "Change something": one button per answer, each asking that question again. */
  private changeChoices(state: ConversationData): Reply {
    const ids: StepId[] = ['requester', 'childAge', 'setting', 'place', 'needs', 'senSupport', 'ehcp', 'diagnosis'];
    return {
      kind: 'text',
      text: 'What would you like to change? You can also just type the right answer.',
      choices: ids.map((id) => ({ title: STEP_LABELS[id] ?? id, value: { action: 'triage-redo', step: id } })),
      deal: { kind: 'question', step: 'confirm' },
    };
  }

  async continue(state: ConversationData, turn: Turn): Promise<Reply[]> {
    const value = (turn.value ?? {}) as { action?: string; option?: string; skip?: boolean; back?: boolean; done?: boolean; step?: string };
    if (value.action === 'triage-form') return this.fromForm(state, turn);
    const intent = turn.text ? intentOf(turn.text) : null;
    if (value.action === 'triage-confirm' || (state.step === 'confirm' && /^(y|yes|yeah|yep|correct|that'?s right|ok|okay)\b/i.test(turn.text))) {
      return this.finish(state, turn);
    }
    if (value.action === 'triage-change') return [this.changeChoices(state)];
    if (value.action === 'triage-redo' && typeof value.step === 'string' && STEPS_BY_ID[value.step as StepId]) {
      this.forget(state, value.step as StepId);
      return [this.askStep(state, STEPS_BY_ID[value.step as StepId]!)];
    }
    if (value.back || intent === 'back') return [this.back(state)];

    if (state.step === 'confirm') {
      // A correction in their own words: what they say now replaces what we had.
      // It is shown once more, so they see it was understood, then the result: asking "is that right?"
      // again after every correction is how a summary loops.
      const heard = understand(turn.text);
      if (this.absorb(state, heard, true) > 0) return [this.corrected(state), ...(await this.finish(state, turn))];
      return [this.changeChoices(state)];
    }

    const s = state.step ? STEPS_BY_ID[state.step as StepId] : undefined;
    if (!s) return [this.ask(state)];

    if (value.skip || intent === 'skip') {
      this.record(state, s, undefined);
      return [this.ask(state)];
    }
    // "Yes I want help please" while the questions are already running asks for what is happening, not
    // "yes" to this question (it would have recorded an EHC plan): ask this question again.
    if (asksToCarryOn(s, turn.text, intent)) return [this.askStep(state, s, KEEP_PLACE)];
    if (s.multi && value.done) {
      if (!state.history.includes(s.id)) state.history.push(s.id);
      return [this.ask(state)];
    }
    if (value.option !== undefined) {
      const chosen = s.options.find((o) => o.title === value.option);
      if (!chosen) return [this.askStep(state, s, 'Sorry, that button has expired.')];
      if (s.multi) {
        state.triage.needs = [...new Set([...(state.triage.needs ?? []), chosen.value as string])] as TriageAnswers['needs'];
        return [{ kind: 'text', text: `Thank you: ${chosen.title}. Choose any others, or press Done.`, choices: choicesFor(s, state.triage), deal: { kind: 'question', step: 'needs' } }];
      }
      this.record(state, s, chosen.value);
      return [this.ask(state)];
    }

    // Typed: read the whole message (it may say more than was asked), then the answer to this question.
    const step = factOf(s.id);
    const heard = understand(turn.text, step ? { step } : {});
    // A message that plainly corrects something typed before: its facts replace what we had, at whichever question it comes.
    const corrects = CORRECTION.test(turn.text);
    // "No, nobody is hurting him, it's just him when he's upset" answers the safety question and is not part of the
    // story: kept in the story, its words read as a risk beside the rest (blind conversations set 8, after set 15's change).
    if (s.id !== 'safetyConcern' || (this.fromUnderstood(s, heard) ?? s.parse?.(turn.text)) !== false) this.addToStory(state, turn.text);
    if (s.id === 'concern') {
      // "Sorry, I have mixed them up. Amir is 5, not 6" in the story: the correction replaces what we had.
      this.absorb(state, heard, corrects);
      if (!state.history.includes('concern')) state.history.push('concern');
      return [this.ask(state)];
    }
    if (s.id === 'place') {
      // "sorry just realised I said 14, Alex is 15" typed at the town question: the correction replaces what we had
      // (blind conversations set 29).
      const changed = this.absorb(state, { ...heard, facts: { ...heard.facts, town: undefined, postcode: undefined } }, corrects);
      if (!heard.facts.town && !heard.facts.postcode && this.tellsStory(turn.text)) {
        // "school keep ringing me to fetch him at lunch": the story, not a town. Kept (above), and the place asked once more.
        return [this.askStep(state, s, corrects && changed > 0 ? "Thank you, I've changed that." : 'Thank you, I have added that to what you told me.')];
      }
      const place = heard.facts.postcode ? this.withTown(heard.facts.postcode, heard.facts.town) : { town: heard.facts.town ?? turn.text.trim().slice(0, 60) };
      return [this.recordPlace(state, place)];
    }
    const answer = this.fromUnderstood(s, heard) ?? this.readAnswer(s, turn.text);
    const added = this.absorb(state, heard, false);
    if (answer === undefined && (DONT_KNOW.test(turn.text) || unsureSomewhere(turn.text))) {
      // "I don't know, nobody has said anything about that" is the family's "not sure": never asked again.
      this.record(state, s, undefined);
      return [this.ask(state)];
    }
    if (answer === undefined) {
      // Not an answer to this question, but more of the story, or a correction of what they said before ("Sorry, I
      // meant Year 10, not 11. She's 15"): kept, said so, and the question asked again (blind conversations set 12).
      const changed = corrects ? this.absorb(state, heard, true) : 0;
      if (changed > 0) return [this.askStep(state, s, "Thank you, I've changed that.")];
      if (added > 0) return [this.askStep(state, s, 'Thank you, I have added that to what you told me.')];
      return [this.askStep(state, s, "Sorry, I didn't understand that. Please choose one of the buttons, type it another way, or say 'skip'.")];
    }
    // An answer that also corrects an earlier one ("oh sorry, I put 9, he's 8! He's in Year 3 at the first school", typed
    // at the setting question): the answer is kept, and the corrected facts replace what we had (blind conversations set 13).
    const { needs: _needs, ...others } = heard.facts;
    const fixed = corrects && step ? this.absorb(state, { ...heard, facts: { ...others, [step]: undefined } }, true) : 0;
    this.record(state, s, answer);
    return fixed > 0 ? [{ kind: 'text', text: "Thank you, I've changed that." }, this.ask(state)] : [this.ask(state)];
  }

  /** A typed reply to the place question that names no place we know and is longer than a place name. */
  private tellsStory(text: string): boolean {
    if (text.trim().split(/\s+/).length <= PLACE_WORDS) return false;
    const place = this.deps.checkPlace({ town: text.trim().slice(0, 60) });
    return place.status !== 'dorset' && place.status !== 'out-of-area';
  }

  /** The answer to step `s` in what the understander read, if it read one. */
  private fromUnderstood(s: Step, heard: Understood): unknown {
    const fact = factOf(s.id);
    if (!fact || fact === 'place') return undefined;
    return (heard.facts as Record<string, unknown>)[fact];
  }

  /** A typed answer read the old way: a button's title, or the step's own patterns. */
  private readAnswer(s: Step, text: string): unknown {
    const fromUnderstander = this.fromUnderstood(s, understand(text, factOf(s.id) ? { step: factOf(s.id)! } : {}));
    if (fromUnderstander !== undefined) return fromUnderstander;
    if (s.id === 'place') return text.trim() ? text.trim() : undefined;
    return s.parse?.(text);
  }

  /** Keeps what the understander read; `correct` lets new facts replace known ones. Returns how many changed. */
  private absorb(state: ConversationData, heard: Understood, correct: boolean): number {
    let changed = 0;
    let placeDone = false;
    const answers = state.triage as Record<string, unknown>;
    for (const [fact, value] of Object.entries(heard.facts)) {
      if (value === undefined || (Array.isArray(value) && value.length === 0)) continue;
      if (fact === 'needs') {
        const needs = new Set([...(correct ? [] : (state.triage.needs ?? [])), ...(value as string[])]);
        if (needs.size !== (state.triage.needs ?? []).length || correct) changed += 1;
        state.triage.needs = [...needs] as TriageAnswers['needs'];
        continue;
      }
      if (fact === 'town' || fact === 'postcode') {
        if (known(state.triage, 'place') && !correct) continue;
        if (placeDone) continue;
        // "Verwood BH31": the postcode with the town beside it when the two agree, else whichever is clear.
        const withPostcode = heard.facts.postcode ? this.withTown(heard.facts.postcode, heard.facts.town) : undefined;
        const candidates = fact === 'town' ? [...(withPostcode ? [withPostcode] : []), { town: String(value) }] : [this.withTown(String(value), heard.facts.town)];
        const input = candidates.find((c) => {
          const place = this.deps.checkPlace(c);
          return place.status === 'dorset' || place.status === 'out-of-area';
        });
        if (!input) continue;
        placeDone = true;
        delete state.triage.town;
        delete state.triage.postcode;
        Object.assign(state.triage, input);
        changed += 1;
        continue;
      }
      const estimate = heard.estimated?.includes(fact as FactName) ?? false;
      const wasEstimate = state.estimated.includes(fact);
      // What was told replaces what was estimated ("she's in reception", then "she's 5"), never the other way round.
      if (answers[fact] !== undefined && !correct && !(wasEstimate && !estimate)) continue;
      if (answers[fact] !== undefined && estimate && !wasEstimate) continue;
      if (answers[fact] !== value) changed += 1;
      answers[fact] = value;
      state.estimated = estimate ? [...new Set([...state.estimated, fact])] : state.estimated.filter((f) => f !== fact);
    }
    for (const [fact, words] of Object.entries(heard.sources)) if (words) state.sources[fact] = words.slice(0, 120);
    return changed;
  }

  /** The family's own words, kept as the concern the officer reads (bounded); `minWords` leaves out short replies. */
  private addToStory(state: ConversationData, text: string, minWords = 4): void {
    const words = text.trim();
    if (words.split(/\s+/).length < minWords || (intentOf(words) && !isStory(words))) return;
    const story = state.triage.concern ? `${state.triage.concern}\n${words}` : words;
    state.triage.concern = story.slice(-MAX_STORY);
  }

  private askStep(state: ConversationData, s: Step, prefix?: string): Reply {
    state.step = s.id;
    const question = s.id === 'concern' ? concernQuestion(state.triage, s.ask(state.triage)) : s.ask(state.triage);
    return {
      kind: 'text',
      text: prefix ? `${prefix}\n\n${question}` : question,
      choices: choicesFor(s, state.triage),
      deal: { kind: 'question', step: outcomeStep(s.id) },
    };
  }

  private record(state: ConversationData, s: Step, value: unknown): void {
    if (s.id !== 'place') {
      const answers = state.triage as Record<string, unknown>;
      // Skipping "what is happening?" keeps what the family already told us: the story is theirs.
      // Skipping the age question keeps the age estimated from a school year: it is better than none.
      if (value === undefined) {
        if (s.id !== 'concern' && !state.estimated.includes(s.id)) delete answers[s.id];
      }
      else answers[s.id] = value;
      if (value !== undefined) state.estimated = state.estimated.filter((f) => f !== s.id);
    }
    if (!state.history.includes(s.id)) state.history.push(s.id);
  }

  private forget(state: ConversationData, id: StepId): void {
    const answers = state.triage as Record<string, unknown>;
    if (id === 'place') {
      delete answers.postcode;
      delete answers.town;
    } else delete answers[id];
    state.history = state.history.filter((h) => h !== id);
  }

  /** A postcode with the town typed beside it, when the two name the same place (the postcode alone otherwise). */
  private withTown(postcode: string, town: string | undefined): { postcode: string; town?: string } {
    if (!town) return { postcode };
    const both = this.deps.checkPlace({ postcode, town });
    return both.status === 'dorset' || both.status === 'out-of-area' ? { postcode, town } : { postcode };
  }

  private recordPlace(state: ConversationData, input: { postcode?: string; town?: string }): Reply {
    const place = this.deps.checkPlace(input);
    if (place.status === 'ambiguous' || place.status === 'unknown') {
      state.placeTries += 1;
      if (state.placeTries >= MAX_PLACE_TRIES) {
        // Never stuck on a place: the DEAL team works out the local team.
        if (!state.history.includes('place')) state.history.push('place');
        return this.ask(state, "Thank you. I couldn't match that to a local team, so the DEAL team will work out the right one.");
      }
      // The place question is asked once in the reply: the reason says only what went wrong.
      const why = place.status === 'ambiguous' ? 'That could be in more than one area.' : "Sorry, I couldn't match that to a place I know.";
      return this.askStep(state, STEPS_BY_ID.place!, `${why} You can type your nearest town or village, or say 'skip'.`);
    }
    delete state.triage.postcode;
    delete state.triage.town;
    Object.assign(state.triage, input.postcode ? { postcode: input.postcode.toUpperCase(), ...(input.town ? { town: input.town } : {}) } : { town: input.town });
    if (!state.history.includes('place')) state.history.push('place');
    return this.ask(state);
  }

  private back(state: ConversationData): Reply {
    const last = state.history.pop() as StepId | undefined;
    if (!last) return this.ask(state, 'This is the first question.');
    this.forget(state, last);
    return this.askStep(state, STEPS_BY_ID[last]!, 'OK, going back.');
  }

  /** Teams professionals send every answer at once from an Adaptive Card form. */
  private async fromForm(state: ConversationData, turn: Turn): Promise<Reply[]> {
    const v = turn.value as Record<string, unknown>;
    const age = typeof v.childAge === 'string' && v.childAge.trim() !== '' ? Number(v.childAge) : typeof v.childAge === 'number' ? v.childAge : null;
    const candidate = {
      requester: v.requester || 'professional',
      childAge: age,
      setting: formChoice('setting', v.setting),
      ...(typeof v.postcode === 'string' && v.postcode.trim() ? { postcode: v.postcode.trim() } : {}),
      ...(typeof v.town === 'string' && v.town.trim() ? { town: v.town.trim() } : {}),
      needs: typeof v.needs === 'string' && v.needs ? v.needs.split(',') : [],
      concern: typeof v.concern === 'string' ? v.concern : '',
      senSupport: formChoice('senSupport', v.senSupport),
      externalAdvice: v.externalAdvice === 'true' || v.externalAdvice === true,
      ehcp: formChoice('ehcp', v.ehcp),
      diagnosis: formChoice('diagnosis', v.diagnosis),
      safetyConcern: v.safetyConcern === 'true' || v.safetyConcern === true,
    };
    const parsed = TriageCase.safeParse(candidate);
    if (!parsed.success) {
      const missing = parsed.error.issues.map((i) => FIELD_LABELS[String(i.path[0])] ?? String(i.path[0]));
      return [
        {
          kind: 'triage-form',
          title: 'A few answers are missing',
          intro: 'Please fill in the fields below and submit again.',
          errors: [...new Set(missing)].map((m) => `${m} is needed`),
          // What was given stays filled in: only the missing answers need choosing.
          values: formValues(Object.fromEntries(Object.entries(candidate).filter(([key]) => !parsed.error.issues.some((i) => i.path[0] === key))) as TriageAnswers),
        },
      ];
    }
    state.mode = 'triage';
    state.triage = { ...parsed.data };
    state.history = STEPS.map((s) => s.id);
    return this.finish(state, turn);
  }

  private async finish(state: ConversationData, turn: Turn): Promise<Reply[]> {
    const triageCase = toTriageCase(state.triage);
    if (state.alarm && isUrgent(state.alarm)) triageCase.safetyConcern = true;
    const routed = escalate(this.deps.runTriage(triageCase, turn.audience), state.alarm, this.deps.safeguardingQueue);
    // They asked for a person ("can someone call me?") and were told "I can ask our team to contact you": that
    // promise stands whatever the route (another council's area apart), so the result says so and the handover follows.
    const asked = state.handoverReason === 'asked' && !routed.handover && !routed.routes.some((r) => r.id === 'out-of-area');
    const result = asked ? { ...routed, handover: true } : routed;
    state.result = result;
    state.mode = 'idle';
    state.step = null;
    const replies: Reply[] = [this.resultReply(result, turn.audience)];
    if (state.handoverReason && result.handover) {
      replies.push(...(await this.deps.continueToHandover(state, turn)));
    }
    return replies;
  }

  resultReply(result: TriageResult, audience: Turn['audience'] = 'family'): Reply {
    const { kb, publicUrl, routeGuide } = this.deps;
    const professional = audience === 'professional';
    // The best next step in full; the others briefly, so the card stays readable on a phone.
    const seen = new Set<string>();
    const routes = result.routes.slice(0, 4).map((route, i) => {
      const guide = routeGuide(route.id);
      // A reason said once is enough: rules and route notes can say the same thing.
      const reasons = route.reasons.filter((r) => !seen.has(r) && seen.add(r));
      return {
        title: (professional && guide.professionalTitle) || guide.title,
        reasons: i === 0 ? reasons : reasons.slice(0, 1),
        nextSteps: i === 0 ? ((professional && guide.professionalNext) || guide.next).slice(0, 3) : [],
        articles: guide.articles
          .map((id) => kb.byId.get(id))
          .filter((a) => a !== undefined)
          .slice(0, i === 0 ? 3 : 2)
          .map((a) => ({ title: a.title, url: articleUrl(publicUrl, a.id) })),
      };
    });
    const ids = result.routes.map((r) => r.id);
    const outOfArea = ids.includes('out-of-area');
    const choices: Choice[] =
      result.handover && !outOfArea
        ? [{ title: 'Yes, please contact me', value: { action: 'talk-to-person', reason: 'triage' } }, { title: 'No thanks', text: 'thanks' }]
        : outOfArea
          ? [START_TRIAGE]
          : [TALK_TO_PERSON, { title: 'Ask a question', text: 'help' }];
    return {
      kind: 'triage-result',
      deal: { kind: 'result', triage: result, urgency: result.urgency },
      title: 'What I suggest',
      intro:
        result.handover && !outOfArea
          ? audience === 'professional'
            ? 'Here is what I suggest for this child, and why. A member of the local team can also contact you or the family.'
            : 'Here is what I suggest, and why. A member of the local team can also contact you.'
          : 'Here is what I suggest, and why.',
      routes,
      urgency: URGENCY_WORDS[result.urgency],
      rightToAsk: ids.includes('ehcna') || ids.includes('graduated-approach') ? (professional ? RIGHT_TO_ASK_PROFESSIONAL : RIGHT_TO_ASK) : null,
      choices,
    };
  }
}

/**
 * A form choice as the schema names it. A value the choices do not have (an older card, another client:
 * "just-started") is read as words at that question ("just started" is starting); unreadable, it stays
 * as sent, and the form says the answer is needed.
 */
function formChoice(id: 'setting' | 'senSupport' | 'ehcp' | 'diagnosis', value: unknown): unknown {
  if (typeof value !== 'string' || value.trim() === '') return value;
  if (STEPS_BY_ID[id]?.options.some((o) => o.value === value)) return value;
  const words = value.replace(/[-_]+/g, ' ');
  return (understand(words, { step: id }).facts as Record<string, unknown>)[id] ?? STEPS_BY_ID[id]?.parse?.(words) ?? value;
}

/** What the Teams form starts with: the facts already understood, as the form's field values. */
function formValues(answers: TriageAnswers): Record<string, string> {
  const values: Record<string, string> = {};
  for (const [key, value] of Object.entries(answers)) {
    if (value === undefined || value === null || key === 'safetyConcern') continue;
    values[key] = Array.isArray(value) ? value.join(',') : String(value);
  }
  return values;
}

/** How each answer is named to the person: on "Change something" buttons, and (as on the form) in form errors. */
const STEP_LABELS: Partial<Record<StepId, string>> = {
  requester: 'Who is asking',
  childAge: 'Age',
  setting: 'Setting',
  place: 'Where',
  needs: 'Worries',
  senSupport: 'SEN support',
  ehcp: 'EHC plan',
  diagnosis: 'Diagnosis',
};

/** The Teams form names the needs field "Areas of need" (bot/render.ts), so its errors do too. */
const FIELD_LABELS: Record<string, string> = { ...STEP_LABELS, needs: 'Areas of need' };
