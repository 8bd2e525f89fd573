/**
 * Recognises the few things people say to the front door itself (help, start again, talk to a person...) before a
 * message is treated as a question for the knowledge base. Patterns are anchored and short: a real question reaches search.
 */
import { normaliseReference } from '../handover/schema.js';
import { loadHelpRequests } from './help-requests.js';
import { keyWord } from './intent-words.js';
import { looksLikeQuestion, opensAsQuestion } from '../text/question-openers.js';
import { asksIndirectly, sentencesWithMarks } from '../text/sentences.js';
import { stem } from '../text/words.js';

export type Intent =
  | 'greeting'
  | 'thanks'
  | 'help'
  | 'restart'
  | 'talk-to-person'
  | 'start-triage'
  | 'check-reference'
  | 'back'
  | 'skip';

/**
 * A request for help in the family's own words with nothing else in it ("ok so wat do i do",
 * "can someone help me", "can you help me work out what help she needs"): it starts triage. The
 * asks are data (conversation/help-requests.yaml); anchored here, so "what do I do about
 * transport?" is still a question for the knowledge base.
 */
const { asks: HELP_ASKS, contactAsks: CONTACT_ASKS } = loadHelpRequests();
/**
 * The clauses of a message that are all help asks ("what i must do now please, who can help", "Can you point me in the
 * right direction - what's the next step?": blind conversations set 31): each clause checked on its own by HELP_REQUEST.
 */
const CLAUSE = /\s*[,;]\s*|\s+[-–]\s+|\s+(?:and|or)\s+(?=(?:who|what|where|how|can|could|is there)\b)/;
// Politeness either side ("please, what I should do now please", "what now then thanks") is not a topic.
const HELP_REQUEST = new RegExp(
  `^(?:(?:ok|okay|so|um|erm|right|well|hi|hello|please|and|but|sorry|yes|yeah)\\s+)*(?:${HELP_ASKS.join('|')})(?:\\s+(?:please|thanks|thank you|then|now|for me|for us|my lover|me lover|my love|love|mate|my dear))*[.!?]*$`,
);

const PATTERNS: [Intent, RegExp][] = [
  ['restart', /^(start (again|over)|restart|reset|begin again|cancel|stop|new question|clear)[.!]?$/],
  ['help', /^(help|menu|options|what can you do|what can i ask|how does this work|\?)[.!?]?$/],
  ['greeting', /^(hi+|hello+|hey+|hiya|good (morning|afternoon|evening)|morning|afternoon)( there| deal)?[.!]?$/],
  // "ta, that's all" and "thanks, that's everything for now" close the chat too (blind conversations set 27).
  ['thanks', /^(?:(?:ok|okay|brill|great|lovely|perfect)[, ]+)?(thanks?( you)?( very much| so much)?|thankyou|ta|cheers|ok thanks|bye|goodbye|that helps?)(?:[,.! ]+(?:that'?s|thats) (?:all|everything|it)(?: i needed| for now| thanks)?)?[.!]?$/],
  [
    'talk-to-person',
    /^((please|hi|hello|ok|okay|so|sorry|um) )*(i (want|would like|need) to |(can|could|may) (i|we) (please )?|is there (someone|somebody|anyone|a person) (i|we) (can|could) )?(talk|speak|chat) (to|with) (a |an |some)?(person|human|someone|somebody|anyone|adviser|advisor|officer|real person|member of staff|team)|^is there (someone|somebody|anyone|a person) (i|we) (can|could) (talk|speak|chat) (to|with)|^(can|could) (someone|somebody|a person) (call|ring|contact|phone|email) me|^(call|contact|ring|phone) me( back)?$|^(human|agent|real person|person please)$/,
  ],
  [
    'start-triage',
    /^(what should i do( next| now)?|what do i do( next| now)?|i'?m worried about my (child|son|daughter|grandchild|pupil|student)|i am worried about my (child|son|daughter|grandchild|pupil|student)|(start|begin|do) (the )?(triage|questions)|triage|help me (work out|decide|find) what to do|where do i start|where should i start|find the right help)[.!?]?$/,
  ],
  ['start-triage', HELP_REQUEST],
  // A professional's "run triage for a Y3 pls", "can we do the triage for my pupil" (blind conversations set 13, Teams).
  ['start-triage', /^(?:(?:can|could) (?:i|we|you) (?:please )?)?(?:start|begin|do|run|use) (?:a |an |the )?(?:triage|questions)(?: form)?(?: (?:for|on|about) (?:a|an|my|this|one|our|the) (?:[a-z0-9]+ ){0,3}?[a-z0-9]+)?(?: please| pls| plz)?[.!?]?$/],
  ['check-reference', /^(check|track|what is the status of|status of|what'?s happening with) (my )?(reference|ref|case|request|referral)|^check my reference$/],
  ['back', /^(back|go back|previous|undo)[.!]?$/],
  ['skip', /^(skip|not sure|don'?t know|dont know|i don'?t know|unsure|pass|no idea|prefer not to say)[.!]?$/],
];

/**
 * A bare yes ("yes pls", "ok", "go on then"): on its own it answers the bot's last offer, so the
 * front door reads it only where its last reply offered something (the questions, after "not sure").
 */
const YES_WORDS = /^(?:(?:oh|ok|okay|yes|yeah|yep|yup|yh|ye|sure|right|please|go on|go ahead|then|do|that would be|that'd be|sounds|good|great|helpful|thanks|thank you|that)\s*)+[.!]*$/;
const YES_START = /^(?:ok|okay|yes|yeah|yep|yup|yh|ye|sure|please|go on|go ahead)\b/;
export function saysYes(text: string): boolean {
  const t = wordsOf(text, /[,;:]/g);
  return t.split(' ').length <= 6 && YES_START.test(t) && YES_WORDS.test(t);
}

/** Teams command words ("ask ...") that prefix a question; stripped before search. */
export function withoutCommand(text: string): string {
  return text.replace(/^\s*ask\b[:,]?\s*/i, '');
}

/**
 * A request for help that the anchored patterns do not know ("so who do i need to contact",
 * "can you point me in the right direction", "What would you suggest we do?"): a short message
 * with a help cue and, once the cue and filler words are taken out, almost nothing left, so no
 * topic of its own ("who do I talk to about transport?" keeps "transport" and stays a question).
 */
const HELP_CUES =
  /\b(what help (?:is there|is available|can (?:i|we|he|she|they) get)|what (?:would|do) you (?:advise|recommend|suggest)|(?:can|could) you (?:please )?triage|triage|what (?:else )?(?:should|do|can|shall|would|could) (?:i|we|you)\b|what (?:i|we) (?:should|must|can|shall|need to|have to) do\b|how (?:do|can|could|should) (?:i|we) (?:start|begin|get)\b|who (?:do|should|can|could|would) (?:i|we)\b|who can help|who helps|who (?:i|we) (?:should|need to|ought to|can|must) (?:be )?(?:talk|talking|speak|speaking|see|seeing|contact|go|ask)|what (?:help|support) (?:he|she|they) (?:should|could|can|ought to) (?:be )?(?:get|getting|have)|who to (?:talk|speak) to|who to (?:ask|contact|turn to)|(?:the )?right (?:route|help|support) for|next steps?|point me|walk me through|help (?:me|us)\b|where to (?:turn|go|start)|what now|go about (?:it|this|that)|get (?:this|it) sorted|sort (?:this|it) out|sort this|what can be done|where (?:can|do|should|could) (?:i|we) (?:get|find|go|turn)|where to turn|go from here|get (?:some )?(?:help|support|advice)|what (?:help|support|advice) (?:is|are) (?:there|available|out there)|any (?:advice|ideas|suggestions|help|tips)|please advise|advise (?:me|us)|im lost|i'm lost)/;
const FILLER = new Set(
  (
    'ok okay so right well yes yeah please then now just this that it him her them us me my our with about actually really sorted sort out get ' +
    'someone somebody anyone need needs i we you to the a an do does can could should would shall what who where how help helps talk speak contact ' +
    'next step steps point in direction walk through suggest go turn start know dont don\'t before happens happen and or is are am be at for of on ' +
    'there available advise advice recommend triage push ask options doing be work figure find out decide understand for school ' +
    'lost im i\'m here from idea no support done any appreciated grateful welcome thank thanks ideas suggestions tips son daughter child kid grandson granddaughter ' +
    // "can you just help me step by step": how to be helped, not what about.
    'just by ' +
    // A professional's "the right route for a pupil": the child they work with, and the route triage gives.
    'pupil student learner right route ' +
    // Times say when, not what about: "what should we be doing before september".
    'today tomorrow soon yet term week year month september sept october november december january february march april may june july august ' +
    // "what do you think we should do first" (blind conversations set 15).
    'think reckon first ' +
    // "Please start the questions. I want to know the correct next step.", "can you point me to the right person to chase
    // this" (blind conversations set 21): asking to be taken through it, no topic.
    'questions want correct person chase ' +
    // "can u help me work out who we shud be seeing", "what help she should be getting" (blind conversations set 22).
    'seeing getting talking tell at he she they'
  ).split(' '),
);
/** Each word as written and as stemmed, so "who should we be talking to" and "what should I be pushing for" read as help asks. */
const isFiller = (word: string): boolean => FILLER.has(word) || FILLER.has(stem(word));
/**
 * A message on its own after the story may say only "more" or "meanwhile": "what else could we try",
 * "what can I do while we wait", "how do we get back in" (the topic is the story already told). At
 * the end of the story itself ("…What help is there while we wait?") it asks about the wait.
 */
const FOLLOW_UP = new Set('else try while wait waiting meantime back again seen'.split(' '));

/** A message's sentences with a letter in them (a lone ":)" or "..." is not a sentence here). */
const sentencesOf = (text: string): string[] => sentencesWithMarks(text).filter((s) => /[a-z]/i.test(s));

/** `alone`: the whole message, not the last sentence of a story. */
export function isHelpRequest(text: string, alone = true): boolean {
  const t = wordsOf(text, /[,;:.!?()]/g);
  // An emoji or a lone mark ("so wot do i actually do 😭") is not a topic.
  const words = t.split(' ').filter((w) => /[a-z0-9]/.test(w));
  // Up to 18 words: "Could you tell me what help she should be getting and who I should be talking to?" is 17.
  if (words.length === 0 || words.length > 18 || !HELP_CUES.test(t)) return false;
  return words.every((w) => isFiller(w) || (alone && FOLLOW_UP.has(w)));
}

/**
 * The few words intents and commands read, in one form: lower case, usual apostrophes, single
 * spaces, text-speak and slips in the key words as the usual word (intent-words.ts), and `punctuation` turned into spaces (the anchored
 * patterns keep their final "?" or "."; the help-request check drops every mark).
 */
function wordsOf(text: string, punctuation = /[,;:]/g): string {
  return text
    .toLowerCase()
    .replace(/[’']/g, "'")
    .replace(punctuation, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .split(' ')
    .map((w) => w.replace(/^([a-z0-9]+)(?=[.!?]*$)/, (core) => keyWord(core)))
    .join(' ');
}

/** The intent of a whole message, or null if it should be treated as a question. */
export function intentOf(text: string): Intent | null {
  const t = wordsOf(text);
  for (const [intent, pattern] of PATTERNS) if (pattern.test(t)) return intent;
  if (allClausesAskForHelp(text)) return 'start-triage';
  if (asksAboutReference(t)) return 'check-reference';
  if (asksToBeContacted(text)) return 'talk-to-person';
  return isHelpRequest(text) || endsWithHelpRequest(text) || opensWithHelpRequest(text) ? 'start-triage' : null;
}

/** "what i must do now please, who can help": two or three clauses, each of them a help ask on its own. */
function allClausesAskForHelp(text: string): boolean {
  const clauses = text.toLowerCase().split(CLAUSE).filter((c) => /[a-z]/.test(c));
  return clauses.length >= 2 && clauses.length <= 3 && clauses.every((c) => HELP_REQUEST.test(wordsOf(c)));
}

/**
 * A short message about the progress of "my reference" in any words ("can you check where my
 * reference is up to", "any update on my ref?"): the reference check, not a search.
 */
const REFERENCE_WORDS = /\b(?:my|our|the|a) (?:deal )?(?:reference|ref)(?: number)?\b/;
const PROGRESS_WORDS = /\b(?:check|checking|track|status|progress|update|updates|where|up to|happening|chase|chasing|heard|news)\b/;
function asksAboutReference(t: string): boolean {
  return t.split(' ').length <= 16 && REFERENCE_WORDS.test(t) && PROGRESS_WORDS.test(t);
}

/**
 * More than a request: two sentences or more, or a long one ("…she can't get out of the car.
 * Can you help me work out what to do?"). The story is what the officer reads, even when its
 * last sentence is a request for help.
 */
export function isStory(text: string): boolean {
  return sentencesOf(text).length >= 2 || text.trim().split(/\s+/).length > 16;
}

/**
 * A clause that asks for a person to get in touch, anywhere in the message ("please can someone
 * ring me, I don't understand these letters", "…can someone from SEND call her today?", "I'd
 * like someone to ring me back"): the family asked for a person, so the front door offers one
 * (after the few questions that route it), rather than handing them an article. The asks are data
 * (`contactAsks` in conversation/help-requests.yaml).
 */
const CONTACT_ASK = new RegExp(`^(?:(?:ok|so|hi|hello|please|and|but|sorry|yes|yeah)\\s+)*(?:${CONTACT_ASKS.join('|')})`);
function asksToBeContacted(text: string): boolean {
  if (!/\b(call|ring|phone|contact|email|touch|callback|talk|talking|speak|speaking|chat)/i.test(text)) return false;
  return text
    // "i cant read letters good so can some one ring me": a clause may start after "so", "and", "but", "because".
    .split(/[.!?;,\n]+|\s[-–]\s|\s(?:so|and|but|because|cos|coz)\s/i)
    .map((clause) => wordsOf(clause))
    .some((clause) => CONTACT_ASK.test(clause));
}

/**
 * A question of its own beside a request to be contacted ("Can we ask for it ourselves, and can someone
 * ring me?", "We'd like to apply for the needs assessment ourselves. Could someone ring me?"), which is answered first;
 * "I can't follow the letters, could someone phone me" asks only for a person.
 */
export function asksItsOwnQuestion(text: string): boolean {
  return text
    .split(/(?<=[?.!])\s+|,\s*(?:and\s+|but\s+)?|\s+and\s+(?=(?:can|could|will|would|is|are|do|does|should)\b)/i)
    .some((part) => (looksLikeQuestion(part) || asksIndirectly(part)) && !/\b(?:call|ring|phone|contact|email|get in touch|talk|speak|chat)\b/i.test(part));
}

/**
 * A message that opens by asking for help and then tells the story ("need help. dd 10 getting
 * bullied because of her stammer and now wont talk at school"): triage, reading the story. If
 * the story asks a question of its own, that question is answered instead. The ask may be the
 * first clause of a single sentence ("can u tell me what to do step by step, school not helping").
 */
function opensWithHelpRequest(text: string): boolean {
  let sentences = sentencesOf(text);
  // One sentence in clauses ("can you tell me what to do, school not helping"): the first clause is the ask.
  if (sentences.length === 1) sentences = clausesOf(text);
  if (sentences.length < 2) return false;
  const rest = sentences.slice(1).join(' ');
  if (/\?/.test(rest) || looksAsked(rest)) return false;
  return asksToBeGuided(sentences[0]!);
}

/** A sentence's clauses, split at commas, semicolons and dashes, each with a letter in it. */
function clausesOf(sentence: string): string[] {
  return sentence.split(/\s*[,;]\s*|\s[-–]\s/).filter((c) => /[a-z]/i.test(c));
}

/** One sentence of a story that asks to be guided, in the anchored asks or as a help cue with nothing else in it. */
function asksToBeGuided(sentence: string): boolean {
  return HELP_REQUEST.test(wordsOf(sentence)) || isHelpRequest(sentence, false);
}

/** Starts like a question ("what is...", "can they...") though it has no question mark. */
function looksAsked(text: string): boolean {
  return sentencesOf(text).some((s) => opensAsQuestion(s));
}

/**
 * A story that ends by asking for help ("He is 6 and falls apart every night after school…
 * Can someone help me work out what to do?"): the family wants to be guided, not handed one
 * article, so triage starts, and it reads the facts from the story. Only the last sentence is
 * judged, by the same rules as a whole message, so a story ending in a question with a topic of
 * its own ("…what do I do about transport?") is still answered.
 */
function endsWithHelpRequest(text: string): boolean {
  const sentences = sentencesOf(text);
  const last = sentences.at(-1);
  if (!last) return false;
  // "Is there a number I can ring? No idea where to start": the earlier question is answered first.
  if (sentences.slice(0, -1).some((x) => x.includes('?'))) return false;
  if (sentences.length >= 2 && asksToBeGuided(last)) return true;
  // "...i just dont know who to go to now to get him seen again, can you tell me what to do": the last sentence's
  // last clause asks to be guided, and nothing before it in that sentence asks a question of its own.
  const clauses = clausesOf(last);
  if (clauses.length < 2) return false;
  const before = clauses.slice(0, -1);
  return HELP_REQUEST.test(wordsOf(clauses.at(-1)!)) && !before.some((c) => looksLikeQuestion(c));
}

/** A DEAL reference anywhere in the text ("DEAL-7K3F9Q", "deal 7k3f9q"), checked by the store's own validator. */
export function referenceIn(text: string): string | null {
  const m = /\bdeal[\s-]?([0-9a-z]{6})\b/i.exec(text);
  return m ? normaliseReference(`DEAL-${m[1]!}`) : null;
}

/**
 * The Teams app's commands (manifest: ask, triage, check my reference, help) and "what should I
 * do next?": they work in every flow, so they are whole messages only ("help" is a command,
 * "they help him with reading" is an answer), apart from "ask" followed by a question.
 */
export type Command = { name: 'ask'; question: string } | { name: 'triage' | 'check-reference' | 'help' };

const COMMANDS: [Exclude<Command['name'], 'ask'>, RegExp][] = [
  ['help', /^(help|help me please|menu|options|what can you do|what can i ask|how does this work|\?)[.!?]*$/],
  [
    'triage',
    /^(triage|(start|begin|do|run) (a |the )?(triage|questions)|what (should|do|can|shall) (i|we) do( next| now)?|what happens next|find the right help)[.!?]*$/,
  ],
  ['check-reference', /^((check|track) (my |a |the )?(deal )?(reference|ref)( number)?|what is the status of my reference|status of my reference)( deal[\s-]?[0-9a-z]{6})?[.!?]*$/],
];

/**
 * Names the triage form in a longer message ("can I run the triage form for her", "triage pls - HV, 27mo with no
 * words"): a professional asking for the form, not only for the service their case note matches (blind set 14).
 */
export function namesTheForm(text: string): boolean {
  return /\btriage\b|\b(?:the|a) (?:triage )?form\b/i.test(text);
}

export function commandOf(text: string): Command | null {
  const t = wordsOf(text);
  const ask = /^ask\b[.!?]*(?:\s+(.*))?$/.exec(t);
  if (ask) return { name: 'ask', question: ask[1] ? text.trim().replace(/^ask\b[:,]?\s*/i, '') : '' };
  for (const [name, pattern] of COMMANDS) if (pattern.test(t)) return { name };
  return null;
}
