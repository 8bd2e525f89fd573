/**
 * Asking a person to help: consent first, then the minimum contact details, then the
 * handover is stored and only then is the family told its reference.
 *
 * If the family says no, nothing personal is kept: they get the DEAL phone line and the
 * right articles instead.
 *
 * Over 300 lines: consent, contact details and the final check are one small state machine that a family walks through in order; split, its steps would be read out of order.
 */
import { randomBytes } from 'node:crypto';
import type { ConversationHandoverRequest } from '../handover/from-conversation.js';
import { type HandoverStory, validate } from '../handover/schema.js';
import type { KnowledgeBase } from '../knowledge/load.js';
import type { TriageResult } from '../triage/schema.js';
import { forOfficer } from '../triage/engine.js';
import { contactLine, TALK_TO_PERSON } from './answers.js';
import type { Flow, Turn } from './front-door.js';
import { intentOf } from './intents.js';
import type { Choice, Reply } from './replies.js';
import type { ConversationData } from './state.js';
import { escalate, isUrgent } from './alarm.js';
import { toTriageCase } from './triage-flow.js';

/** What the conversation hands to the handover service once the family has agreed. */
export type HandoverRequest = ConversationHandoverRequest;

export type HandoverReceipt = { reference: string; dueAt: Date; teamName: string };

/** The consent wording (versioned in handover/consent.ts), including the transcript question. */
export type Consent = { version: string; text: string; transcriptQuestion?: string };

export type HandoverFlowDeps = {
  kb: KnowledgeBase;
  consent: () => Consent;
  /** Stores the handover durably; resolves only after it is committed. */
  submit: (request: HandoverRequest) => Promise<HandoverReceipt>;
  /** Starts triage when we do not yet know enough to route the handover. */
  startTriage: (state: ConversationData, turn: Turn, reason: string) => Reply[];
  runTriage: (state: ConversationData) => TriageResult;
  /** The locality id of the safeguarding queue (triage/localities.yaml). */
  safeguardingQueue: string;
  /** The result card (TriageFlow.resultReply), shown when a safety handover skipped the questions. */
  describeResult?: (result: TriageResult, audience: Turn['audience']) => Reply;
  now?: () => Date;
};

/** The store's own validators (handover/schema.ts): whatever the chat accepts, the store accepts. */
export function validContact(method: 'phone' | 'email', detail: string): string | null {
  return method === 'email' ? validate.email(detail) : validate.phone(detail);
}

type Step = 'consent' | 'name' | 'method' | 'detail' | 'bestTime' | 'child' | 'transcript' | 'confirm';

const SKIP: Choice = { title: 'Skip', value: { action: 'handover-answer', skip: true } };
const CANCEL: Choice = { title: 'Cancel', text: 'start again' };

const dueFormat = new Intl.DateTimeFormat('en-GB', { weekday: 'long', day: 'numeric', month: 'long', hour: 'numeric', minute: '2-digit', timeZone: 'Europe/London' });

function formatDue(due: Date, now: Date): string {
  if (due.getTime() - now.getTime() < 60 * 60 * 1000) return 'as soon as possible today';
  return `by ${dueFormat.format(due)}`;
}

/** What the family told us, understood, for the officer (handover/schema.ts HandoverStory). */
function storyOf(state: ConversationData): HandoverStory | null {
  const { concern, safetyConcern: _asked, ...facts } = state.triage;
  const given = Object.fromEntries(Object.entries(facts).filter(([, v]) => v !== undefined && v !== null && !(Array.isArray(v) && v.length === 0)));
  const safety = state.alarm ? { kind: state.alarm.kind, words: state.alarm.words.trim().slice(0, 500) || null } : null;
  if (Object.keys(given).length === 0 && !concern && !safety) return null;
  return { facts: given, concern: concern?.trim().slice(0, 2000) || null, safety };
}

/** Words before the answer that are not the answer ("actually no, ...", "um yes"). */
const LEAD = /^(?:(?:actually|um+|erm+|hmm+|oh|well|sorry|honestly|tbh|ok so|so)[,.!]*\s+)+/i;
/** A refusal in the family's own words: "I don't want my details kept on a system", "I'd rather not". */
const REFUSES = /\b(?:don'?t|do not|dont|rather not|prefer not|would not|wouldn'?t|won'?t|not happy|not comfortable)\b[^.]{0,30}\b(?:agree|want|keep|kept|share|shared|store|stored|consent|give|details|system|do that)\b/i;

/** The answer to the consent question: true, false, or null when it is neither. Careful with consent: only a clear yes is a yes. */
function consentIn(typed: string): boolean | null {
  const text = typed.replace(LEAD, '');
  if (/^(?:n|no|nope|nah|no thanks)\b/i.test(text) || REFUSES.test(text)) return false;
  if (/^(?:y|yes|yeah|yep|i agree|agree|ok|okay)\b/i.test(text)) return true;
  return null;
}

export class HandoverFlow implements Flow {
  readonly modes: ConversationData['mode'][] = ['consent', 'contact'];

  constructor(private readonly deps: HandoverFlowDeps) {}

  start(state: ConversationData, turn: Turn, reason = 'asked'): Reply[] {
    // Asking for a person from the check-in confirms the worry: it goes to the safeguarding queue today.
    if (reason === 'checkin' && state.alarm?.kind === 'possible-risk') state.alarm.confirmed = true;
    const alarmed = reason === 'safety' || reason === 'checkin' || (state.alarm !== null && isUrgent(state.alarm));
    state.handoverReason = alarmed ? (reason === 'checkin' ? 'checkin' : 'safety') : reason === 'triage' ? 'triage' : 'asked';
    // With a safety worry we do not make the family answer triage questions first.
    if (!state.result && !alarmed) return this.deps.startTriage(state, turn, 'asked');
    // Safety skipped the questions: work the routes out from what they said, and show them.
    const shown: Reply[] = [];
    if (!state.result) {
      state.result = escalate(this.deps.runTriage(state), state.alarm, this.deps.safeguardingQueue);
      const card = this.deps.describeResult?.(state.result, turn.audience);
      if (card?.kind === 'triage-result') shown.push({ ...card, choices: [] });
    }
    const outOfArea = state.result.routes.find((r) => r.id === 'out-of-area');
    if (outOfArea) {
      // Never a Dorset handover for a family another council serves, even after an alarm: say who acts.
      const lines = [
        "Because you live outside Dorset Council's area, our team can't take this on, but your own council can.",
        ...new Set(outOfArea.reasons),
        ...(state.alarm ? ['If a child is in danger right now, call 999.'] : []),
      ];
      return [...shown, { kind: 'text', text: lines.join('\n\n'), deal: { kind: 'welcome' } }];
    }
    return [...shown, this.askConsent(state)];
  }

  /** Asks the current question again ("Carry on" after help). */
  repeat(state: ConversationData): Reply[] {
    if (state.mode === 'consent' || !state.step || state.step === 'consent') return [this.askConsent(state)];
    return [this.ask(state, state.step as Step)];
  }

  continueToHandover(state: ConversationData, turn: Turn): Reply[] {
    return this.start(state, turn, state.handoverReason ?? 'triage');
  }

  private askConsent(state: ConversationData): Reply {
    state.mode = 'consent';
    state.step = 'consent';
    return {
      kind: 'text',
      text: this.deps.consent().text,
      choices: [
        { title: 'Yes, I agree', value: { action: 'consent', agree: true } },
        { title: 'No thanks', value: { action: 'consent', agree: false } },
      ],
      deal: { kind: 'consent', step: 'consent' },
    };
  }

  private declined(state: ConversationData): Reply[] {
    const deal = this.deps.kb.contacts.get('deal');
    state.mode = 'idle';
    state.step = null;
    state.contact = {};
    state.consentAt = null;
    // "I have not kept any of your details" must be true: what they typed goes too.
    state.transcript = [];
    state.asked = [];
    delete state.triage.concern;
    state.sources = {};
    if (state.alarm) state.alarm = { ...state.alarm, words: '' };
    const articles = state.result ? state.result.routes.map((r) => r.id) : [];
    const dealLine = deal ? contactLine(deal) : null;
    return [
      {
        kind: 'text',
        text: `That's fine. I have not kept any of your details.${dealLine ? `\n\nYou can talk to someone at ${dealLine.name} on ${dealLine.detail}.` : ''}${articles.length ? '\n\nThe suggestions above link to information that may help.' : ''}`,
        choices: [{ title: 'Ask a question', text: 'help' }, TALK_TO_PERSON],
      },
    ];
  }

  private ask(state: ConversationData, step: Step, prefix?: string): Reply {
    const reply = this.question(state, step, prefix);
    if (step !== 'consent') reply.deal = { kind: 'contact', step: step === 'bestTime' ? 'time' : step };
    return reply;
  }

  private question(state: ConversationData, step: Step, prefix?: string): Reply {
    state.step = step;
    const lead = prefix ? `${prefix}\n\n` : '';
    switch (step) {
      case 'name':
        return { kind: 'text', text: `${lead}What name should we use when we contact you?`, choices: [CANCEL] };
      case 'method':
        return {
          kind: 'text',
          text: `${lead}How would you like us to contact you?`,
          choices: [
            { title: 'Phone', value: { action: 'handover-answer', method: 'phone' } },
            { title: 'Email', value: { action: 'handover-answer', method: 'email' } },
          ],
        };
      case 'detail':
        return {
          kind: 'text',
          text: `${lead}${state.contact.method === 'email' ? 'What is your email address?' : 'What is your phone number?'}`,
          choices: [CANCEL],
        };
      case 'bestTime':
        return {
          kind: 'text',
          text: `${lead}When is a good time to contact you?`,
          choices: ['Morning', 'Afternoon', 'Any time'].map((t) => ({ title: t, value: { action: 'handover-answer', time: t } })),
        };
      case 'child':
        return {
          kind: 'text',
          text: `${lead}What is your child's first name or initials? This helps the officer when they talk to you. You can skip this.`,
          choices: [SKIP],
        };
      case 'transcript':
        return {
          kind: 'text',
          text: `${lead}${this.deps.consent().transcriptQuestion ?? "Can we also send the officer a copy of this chat, so you don't have to repeat yourself?"}`,
          choices: [
            { title: 'Yes, include the chat', value: { action: 'handover-answer', transcript: true } },
            { title: 'No, just the summary', value: { action: 'handover-answer', transcript: false } },
          ],
        };
      case 'confirm':
        return {
          kind: 'summary',
          title: 'Please check before I send this',
          facts: [
            { label: 'Name', value: state.contact.name ?? '' },
            { label: state.contact.method === 'email' ? 'Email' : 'Phone', value: state.contact.detail ?? '' },
            { label: 'Best time', value: state.contact.bestTime ?? 'Any time' },
            { label: 'Child', value: state.contact.child || 'Not given' },
            { label: 'Include chat', value: state.contact.transcript ? 'Yes' : 'No' },
          ],
          choices: [
            { title: 'Send my request', value: { action: 'handover-send' } },
            { title: 'Change my details', value: { action: 'handover-answer', restart: true } },
            CANCEL,
          ],
        };
      default:
        return this.askConsent(state);
    }
  }

  async continue(state: ConversationData, turn: Turn): Promise<Reply[]> {
    const v = (turn.value ?? {}) as Record<string, unknown>;
    const text = turn.text.trim();
    const intent = text ? intentOf(text) : null;

    if (state.mode === 'consent') {
      const agree = v.action === 'consent' ? v.agree === true : consentIn(text);
      if (agree === null) return [{ kind: 'text', text: "Please say 'yes' if you agree, or 'no' if you don't." }, this.askConsent(state)];
      if (!agree) return this.declined(state);
      state.mode = 'contact';
      state.consentAt = (this.deps.now?.() ?? new Date()).toISOString();
      state.sendKey = randomBytes(16).toString('hex'); // a new request: a new key (see ConversationData.sendKey)
      return [this.ask(state, 'name', 'Thank you.')];
    }

    if (v.restart) {
      state.contact = {};
      return [this.ask(state, 'name')];
    }
    switch (state.step as Step) {
      case 'name': {
        const name = validate.name(text.replace(/^(my name is|i am|i'm|it's|its|call me)\s+/i, ''));
        if (!name) return [this.ask(state, 'name', 'Please type a name of up to 80 letters.')];
        state.contact.name = name;
        return [this.ask(state, 'method')];
      }
      case 'method': {
        // A number or address typed straight away answers this question and the next.
        const typedPhone = validate.phone(text);
        const typedEmail = validate.email(text);
        if (!v.method && (typedPhone || typedEmail)) {
          state.contact.method = typedEmail ? 'email' : 'phone';
          state.contact.detail = (typedEmail ?? typedPhone)!;
          return [this.ask(state, 'bestTime')];
        }
        const method = v.method ?? (/mail/i.test(text) ? 'email' : /phone|call|ring|text|mobile/i.test(text) ? 'phone' : null);
        if (method !== 'phone' && method !== 'email') return [this.ask(state, 'method', 'Please choose phone or email.')];
        state.contact.method = method;
        return [this.ask(state, 'detail')];
      }
      case 'detail': {
        const method = state.contact.method ?? 'phone';
        const detail = validContact(method, text);
        if (!detail) {
          return [this.ask(state, 'detail', method === 'email' ? "That doesn't look like an email address. Please check it." : "That doesn't look like a UK phone number. Please check it, for example 07700 900123.")];
        }
        state.contact.detail = detail;
        return [this.ask(state, 'bestTime')];
      }
      case 'bestTime':
        state.contact.bestTime = (typeof v.time === 'string' ? v.time : text).slice(0, 60) || 'Any time';
        return [this.ask(state, 'child')];
      case 'child':
        state.contact.child = v.skip || intent === 'skip' ? '' : text.slice(0, 30);
        return [this.ask(state, 'transcript')];
      case 'transcript':
        state.contact.transcript = typeof v.transcript === 'boolean' ? v.transcript : /^(y|yes)/i.test(text);
        return [this.ask(state, 'confirm')];
      case 'confirm':
        if (v.action === 'handover-send' || /^(send|yes|y|ok)\b/i.test(text)) return this.send(state, turn);
        return [this.ask(state, 'confirm')];
      default:
        return [this.askConsent(state)];
    }
  }

  private async send(state: ConversationData, turn: Turn): Promise<Reply[]> {
    const { contact } = state;
    const result = state.result ? escalate(state.result, state.alarm, this.deps.safeguardingQueue) : null;
    if (!result || !contact.name || !contact.method || !contact.detail || !state.consentAt) return [this.askConsent(state)];
    const triageCase = toTriageCase(state.triage);
    let receipt: HandoverReceipt;
    try {
      receipt = await this.deps.submit({
        channel: turn.channel,
        requester: state.triage.requester,
        contact: { name: contact.name, method: contact.method, detail: contact.detail, bestTime: contact.bestTime ?? 'Any time' },
        child: contact.child || null,
        childAge: triageCase.childAge,
        setting: state.triage.setting ?? null,
        // The officer reads the reasons as facts about the child and family, not as advice to "you".
        result: forOfficer(result, { ...triageCase, safetyConcern: triageCase.safetyConcern || (state.alarm !== null && isUrgent(state.alarm)) }),
        consentVersion: this.deps.consent().version,
        consentAt: state.consentAt,
        // Questions they typed are part of the chat: they go only with the chat, if they agreed.
        asked: contact.transcript ? state.asked : [],
        shown: state.shown,
        transcript: contact.transcript ? state.transcript : null,
        story: storyOf(state),
        submissionKey: state.sendKey,
      });
    } catch (error) {
      const deal = this.deps.kb.contacts.get('deal');
      // A detail the store refuses cannot succeed on a retry: ask them to check it instead.
      if (['HandoverValidationError', 'ZodError'].includes((error as Error)?.name)) {
        return [this.ask(state, 'name', 'Sorry, something in your details could not be saved. Please check your details and type them again.')];
      }
      // The per-caller cap on urgent requests: a retry within the hour would fail the same way,
      // so the family is given the safeguarding line now instead of a button.
      if ((error as Error)?.name === 'TooManyUrgentRequests') {
        const duty = this.deps.kb.contacts.get('childrens-advice-duty');
        return [
          {
            kind: 'text',
            text: `I couldn't send this request online, so nothing has been sent. Because a child's safety may be at risk, please phone ${duty ? `${duty.name} on ${duty.phone}` : deal ? `${deal.name} on ${deal.phone}` : 'Dorset Council'} now. If a child is in danger right now, call 999.`,
          },
        ];
      }
      return [
        {
          kind: 'text',
          text: `Sorry, I couldn't send your request just now, so nothing has been sent yet. Please press "Send my request" to try again${deal ? `, or call ${deal.name} on ${deal.phone}` : ''}.`,
          choices: [{ title: 'Send my request', value: { action: 'handover-send' } }],
        },
      ];
    }
    // Stored: only now is the family told the reference. Personal details leave the conversation state.
    state.references = [...state.references, receipt.reference].slice(-5);
    state.sendKey = null;
    state.mode = 'idle';
    state.step = null;
    // Stored: what the family told us now lives only in the handover, not in the conversation.
    state.contact = {};
    state.transcript = [];
    state.asked = [];
    state.sources = {};
    delete state.triage.concern;
    if (state.alarm) state.alarm = { ...state.alarm, words: '' };
    const now = this.deps.now?.() ?? new Date();
    return [
      {
        kind: 'handover-confirmation',
        deal: { kind: 'receipt', reference: receipt.reference, urgency: result.urgency },
        reference: receipt.reference,
        facts: [
          { label: 'Sent to', value: receipt.teamName },
          { label: 'We will contact you', value: formatDue(receipt.dueAt, now) },
        ],
        whatNext: [
          `Please keep your reference: ${receipt.reference}.`,
          `Someone from ${receipt.teamName} will contact you ${formatDue(receipt.dueAt, now)}.`,
          "To check progress, say 'check my reference'. You will need the reference and the phone number or email you gave.",
          ...(result.urgency === 'immediate' ? ['If a child is in danger right now, call 999. Do not wait for us to call.'] : []),
        ],
      },
    ];
  }
}
