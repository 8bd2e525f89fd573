/**
 * Renders channel-neutral replies as Bot Framework activities.
 *
 * Web chat: Adaptive Cards plus suggested actions (messageBack, so the value travels with
 * the click). Teams: the same cards, with choices as Action.Submit buttons on the card,
 * because suggested actions do not show in team channels. Only Adaptive Card 1.5 elements
 * that Teams renders are used (no Action.Execute, no Media, no custom styles).
 */
import { type Activity, ActivityTypes, type Attachment, type CardAction } from 'botbuilder';
import type { Channel } from '../conversation/front-door.js';
import { outcomeOf } from '../conversation/replies.js';
import type { Choice, Reply } from '../conversation/replies.js';
import { STEPS_BY_ID, type StepId } from '../conversation/triage-questions.js';
import { cardWithTelLinks, telLinks } from './phone-links.js';

export const ADAPTIVE_CARD = 'application/vnd.microsoft.card.adaptive';
const CARD_VERSION = '1.5';

type Element = Record<string, unknown>;

const heading = (text: string, size = 'Large'): Element => ({
  type: 'TextBlock',
  text,
  size,
  weight: 'Bolder',
  wrap: true,
  style: 'heading',
});
const para = (text: string, extra: Element = {}): Element => ({ type: 'TextBlock', text, wrap: true, ...extra });

/** What a family typed, shown as text: card renderers read markdown, so its marks are escaped. */
const plain = (value: string): string => value.replace(/[\\`*_[\]()<>#|~!]/g, (c) => `\\${c}`);
const list = (items: string[]): Element => para(items.map((i) => `- ${i}`).join('\n'));
const subheading = (text: string): Element => ({ type: 'TextBlock', text, weight: 'Bolder', wrap: true, spacing: 'Medium' });

/** The data an Action.Submit sends back; Teams also shows `displayText` as the person's message. */
function submitData(choice: Choice, channel: Channel): Record<string, unknown> {
  const data = choice.value ?? { action: 'say', text: choice.text ?? choice.title };
  return channel === 'teams' ? { ...data, msteams: { type: 'messageBack', displayText: choice.title } } : data;
}

function submitActions(choices: Choice[], channel: Channel): Element[] {
  return choices.map((choice) => ({ type: 'Action.Submit', title: choice.title, data: submitData(choice, channel) }));
}

function card(body: Element[], actions: Element[] = []): Attachment {
  return {
    contentType: ADAPTIVE_CARD,
    content: {
      type: 'AdaptiveCard',
      $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
      version: CARD_VERSION,
      body,
      ...(actions.length > 0 ? { actions } : {}),
    },
  };
}

function suggested(choices: Choice[]): { actions: CardAction[] } {
  return {
    actions: choices.map((choice) =>
      choice.value
        ? { type: 'messageBack', title: choice.title, displayText: choice.title, text: choice.text ?? '', value: choice.value }
        : { type: 'imBack', title: choice.title, value: choice.text ?? choice.title },
    ),
  };
}

/** The Adaptive Card body and buttons for a reply, or null for plain text. */
export function cardFor(reply: Reply, channel: Channel): Attachment | null {
  switch (reply.kind) {
    case 'text':
      return null;
    case 'article':
      return card(
        [
          heading(reply.title),
          ...(reply.passage ? [subheading(reply.passage.heading), para(reply.passage.text)] : [para(reply.summary)]),
          subheading(reply.audience === 'professional' ? 'Next steps' : 'What you can do next'),
          list(reply.nextSteps),
          ...(reply.contacts.length > 0
            ? [{ type: 'FactSet', facts: reply.contacts.map((c) => ({ title: c.name, value: c.detail })) }]
            : []),
          para(reply.source, { isSubtle: true, size: 'Small', spacing: 'Medium' }),
        ],
        [
          { type: 'Action.OpenUrl', title: 'Read more', url: reply.readMoreUrl },
          // Web chat shows related topics as suggested actions; Teams channels cannot, so they go on the card.
          ...submitActions(
            channel === 'teams' ? reply.related : reply.related.filter((c) => c.value?.action === 'talk-to-person'),
            channel,
          ),
        ],
      );
    case 'safety':
      return card(
        [
          { type: 'Container', style: 'attention', items: [heading(reply.title, 'Medium')] },
          para(reply.intro),
          list(reply.steps),
        ],
        submitActions(reply.choices, channel),
      );
    case 'triage-result':
      return card(
        [
          heading(reply.title),
          para(reply.intro),
          ...reply.routes.flatMap((route, i) => [
            subheading(`${i === 0 ? 'Best next step' : 'Also helpful'}: ${route.title}`),
            para(`Why: ${route.reasons.join(' ')}`, { isSubtle: true }),
            ...(route.nextSteps.length > 0 ? [list(route.nextSteps)] : []),
            ...(route.articles.length > 0
              ? [para(route.articles.map((a) => `[${a.title}](${a.url})`).join(' · '), { size: 'Small' })]
              : []),
          ]),
          ...(reply.rightToAsk ? [para(reply.rightToAsk, { spacing: 'Medium', weight: 'Bolder' })] : []),
          para(`How soon: ${reply.urgency}`, { isSubtle: true, size: 'Small' }),
        ],
        submitActions(reply.choices, channel),
      );
    case 'summary':
      return card(
        [
          heading(reply.title, 'Medium'),
          { type: 'FactSet', facts: reply.facts.map((f) => ({ title: f.label, value: plain(f.value) })) },
          ...(reply.note ? [para(reply.note, { isSubtle: true })] : []),
        ],
        submitActions(reply.choices, channel),
      );
    case 'handover-confirmation':
      return card([
        { type: 'Container', style: 'good', items: [heading(`Your reference is ${reply.reference}`, 'Medium')] },
        { type: 'FactSet', facts: reply.facts.map((f) => ({ title: f.label, value: f.value })) },
        subheading('What happens next'),
        list(reply.whatNext),
      ]);
    case 'triage-form':
      return triageFormCard(reply.title, reply.intro, reply.errors, reply.values);
  }
}

function choiceSet(id: StepId, label: string, extra: Element = {}): Element {
  const step = STEPS_BY_ID[id]!;
  return {
    type: 'Input.ChoiceSet',
    id,
    label,
    style: 'compact',
    isRequired: true,
    errorMessage: `Please choose: ${label.toLowerCase()}`,
    choices: step.options.map((o) => ({ title: o.title, value: String(o.value) })),
    ...extra,
  };
}

/**
 * The triage questions as one Adaptive Card form, for professionals in Teams. Field ids are
 * the TriageCase field names; the bot validates the submission with the same zod schema.
 */
export function triageFormCard(title: string, intro: string, errors: string[] = [], values: Record<string, string> = {}): Attachment {
  // Inputs start with what the person already said, so nothing is asked twice.
  const filled = (input: Element): Element => (typeof input.id === 'string' && values[input.id] !== undefined ? { ...input, value: values[input.id] } : input);
  return card(
    [
      heading(title, 'Medium'),
      para(intro),
      ...(errors.length > 0 ? [para(errors.join('. '), { color: 'Attention', weight: 'Bolder' })] : []),
      ...[
        choiceSet('requester', 'Who is asking', { value: 'professional' }),
        { type: 'Input.Number', id: 'childAge', label: 'Age of the child or young person (0 to 25)', min: 0, max: 25, isRequired: true, errorMessage: 'Enter an age from 0 to 25' },
        choiceSet('setting', 'Setting'),
        { type: 'Input.Text', id: 'town', label: 'Town or village where the child lives', maxLength: 60 },
        { type: 'Input.Text', id: 'postcode', label: 'Or the first part of the postcode (e.g. DT1)', maxLength: 10 },
        choiceSet('needs', 'Areas of need', { isMultiSelect: true, style: 'expanded', isRequired: false }),
        { type: 'Input.Text', id: 'concern', label: 'The concern, in a sentence or two (no names)', isMultiline: true, maxLength: 1000 },
        choiceSet('senSupport', 'SEN support so far'),
        { type: 'Input.Toggle', id: 'externalAdvice', title: 'A specialist (EP, specialist teacher, therapist) has advised', valueOn: 'true', valueOff: 'false', value: 'false' },
        choiceSet('ehcp', 'EHC plan'),
        choiceSet('diagnosis', 'Diagnosis'),
      ].map(filled),
      { type: 'Input.Toggle', id: 'safetyConcern', title: 'There is a concern about the safety of the child', valueOn: 'true', valueOff: 'false', value: 'false' },
    ],
    [{ type: 'Action.Submit', title: 'Find the right route', data: { action: 'triage-form' } }],
  );
}

/** Choices that travel as suggested actions (web chat), rather than card buttons. */
function choicesOf(reply: Reply): Choice[] {
  if (reply.kind === 'text') return reply.choices ?? [];
  if (reply.kind === 'article') return reply.related;
  return [];
}

/**
 * A card reply's words in one short line: its title, or the question it asks. Teams shows it in
 * the chat list, notifications and to screen readers, where a card alone is "Sent a card".
 */
export function shortTextOf(reply: Reply): string {
  switch (reply.kind) {
    case 'text':
      return reply.text;
    case 'article':
    case 'safety':
    case 'summary':
      return reply.title;
    case 'triage-result':
      return reply.routes[0] ? `${reply.title}: ${reply.routes[0].title}` : reply.title;
    case 'handover-confirmation':
      return `Your reference is ${reply.reference}`;
    case 'triage-form':
      return `${reply.title}: ${reply.intro}`;
  }
}

/** The card's own words for hosts that speak it or cannot draw it (Adaptive Card `speak` and `fallbackText`). */
function withWords(attachment: Attachment, words: string): Attachment {
  if (attachment.contentType !== ADAPTIVE_CARD || !attachment.content || typeof attachment.content !== 'object') return attachment;
  const plainWords = words.replace(/\*\*/g, '');
  return { ...attachment, content: { ...(attachment.content as object), speak: plainWords, fallbackText: plainWords } };
}

/**
 * Every card reply carries words. Teams: the activity's `text` (and `summary`) is the title or the
 * question, so previews, notifications and screen readers have words; a question with buttons is
 * its text with the buttons on a card under it (the words are not said twice). Web chat draws an
 * activity's text as a bubble of its own beside the card, so there the words stay on the card
 * (`speak`, `fallbackText`) and the activity has no `text`: no bubble repeats the card's title.
 */
export function renderReply(reply: Reply, channel: Channel, extraCard?: (reply: Reply) => Attachment | null): Partial<Activity> {
  const card0 = extraCard?.(reply) ?? cardFor(reply, channel);
  const attachment = card0 && channel === 'webchat' ? cardWithTelLinks(card0) : card0; // tap to call (bot/phone-links.ts)
  const choices = choicesOf(reply);
  // What the reply means, as data, for metrics, tests and other clients (conversation/outcome.ts).
  const channelData = { deal: outcomeOf(reply) };
  if (channel === 'teams' && reply.kind === 'text' && choices.length > 0) {
    return {
      type: ActivityTypes.Message,
      text: reply.text,
      textFormat: 'markdown',
      summary: reply.text.split('\n')[0]!.replace(/\*\*/g, '').slice(0, 200),
      attachments: [withWords(card([], submitActions(choices, channel)), reply.text)],
      channelData,
    };
  }
  const activity: Partial<Activity> = { type: ActivityTypes.Message, channelData };
  if (attachment) {
    const words = shortTextOf(reply);
    activity.attachments = [withWords(attachment, words)];
    if (channel === 'teams') {
      activity.text = words;
      activity.summary = words;
    }
  } else if (reply.kind === 'text') {
    activity.text = channel === 'webchat' ? telLinks(reply.text) : reply.text;
    activity.textFormat = 'markdown';
  }
  if (channel === 'webchat' && choices.length > 0) activity.suggestedActions = { ...suggested(choices), to: [] };
  return activity;
}
