/**
 * The front door's conversation, independent of any channel SDK.
 *
 * Every message goes through the same steps, in this order:
 *  1. the safety check (always first, in every mode);
 *  2. button presses and the global words (start again, help, talk to a person);
 *  3. the flow the person is in (triage questions, consent, contact details, reference check);
 *  4. otherwise a question: glossary, then the knowledge base, or an honest "not sure".
 *
 * Over 300 lines: the order of a turn (safety first on what was typed, then buttons, commands, intents, the flow in charge, a question) is the product's main safety property, so it is kept in one file where the order can be read at once; the flows are their own files.
 */
import type { Glossary } from '../knowledge/glossary.js';
import type { KnowledgeBase } from '../knowledge/load.js';
import type { KnowledgeSearch, SearchAnswer } from '../knowledge/search.js';
import { normalise } from '../knowledge/text.js';
import { looksLikeQuestion } from '../text/question-openers.js';
import { sentencesWithMarks } from '../text/sentences.js';
import {
  clarifyReply,
  START_TRIAGE,
  TALK_TO_PERSON,
  articleReply,
  type Audience,
  glossaryReply,
  helpReply,
  notSureReply,
  possibleRiskReply,
  safetyReply,
  welcomeReplies,
} from './answers.js';
import { asksItsOwnQuestion, type Command, commandOf, intentOf, isHelpRequest, isStory, namesTheForm, referenceIn, saysYes, withoutCommand } from './intents.js';
import { isCasework, raiseAlarm } from './alarm.js';
import type { Choice, Reply } from './replies.js';
import type { SafetyKind } from '../safety/safety.js';
import { type ConversationData, freshConversation, remember } from './state.js';

export type Channel = 'webchat' | 'teams';

export type Turn = {
  /** What the person typed or the button "said"; may be empty for card submissions. */
  text: string;
  /** The value of a pressed button or submitted card. */
  value?: unknown;
  channel: Channel;
  audience: Audience;
};

/**
 * Shape of `safety/safety.ts`'s result that the conversation relies on, plus `possibleRisk`
 * from the second net (`safety/safety-net.ts`) when the patterns did not flag the message.
 */
export type SafetyCheck = { flagged: boolean; kind: SafetyKind | null; categories: string[]; possibleRisk?: boolean };

/** A flow owns the conversation while `state.mode` is one of its modes. */
export interface Flow {
  readonly modes: ConversationData['mode'][];
  /** Starts the flow from a button or intent. */
  start(state: ConversationData, turn: Turn, reason?: string): Promise<Reply[]> | Reply[];
  /** Handles a message while the flow owns the conversation. */
  continue(state: ConversationData, turn: Turn): Promise<Reply[]> | Reply[];
  /** Asks the current question again (after a false alarm; `why` 'help': they asked what to do, mid-questions). */
  repeat?(state: ConversationData, turn: Turn, why?: 'help'): Reply[];
  /** Records what a message says without answering it (triage: a disclosure that also answers). */
  note?(state: ConversationData, turn: Turn): void;
  /** Carries on where the flow stopped (triage after a safety response). */
  resume?(state: ConversationData, turn: Turn): Reply[];
  /** A note to say once about what the family just told us (a place outside Dorset). */
  placeNote?(state: ConversationData): Reply | null;
  /** True when the message answers the question being asked (else it may be a question of their own). */
  accepts?(state: ConversationData, turn: Turn): boolean;
}

export type FrontDoorDeps = {
  kb: KnowledgeBase;
  search: KnowledgeSearch;
  glossary: Glossary;
  /** `answer`: the text answers a question the bot just asked (judged as an answer, not a story). */
  checkSafety: (text: string, context?: { answer?: boolean }) => SafetyCheck;
  publicUrl: string;
  /** Guided triage ("what should I do next?"). */
  triage: Flow;
  /** Consent and contact details, then the handover. */
  handover: Flow;
  /** "Check my reference". */
  reference: Flow;
  /**
   * Live chat with an officer (conversation/live-chat.ts implements it): the replies while a person is in, or
   * to "is someone there?"; null when the front door answers as usual. Without it the bot always answers.
   */
  live?: { turn(state: ConversationData, turn: Turn, typed: string, safety: SafetyCheck): Reply[] | null };
};

/** Longest message we read; longer input is cut, never crashes a turn. */
export const MAX_TEXT = 2000;

type Action = { action: string; [key: string]: unknown };

function actionOf(value: unknown): Action | null {
  if (value && typeof value === 'object' && typeof (value as Action).action === 'string') return value as Action;
  return null;
}

/** Free-text fields of the Teams triage form: the only card values a person types. */
const FORM_TEXT_FIELDS = ['concern', 'town', 'postcode'] as const;

/**
 * What the person wrote in this turn, for the safety check: the message text and the free-text
 * fields of a submitted form. A pressed button's text and values were written by the bot
 * ("handover-answer phone"), so they are never scanned: a family pressing "Phone" is not a risk.
 */
export function typedTextOf(turn: Turn): string {
  const action = actionOf(turn.value);
  if (action && action.action !== 'triage-form') return '';
  const parts = [turn.text];
  if (action) for (const field of FORM_TEXT_FIELDS) if (typeof action[field] === 'string') parts.push(action[field] as string);
  return parts.filter(Boolean).join('\n').slice(0, MAX_TEXT * 2);
}

/** Said in so many words that everyone is safe. */
const FINE = "everyone'?s? (is )?(safe|fine|ok)|we'?re (all )?(safe|fine|ok)|(he|she|they)'?s? (is |are )?(safe|fine|ok)|all (good|fine|ok)";
const EVERYONE_FINE = new RegExp(`\\b(${FINE})\\b`, 'i');

/** "No, no one is hurting her and she's not hurting herself": a no, told as the absence of harm (blind conversations set 10). */
const NOBODY_HARMING = /\b(?:no ?one|nobody|noone|no body) (?:is|has been|has ever) (?:hurting|harming|hitting|touching|hurt)\b|\b(?:not|isn'?t|is not|never) (?:hurting|harming|cutting) (?:herself|himself|themselves|themself)\b|\b(?:isn'?t|is not|not) (?:unsafe|in danger|at risk)\b/i;

/** "No, everyone is safe", "no we're fine, I meant...": the answer to a check-in that was a false alarm. */
const ALL_CLEAR = new RegExp(`^(?:(?:ha|haha|hah|lol|oh|ah|um|erm|god|gosh|honestly)[,.! ]+)?(no|nope|nah|not at all|${FINE}|it'?s fine|sorry|i meant|(?:yes|yeah|yep)[,.! ]+(?:${FINE}))\\b`, 'i');

/** The family has told us about their child (a story, or two facts read from it), and there is no result yet. */
function toldStory(state: ConversationData): boolean {
  return state.result === null && ((state.triage.concern ?? '').length > 0 || Object.keys(state.sources).length >= 2);
}

/** The second "not sure" in a row: no repeat of the first, but a way forward. */
function stillNotSureReply(): Reply {
  return {
    kind: 'text',
    text: "I still can't find an answer to that, sorry. I can ask you a few questions to work out the right help, or ask someone from DEAL to contact you.",
    choices: [START_TRIAGE, TALK_TO_PERSON],
    deal: { kind: 'not-sure' },
  };
}

const RESUME_TRIAGE: Choice = { title: 'Carry on with my questions', value: { action: 'resume-triage' } };

/** Stop asking and act: triage waits, at the step it was on, until the family chooses to carry on. */
function pauseForSafety(state: ConversationData, card: Reply): Reply {
  state.pausedStep = state.step;
  state.mode = 'idle';
  state.step = null;
  if (card.kind === 'safety') card.choices = [...card.choices, RESUME_TRIAGE];
  return card;
}

/** "ask" on its own, and where to go after leaving a flow. */
function askWhatReply(): Reply {
  return { kind: 'text', text: 'What would you like to know? You can ask a question in your own words.', deal: { kind: 'welcome' } };
}

/** What the person is in the middle of, for the help offered inside a flow. */
const DOING: Record<ConversationData['mode'], string> = {
  idle: '',
  triage: 'answering my questions to find the right help',
  consent: 'asking someone from DEAL to contact you',
  contact: 'asking someone from DEAL to contact you',
  'check-reference': 'checking your reference',
};

/** An answer that opens with a plain no ("no, they're safe with me"); not "no one", which may say nobody is safe. */
const SAYS_NO = /^\s*(?:no|nope|nah|not at all)\b(?! one\b)/i;

/**
 * A short follow-up that points back at the story ("how do we go about challenging it?", "is that normal?"): searched
 * with the end of the story told so far, so "it" is the council's refusal told a message before, not whatever else can be
 * challenged (blind conversations set 26 got the DLA reconsideration article). Null when the message stands alone.
 */
function pointsBack(text: string, story: string | undefined): string | null {
  const words = text.trim().split(/\s+/).length;
  if (!story || words > FOLLOW_UP_WORDS || !/\b(it|that|this|them)\b/i.test(text)) return null;
  const before = story.endsWith(text.trim()) ? story.slice(0, -text.trim().length) : story;
  return before.trim() ? `${before.slice(-FOLLOW_UP_CONTEXT)}\n${text}` : null;
}
/** Up to this many words, a message with "it" or "that" may lean on the story for its topic. */
const FOLLOW_UP_WORDS = 10;
/** How much of the story's end a follow-up is searched with (the question of a story comes last). */
const FOLLOW_UP_CONTEXT = 600;

/** Only a greeting or a thank-you ("ta, that's all"): nothing in it to ask about. */
function isPleasantry(text: string): boolean {
  const intent = intentOf(text);
  return intent === 'thanks' || intent === 'greeting';
}

/** The search's answer when it answered, else undefined. */
function answered(found: SearchAnswer): SearchAnswer | undefined {
  return found.kind === 'answer' ? found : undefined;
}

/** Contact steps where a typed message is a name: "ask" only counts as a command before a question. */
const NAME_STEPS = new Set(['name', 'child']);

/** The questions whose short answers may carry a question of the family's own beside them (not the story or the summary). */
const ASIDE_STEPS = new Set(['requester', 'childAge', 'setting', 'place', 'needs', 'senSupport', 'externalAdvice', 'ehcp', 'diagnosis']);

/**
 * A question asked after the answer, in a later sentence of the same message ("15. also what even is the CAMHS gateway? my
 * GP said shed send something to it"), or null. The first sentence is the answer; a one-sentence message has no aside.
 */
function asideQuestion(text: string): string | null {
  // Split at every mark, whatever follows it: "15. also what..." is two sentences here.
  const sentences = text.split(/(?<=[.?!])\s+|\n+/).filter((x) => x.trim().length > 0);
  if (sentences.length < 2) return null;
  const asked = sentences.slice(1).find((x) => looksLikeQuestion(x));
  return asked ? asked.replace(/^(?:also|and|oh|btw|plus|but)[,\s]+/i, '').trim() : null;
}

/**
 * A question asked inside the story ("sorry before i say, is it right the wait for an autism assessment is 2 years??
 * school reckon he might be autistic"): the sentence with a question mark, for the answer beside the story, or null. The
 * whole message is still the story; an unclear question gets no answer (blind conversations set 23).
 */
function storyQuestion(text: string): string | null {
  const asked = sentencesWithMarks(text).find((x) => x.includes('?') && x.split(/\s+/).length >= 5);
  return asked ? asked.replace(/^(?:(?:sorry|ok|okay|so|um+|erm+|also|and|oh|btw|plus|but|before i (?:say|start|answer))[,\s]+)+/i, '').trim() : null;
}

/** The family's own question beside an answer (`asideQuestion`) or inside the story (`storyQuestion`), by the step asked. */
function questionBeside(step: string | null, text: string): string | null {
  if (step && ASIDE_STEPS.has(step)) return asideQuestion(text);
  return step === 'concern' ? storyQuestion(text) : null;
}

export class FrontDoor {
  private readonly titles: Map<string, string>;

  constructor(private readonly deps: FrontDoorDeps) {
    this.titles = new Map(deps.kb.articles.map((a) => [normalise(a.title).trim(), a.id]));
  }

  welcome(audience: Audience): Reply[] {
    return welcomeReplies(audience);
  }

  /** Handles one turn. Mutates and returns `state`; the caller saves it. */
  async handle(turnIn: Turn, state: ConversationData): Promise<Reply[]> {
    const text = (turnIn.text ?? '').slice(0, MAX_TEXT).trim();
    // A command typed, not a button pressed (a button's value says what it does).
    const command = actionOf(turnIn.value) ? null : commandOf(text);
    const turn: Turn = { ...turnIn, text: text.toLowerCase() === 'ask' ? text : withoutCommand(text) };
    const replies: Reply[] = [];
    // A short transcript, sent with a handover only if the family agrees. Contact details and
    // reference checks are never part of it.
    if (turn.text && state.mode !== 'contact' && state.mode !== 'check-reference') {
      state.transcript = remember(state.transcript, turn.text.slice(0, 500), 30);
    }

    const typed = typedTextOf(turn);
    // Answers to a question the bot just asked are judged as answers (see SafetyNet.flags), except the
    // answer to "is anyone worried a child is not safe?", where worrying words are what we ask for.
    // A plain "no" there ("no, she's settled and safe here") is an answer too (blind conversations set 23): a "no" with a
    // worry after it ("no but my ex keeps turning up drunk") still carries the risk words the answer bar is kept for.
    const answering = state.mode !== 'idle' && state.step !== null && (state.step !== 'safetyConcern' || SAYS_NO.test(typed));
    const safety = this.deps.checkSafety(typed, { answer: answering });
    // A person from DEAL is in the chat, or the family asks whether one is (conversation/live-chat.ts).
    const live = this.deps.live?.turn(state, turn, typed, safety);
    if (live) return live;
    const checkinWasOpen = state.checkinOpen;
    state.checkinOpen = false;

    if (safety.flagged && safety.kind) {
      const alarm = { kind: safety.kind, categories: safety.categories, words: typed };
      const shownBefore = state.alarm?.kind === alarm.kind && alarm.categories.every((c) => state.alarm!.categories.includes(c));
      raiseAlarm(state, alarm);
      const card = safetyReply(this.deps.kb, safety.kind, safety.categories);
      // Casework, not danger (a child out of school): say who helps, once, and carry on with what they asked.
      if (isCasework(alarm)) {
        const rest = await this.route(turn, state, [], command);
        return shownBefore ? rest : [card, ...rest];
      }
      // Giving contact details already, or a professional's whole form: keep going, the result and handover carry the alarm.
      if (state.mode === 'consent' || state.mode === 'contact' || actionOf(turn.value)?.action === 'triage-form') {
        return [card, ...(await this.route(turn, state, [], command))];
      }
      // Stop asking and act: triage waits until the family chooses to carry on.
      if (state.mode === 'triage') {
        this.recordAnswer(turn, state);
        return [pauseForSafety(state, card)];
      }
      // What the message told us (age, town, the worry itself) is kept, so a handover never asks it again.
      if (state.mode === 'idle') this.deps.triage.note?.(state, turn);
      return [card];
    }
    if (safety.possibleRisk && state.mode === 'triage' && state.step === 'safetyConcern' && !ALL_CLEAR.test(typed.trim())) {
      // Asked whether anyone is worried a child is not safe, they told us something worrying: a disclosure, not a check-in.
      state.triage.safetyConcern = true;
      return [this.disclosed(state, typed)];
    }
    // A plain "no" with nothing else, or "no, everyone's fine": not "no, but things are hard at home at night".
    const clearAnswer =
      state.mode === 'triage' &&
      state.step === 'safetyConcern' &&
      ALL_CLEAR.test(typed.trim()) &&
      (typed.trim().split(/\s+/).length <= 3 || EVERYONE_FINE.test(typed) || (NOBODY_HARMING.test(typed) && !/\bbut\b/i.test(typed)));
    // Asked the safety question after a check-in they went past, they said no one is worried: the check-in was a false
    // alarm, and the result and any handover are not marked with it.
    if (clearAnswer && state.alarm?.kind === 'possible-risk' && !state.alarm.confirmed) state.alarm = null;
    if (clearAnswer && !state.alarm) state.triage.safetyCleared = true;
    // A pleasantry ("ta, that's all") has nothing in it to check in about; a pattern would still have raised the card above.
    if (safety.possibleRisk && !clearAnswer && !isPleasantry(typed)) {
      // Only the second net worried: check in, then carry on as usual (a false alarm costs one card).
      // Not when they have just told us "no" to the safety question itself: the question was the check.
      raiseAlarm(state, { kind: 'possible-risk', categories: [], words: typed });
      const replies = await this.route(turn, state, [], command);
      state.checkinOpen = true;
      return [possibleRiskReply(this.deps.kb), ...replies];
    }
    if (checkinWasOpen && typed && ALL_CLEAR.test(typed.trim())) {
      // A false alarm is not a verdict: drop it and go back to where they were.
      if (state.alarm?.kind === 'possible-risk') state.alarm = null;
      if (!state.alarm) state.triage.safetyCleared = true;
      return [{ kind: 'text', text: 'Thank you for letting me know.', deal: { kind: 'welcome' } }, ...this.where(state, turn)];
    }
    return this.route(turn, state, replies, command);
  }

  /** An answer to the safety question that discloses a risk: the alarm raised with their words, the card, triage paused. */
  private disclosed(state: ConversationData, words: string): Reply {
    raiseAlarm(state, { kind: 'risk-of-harm', categories: [], words });
    return pauseForSafety(state, safetyReply(this.deps.kb, 'risk-of-harm'));
  }

  /** Keeps a triage answer given in the same message as a safety disclosure, so nothing is lost. */
  private recordAnswer(turn: Turn, state: ConversationData): void {
    this.deps.triage.note?.(state, turn);
  }

  /** Where the family was: the question they were answering again, or an invitation to ask. */
  private where(state: ConversationData, turn: Turn): Reply[] {
    const flow = this.flowFor(state);
    if (flow?.repeat) return flow.repeat(state, turn);
    return [{ kind: 'text', text: 'What would you like to know? You can ask a question in your own words.', deal: { kind: 'welcome' } }];
  }

  private flowFor(state: ConversationData): Flow | undefined {
    return [this.deps.triage, this.deps.handover, this.deps.reference].find((f) => f.modes.includes(state.mode));
  }

  /** Everything after the safety check: buttons, intents, the flow in progress, or a question. */
  private async route(turn: Turn, state: ConversationData, replies: Reply[], command: Command | null = null): Promise<Reply[]> {
    const action = actionOf(turn.value);
    if (action) return [...replies, ...(await this.onAction(action, turn, state))];
    if (!turn.text) {
      return [...replies, { kind: 'text', text: 'I can only read typed messages. Please type your question.' }];
    }

    const intent = intentOf(turn.text);
    if (intent === 'restart') {
      Object.assign(state, freshConversation());
      return [{ kind: 'text', text: "OK, let's start again." }, ...this.welcome(turn.audience)];
    }
    const current = this.flowFor(state);
    // The Teams commands and "what should I do next?" work in every flow: they leave it (saying so) and do what they say.
    if (command && current && this.commandApplies(command, state)) return [...replies, ...(await this.runCommand(command, turn, state))];
    if (command?.name === 'ask' && !command.question) return [...replies, askWhatReply()];
    if (intent === 'help') return [...replies, helpReply(turn.channel)];
    if (intent === 'talk-to-person' && state.mode !== 'consent' && state.mode !== 'contact') {
      // "…can someone ring me back?" at the end of a story: the story is kept, so nothing is asked twice.
      if (state.mode === 'idle') this.deps.triage.note?.(state, turn);
      const answer = asksItsOwnQuestion(turn.text) ? this.answerFirst(turn, state) : [];
      return [...replies, ...answer, ...(await this.deps.handover.start(state, turn, 'asked'))];
    }

    const flow = this.flowFor(state);
    // A question of their own in the middle of triage is answered, and triage carries on where it was.
    if (flow === this.deps.triage && state.step && looksLikeQuestion(turn.text) && !this.deps.triage.accepts?.(state, turn)) {
      return [...replies, ...this.answerQuestion(turn, state, true), ...this.deps.triage.repeat!(state, turn)];
    }
    // An answer with a question of its own beside it ("15. also what even is the CAMHS gateway?"): the answer is kept and
    // the question answered too, when something answers it clearly (blind conversations set 22).
    const aside = flow === this.deps.triage ? questionBeside(state.step, turn.text) : null;
    if (aside) {
      const answered = await flow!.continue(state, turn);
      return [...replies, ...this.answerAside({ ...turn, text: aside }, state), ...answered];
    }
    if (flow === this.deps.triage && state.step === 'safetyConcern') {
      const answered = await flow.continue(state, turn);
      // "Yes, someone is worried a child is not safe" is a disclosure: act on it as one.
      if (state.triage.safetyConcern === true && state.alarm?.kind !== 'risk-of-harm') {
        return [...replies, this.disclosed(state, typedTextOf(turn))];
      }
      return [...replies, ...answered];
    }
    if (flow) return [...replies, ...(await flow.continue(state, turn))];
    if (replies.length > 0) return replies;
    // Whatever they tell us, triage will not ask again.
    const toldBefore = toldStory(state);
    this.deps.triage.note?.(state, turn);
    const placeNote = this.deps.triage.placeNote?.(state);
    return [...(placeNote ? [placeNote] : []), ...(await this.idle(turn, state, intent, toldBefore))];
  }

  /** A typed message outside any flow: an intent the front door knows, or a question. */
  /** `toldBefore`: the family had told their story before this message (see `toldStory`). */
  private async idle(turn: Turn, state: ConversationData, intent: ReturnType<typeof intentOf>, toldBefore = false): Promise<Reply[]> {
    if (intent === 'start-triage' || (state.notSureInARow > 0 && saysYes(turn.text))) {
      // Only a longer message may carry a topic of its own: "OK. What would you suggest we do next?" is all ask, nothing to
      // search for (blind conversations set 21 got an article on home education for it).
      if (intent === 'start-triage' && turn.text.trim().split(/\s+/).length > 6 && !isHelpRequest(turn.text)) {
        // This message may be the one that says they are a professional ("I'm a SENCO..."): read after noting it.
        const professional = turn.audience === 'professional' || state.triage.requester === 'professional';
        // The same search the answer would run (limit and audience), so an answer given here is not searched twice.
        const found = this.deps.search.search(turn.text, { limit: 3, audience: professional ? 'professional' : 'parent' });
        // "My mum is 84 and had a fall... Who do I contact?": asked to be guided about something that is not SEND, so it is sent where it belongs.
        // A professional's case note ending "who do I contact?" ("2yo may have hearing loss... who do I contact?") wants the
        // service, not the triage form: a clear answer is given (they can still say "triage").
        // Unless they ask for the form by name (`namesTheForm`).
        if (found.kind === 'out-of-scope' || (professional && found.kind === 'answer' && !namesTheForm(turn.text))) {
          return this.answerQuestion({ ...turn, audience: professional ? 'professional' : turn.audience }, state, false, found);
        }
        return [...this.answerFirst(turn, state, found), ...(await this.deps.triage.start(state, turn))];
      }
      return this.deps.triage.start(state, turn);
    }
    if (intent === 'check-reference' || referenceIn(turn.text)) return this.deps.reference.start(state, turn);
    if (intent === 'greeting') {
      return [{ kind: 'text', text: 'Hello! What would you like to know? You can ask a question in your own words.', deal: { kind: 'welcome' } }];
    }
    if (intent === 'thanks') {
      return [{ kind: 'text', text: "You're welcome. If you think of anything else, just ask. Take care.", deal: { kind: 'welcome' } }];
    }
    if (intent === 'back' || intent === 'skip') {
      return [{ kind: 'text', text: 'There is nothing to go back to. What would you like to know?', deal: { kind: 'welcome' } }];
    }
    const answered = this.answerQuestion(turn, state);
    // A follow-up that finds no article after the family has told their story ("so which council do we go through",
    // "what now with all that"): they want to be guided, so the questions start, with what they already said. Not
    // after a safety response (its own next steps stand) and not for professionals (a form is not a reply to a question).
    if (answered.length === 1 && answered[0]!.deal?.kind === 'not-sure' && toldBefore && !state.alarm && turn.audience === 'family') {
      state.notSureInARow = 0;
      return this.deps.triage.start(state, turn);
    }
    return answered;
  }

  private async onAction(action: Action, turn: Turn, state: ConversationData): Promise<Reply[]> {
    switch (action.action) {
      case 'show-article': {
        const article = typeof action.id === 'string' ? this.deps.kb.byId.get(action.id) : undefined;
        if (!article) return [notSureReply(this.deps.kb)];
        state.shown = remember(state.shown, article.id, 20);
        return [articleReply(this.deps.kb, article, turn.audience, this.deps.publicUrl)];
      }
      case 'talk-to-person':
        return this.deps.handover.start(state, turn, typeof action.reason === 'string' ? action.reason : 'asked');
      case 'start-triage':
        return [...this.leaveFor(this.deps.triage, state), ...(await this.deps.triage.start(state, turn))];
      case 'resume-triage':
        return this.deps.triage.resume?.(state, turn) ?? this.deps.triage.start(state, turn);
      case 'check-reference':
        return [...this.leaveFor(this.deps.reference, state), ...(await this.deps.reference.start(state, turn))];
      case 'ask':
        return [...this.leaveFor(null, state), askWhatReply()];
      case 'carry-on': {
        const flow = this.flowFor(state);
        return flow?.repeat ? flow.repeat(state, turn) : [askWhatReply()];
      }
      case 'stop-flow':
        return [...this.leaveFor(null, state), askWhatReply()];
      case 'triage-form':
        return this.deps.triage.continue(state, turn);
      case 'help':
        return [this.flowFor(state) ? this.flowHelp(state, turn) : helpReply(turn.channel)];
      default: {
        const flow = this.flowFor(state);
        if (flow) return flow.continue(state, turn);
        return [{ kind: 'text', text: "Sorry, that button has expired. Please try again, or say 'help'." }];
      }
    }
  }

  /** Whether a typed command counts here: inside the contact steps a name is a name ("ask" counts only before a question). */
  private commandApplies(command: Command, state: ConversationData): boolean {
    if (command.name !== 'ask' || !command.question) return true;
    if (state.mode === 'contact' && NAME_STEPS.has(state.step ?? '')) {
      return looksLikeQuestion(command.question) || command.question.split(/\s+/).length >= 4;
    }
    return true;
  }

  /** A command typed inside a flow: help offers to carry on or stop; the others leave the flow and do what they say. */
  private async runCommand(command: Command, turn: Turn, state: ConversationData): Promise<Reply[]> {
    switch (command.name) {
      case 'help':
        return [this.flowHelp(state, turn)];
      case 'ask':
        return [...this.leaveFor(null, state), ...(command.question ? this.answerQuestion({ ...turn, text: command.question }, state) : [askWhatReply()])];
      case 'triage':
        // "what do I do now?" while a triage question is open asks for what the questions are doing: keep the place.
        if (state.mode === 'triage' && state.step && this.deps.triage.repeat) return this.deps.triage.repeat(state, turn, 'help');
        return [...this.leaveFor(this.deps.triage, state), ...(await this.deps.triage.start(state, turn))];
      case 'check-reference':
        return [...this.leaveFor(this.deps.reference, state), ...(await this.deps.reference.start(state, turn))];
    }
  }

  /** Help in the middle of a flow: what the person can do, and a choice to carry on (the question again) or stop. */
  private flowHelp(state: ConversationData, turn: Turn): Reply {
    const help = helpReply(turn.channel);
    const doing = DOING[state.mode];
    return {
      kind: 'text',
      text: `You're in the middle of ${doing}. You can carry on where you were, or stop.\n\n${help.kind === 'text' ? help.text : ''}`,
      choices: [
        { title: 'Carry on', value: { action: 'carry-on' } },
        { title: 'Stop', value: { action: 'stop-flow' } },
      ],
      deal: { kind: 'welcome' },
    };
  }

  /**
   * Leaves the flow in progress, saying so, before `next` starts (nothing to say when there is no
   * flow, or when `next` is the same flow starting again). Stopping a request for contact keeps
   * none of the contact details.
   */
  private leaveFor(next: Flow | null, state: ConversationData): Reply[] {
    const flow = this.flowFor(state);
    if (!flow) return [];
    const mode = state.mode;
    state.mode = 'idle';
    state.step = null;
    if (flow === next) return [];
    const say = (value: string): Reply[] => [{ kind: 'text', text: value, deal: { kind: 'welcome' } }];
    if (mode === 'triage') {
      state.pausedStep = null;
      state.handoverReason = null;
      return say("OK, I've stopped the questions. I've kept what you told me, so you won't need to say it again.");
    }
    if (mode === 'consent' || mode === 'contact') {
      state.contact = {};
      state.consentAt = null;
      state.handoverReason = null;
      return say("OK, I've stopped. Nothing has been sent, and I haven't kept your contact details.");
    }
    state.checkReference = null;
    return say("OK, I've stopped checking your reference.");
  }

  /**
   * A family's story that asks to be guided or called back ("EHCNA request refused last week. What
   * are my options?", "...can we request it ourselves, and can someone ring me?") and that the
   * knowledge base clearly answers: the answer comes first, in the same turn as the first question,
   * so what they asked is not left waiting behind the questions (blind conversations set 12).
   * Nothing for a short ask (not a story: one sentence of 16 words or fewer), a professional (their
   * case note gets the form), or no clear answer.
   */
  private answerFirst(turn: Turn, state: ConversationData, searched?: SearchAnswer): Reply[] {
    if (turn.audience !== 'family' || state.alarm || !isStory(turn.text)) return [];
    const found = searched ?? this.deps.search.search(turn.text, { limit: 3, audience: 'parent' });
    return found.kind === 'answer' ? this.answerQuestion(turn, state, true, found) : [];
  }

  /**
   * `inFlow`: asked in the middle of triage, so a miss does not offer to start triage again.
   * `searched`: the search's answer for this turn's text and audience when the caller has it already.
   */
  /** A question beside an answer: a glossary entry or a clear article, or nothing (the questions go on either way). */
  private answerAside(turn: Turn, state: ConversationData): Reply[] {
    if (this.deps.glossary.meaningQuestion(turn.text, true)) return this.answerQuestion(turn, state, true);
    const found = this.deps.search.search(turn.text, { limit: 3, audience: turn.audience === 'professional' ? 'professional' : 'parent' });
    return found.kind === 'answer' ? this.answerQuestion(turn, state, true, found) : [];
  }

  private answerQuestion(turn: Turn, state: ConversationData, inFlow = false, searched?: SearchAnswer): Reply[] {
    const { kb, search, glossary, publicUrl } = this.deps;
    state.asked = remember(state.asked, turn.text.slice(0, 300), 10);
    const notSureBefore = state.notSureInARow;
    state.notSureInARow = 0;

    const meaning = glossary.meaningQuestion(turn.text, inFlow);
    if (meaning) return [glossaryReply(meaning, kb)];

    const exact = this.titles.get(normalise(turn.text).trim());
    const audience = turn.audience === 'professional' ? 'professional' : 'parent';
    const alone = exact ? null : (searched ?? search.search(turn.text, { limit: 3, audience }));
    // A follow-up that finds nothing alone still starts the questions after a story (see `idle`); one that finds an
    // article alone may have found the wrong "it", so it is searched again with the story.
    // "also whats the DSR and who can refer to it": the "it" is the term the message names, not the story before it
    // (blind conversations set 30, a careers adviser's three questions in Teams).
    const namesATerm = () => (turn.text.match(/\b[A-Z]{2,6}s?\b/g) ?? []).some((token) => this.deps.glossary.lookup(token.replace(/s$/, '')) !== undefined);
    const followUp = alone?.answered && !searched && !inFlow && !namesATerm() ? pointsBack(turn.text, state.triage.concern) : null;
    const answer: SearchAnswer | null = (followUp ? answered(search.search(followUp, { limit: 3, audience })) : undefined) ?? alone;
    if (answer?.kind === 'clarify' && answer.results.length > 1) return [clarifyReply(kb, answer.results.map((r) => r.id))];
    const id = exact ?? (answer?.answered ? answer.results[0]?.id : undefined);
    const article = id ? kb.byId.get(id) : undefined;
    if (!article) {
      if (answer?.topic || inFlow) return [notSureReply(kb, answer?.topic)];
      state.notSureInARow = notSureBefore + 1;
      // Never the same "not sure" twice in a row: the second time, offer the questions or a person.
      return [notSureBefore > 0 ? stillNotSureReply() : notSureReply(kb)];
    }
    state.shown = remember(state.shown, article.id, 20);
    // The passage is written for families; professionals get the professional summary.
    const passage = turn.audience === 'family' && answer?.passage?.articleId === article.id ? answer.passage : undefined;
    return [articleReply(kb, article, turn.audience, publicUrl, passage, answer?.alternatives?.map((a) => a.id))];
  }
}
