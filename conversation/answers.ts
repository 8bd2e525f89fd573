/**
 * Turns knowledge base content into replies: an answer card, a glossary answer, an honest
 * "I'm not sure", and the safety response. Wording lives here so it is reviewed in one place.
 */
import type { KnowledgeBase } from '../knowledge/load.js';
import type { Article, Contact, GlossaryEntry, OutOfScopeTopic } from '../knowledge/schema.js';
import type { Choice, Reply } from './replies.js';
import type { SafetyKind } from '../safety/safety.js';

export type Audience = 'family' | 'professional';

export const TALK_TO_PERSON: Choice = { title: 'Talk to a person', value: { action: 'talk-to-person' } };
export const START_TRIAGE: Choice = { title: 'What should I do next?', value: { action: 'start-triage' } };
export const HELP: Choice = { title: 'Help', text: 'help' };

/** How a contact is shown: its phone number, then email, then web address. */
export function contactLine(contact: Contact): { name: string; detail: string } {
  const detail = [contact.phone, contact.email, contact.url].filter(Boolean).join(' · ');
  return { name: contact.name, detail };
}

/** Built once: toLocaleDateString builds a new formatter on every call, which showed in the load profile. */
const longDate = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });

function formatDate(iso: string): string {
  return longDate.format(new Date(`${iso}T12:00:00Z`));
}

export function articleUrl(publicUrl: string, id: string): string {
  return `${publicUrl.replace(/\/$/, '')}/articles/${id}`;
}

/**
 * An article as an answer card. `passage`: the section that answers the question ("how long does
 * it take" gets the timescales), shown under the title instead of the summary. `alternatives`:
 * when search was not clearly sure of this article, the close runners-up (ids, best first), offered
 * first among the buttons as "Or: <title>", so the family is one press from them.
 */
export function articleReply(
  kb: KnowledgeBase,
  article: Article,
  audience: Audience,
  publicUrl: string,
  passage?: { heading: string; text: string },
  alternatives: readonly string[] = [],
): Reply {
  const others = alternatives.filter((id) => id !== article.id);
  const related: Choice[] = [
    ...others.map((id) => ({ id, prefix: 'Or: ' })),
    ...article.related.filter((id) => !others.includes(id)).map((id) => ({ id, prefix: '' })),
  ]
    .map(({ id, prefix }) => ({ a: kb.byId.get(id), prefix }))
    .filter((x): x is { a: Article; prefix: string } => x.a !== undefined)
    .slice(0, 4)
    .map(({ a, prefix }) => ({ title: `${prefix}${a.title}`, value: { action: 'show-article', id: a.id } }));
  return {
    kind: 'article',
    articleId: article.id,
    title: article.title,
    summary: audience === 'professional' ? article.professionalSummary : article.summary,
    ...(passage ? { passage: { heading: passage.heading, text: passage.text } } : {}),
    nextSteps: (audience === 'professional' ? article.professionalNextSteps : article.nextSteps).slice(0, 3),
    contacts: article.contacts
      .map((id) => kb.contacts.get(id))
      .filter((c): c is Contact => c !== undefined && Boolean(c.phone || c.email || c.url))
      .slice(0, 3)
      .map(contactLine),
    readMoreUrl: articleUrl(publicUrl, article.id),
    source: `Dorset SEND Local Offer: "${article.title}", checked ${formatDate(article.lastReviewed)}`,
    // After an answer, a family can go straight on to what to do next.
    related: [...related, ...(audience === 'family' ? [START_TRIAGE] : []), TALK_TO_PERSON],
    audience,
  };
}

/** Ask back instead of giving up: two or three articles that could be meant, as choices. */
export function clarifyReply(kb: KnowledgeBase, ids: string[]): Reply {
  const articles = ids.map((id) => kb.byId.get(id)).filter((a): a is Article => a !== undefined);
  return {
    kind: 'text',
    text: 'I want to get this right. Is your question about one of these?',
    choices: [...articles.map((a) => ({ title: a.title, value: { action: 'show-article', id: a.id } })), { title: 'Something else', value: { action: 'talk-to-person' } }],
    deal: { kind: 'clarify', articles: articles.map((a) => a.id) },
  };
}

export function glossaryReply(entry: GlossaryEntry, kb: KnowledgeBase): Reply {
  const article = entry.article ? kb.byId.get(entry.article) : undefined;
  const choices: Choice[] = article ? [{ title: `Tell me about ${entry.term}`, value: { action: 'show-article', id: article.id } }] : [];
  return {
    kind: 'text',
    text: `**${entry.term}** stands for ${entry.stands}. ${entry.meaning}`,
    choices: [...choices, TALK_TO_PERSON],
    deal: { kind: 'glossary', ...(article ? { articles: [article.id] } : {}) },
  };
}

/** The honest answer when search is not confident: never a guess. */
export function notSureReply(kb: KnowledgeBase, topic?: OutOfScopeTopic): Reply {
  const deal = kb.contacts.get('deal');
  const council = kb.contacts.get('dorset-council');
  if (topic) {
    const where = kb.contacts.get(topic.contact);
    return {
      kind: 'text',
      text: [
        `I'm sorry, that's not something I can help with. I only answer questions about support for children and young people with special educational needs and disabilities (SEND) in Dorset.`,
        where ? `For ${topic.label}, please contact ${where.name}${where.phone ? ` on ${where.phone}` : ''}${where.url ? ` (${where.url})` : ''}.` : '',
      ]
        .filter(Boolean)
        .join('\n\n'),
      choices: [HELP],
      deal: { kind: 'out-of-scope' },
    };
  }
  return {
    kind: 'text',
    text: [
      "I'm sorry, I'm not sure I can help with that, and I don't want to guess.",
      'I can only answer questions about support for children and young people with special educational needs and disabilities (SEND) in Dorset.',
      council ? `For other council services, such as bins, council tax or parking, contact ${council.name} on ${council.phone}.` : '',
      deal ? `If your question is about SEND, try asking in a different way, or talk to a person at ${deal.name}.` : '',
      // A safety net under the safety check: its patterns miss some wordings nobody has seen
      // (README, Benchmarks), and a message it misses usually ends up here.
      'If you are worried that a child is not safe right now, call 999.',
    ]
      .filter(Boolean)
      .join('\n\n'),
    choices: [START_TRIAGE, TALK_TO_PERSON, HELP],
    deal: { kind: 'not-sure' },
  };
}

/** One "what to do" line about a contact, or null when the knowledge base does not have it. */
function contactStep(kb: KnowledgeBase, id: string, text: (contact: Contact) => string): string | null {
  const contact = kb.contacts.get(id);
  return contact ? text(contact) : null;
}

/** What to do now when a message shows a child may be at risk. Shown before anything else. */
export function safetyReply(kb: KnowledgeBase, kind: SafetyKind, categories: readonly string[] = []): Reply {
  const line = (id: string, text: (x: Contact) => string) => contactStep(kb, id, text);
  const only = (id: string) => categories.length > 0 && categories.every((c) => c === id);
  if (kind === 'needs-a-person' && only('out-of-school-no-education')) return outOfSchoolReply(kb);
  const missing = categories.includes('missing-child');
  const steps =
    missing
      ? [
          line('emergency', (x) => `If a child is missing, call **${x.phone}** now and tell the police.`),
          line('childrens-advice-duty', (x) => `Then call the ${x.name} on **${x.phone}**.`),
          line('nspcc', (x) => `You can also get advice from the NSPCC helpline on **${x.phone}**.`),
        ]
      : kind === 'risk-of-harm'
      ? [
          line('emergency', (x) => `If anyone is in immediate danger, call **${x.phone}** now.`),
          line('childrens-advice-duty', (x) => `To report a worry about a child's safety in Dorset, call the ${x.name} on **${x.phone}**.`),
          line('nhs-111', (x) => `For urgent mental health help, call **NHS ${x.phone}** and choose option 2.`),
          line('childline', (x) => `Children and young people can talk to Childline, free, on **${x.phone}**.`),
          line('nspcc', (x) => `Adults worried about a child can call the NSPCC helpline on **${x.phone}**.`),
        ]
      : [
          line('childrens-advice-duty', (x) => `This needs a person. Call the ${x.name} on **${x.phone}**.`),
          line('emergency', (x) => `If anyone is in danger, or a child is missing, call **${x.phone}**.`),
          line('nspcc', (x) => `You can also get advice from the NSPCC helpline on **${x.phone}**.`),
        ];
  return {
    kind: 'safety',
    title: missing ? 'A child who is missing needs help now' : kind === 'risk-of-harm' ? 'Your message sounds like a child may not be safe' : 'This needs a person to help',
    intro:
      kind === 'risk-of-harm' || missing
        ? "Thank you for telling me. I'm a computer, so I can't help with this on my own. Please do this now:"
        : "Thank you for telling me. I'm a computer, so a person needs to help with this. Please:",
    steps: steps.filter((s): s is string => s !== null),
    choices: [{ title: 'Ask someone to contact me now', value: { action: 'talk-to-person', reason: 'safety' } }, HELP],
    deal: { kind: 'safety', safety: kind },
  };
}

/**
 * A child out of school with no education arranged: casework for DEAL and the locality team, not
 * a danger, so the card says who to talk to (not the duty service) and the conversation carries on.
 */
function outOfSchoolReply(kb: KnowledgeBase): Reply {
  const steps = [
    contactStep(kb, 'deal', (x) => `A child out of school needs a person to look at their education. Call the ${x.name} on **${x.phone}**, or ask us to contact you.`),
    contactStep(kb, 'emergency', (x) => `If a child is in danger, call **${x.phone}**.`),
  ];
  return {
    kind: 'safety',
    title: 'This needs a person to help',
    intro: "Thank you for telling me. I'm a computer, so a person needs to help with this. Here is what I can tell you too.",
    steps: steps.filter((s): s is string => s !== null),
    choices: [{ title: 'Ask someone to contact me now', value: { action: 'talk-to-person', reason: 'safety' } }],
    deal: { kind: 'safety', safety: 'needs-a-person' },
  };
}

/**
 * The gentle check-in when only the second safety net (not the patterns) found something
 * worrying: what to do if a child is not safe, and a person, before the usual answer. It must
 * not alarm a family whose message was ordinary, so it asks rather than tells.
 */
export function possibleRiskReply(kb: KnowledgeBase): Reply {
  const contact = (id: string, text: (x: Contact) => string) => contactStep(kb, id, text);
  const steps = [
    contact('emergency', (x) => `If anyone is in danger right now, call **${x.phone}**.`),
    contact('childrens-advice-duty', (x) => `If you are worried about a child's safety in Dorset, call the ${x.name} on **${x.phone}**.`),
    contact('childline', (x) => `Children and young people can talk to Childline, free, on **${x.phone}**.`),
    contact('nspcc', (x) => `Adults worried about a child can call the NSPCC helpline on **${x.phone}**.`),
  ];
  return {
    kind: 'safety',
    title: 'Is everyone safe?',
    intro: "Something in your message made me want to check. I'm a computer, so I may have got this wrong. If a child is not safe:",
    steps: steps.filter((s): s is string => s !== null),
    choices: [{ title: 'Ask someone to contact me now', value: { action: 'talk-to-person', reason: 'checkin' } }],
    deal: { kind: 'checkin', safety: 'possible-risk' },
  };
}

export function welcomeReplies(audience: Audience): Reply[] {
  const intro =
    audience === 'professional'
      ? "Hello, I'm the DEAL front door assistant for professionals. Ask me about SEND processes and services in Dorset, run a triage for a child you support, or check a reference."
      : "Hello, I'm the DEAL assistant, the online helper of the Dorset Education Advice Line. I can answer questions about support for children and young people with special educational needs and disabilities (SEND) in Dorset, and help you find what to do next.";
  return [
    {
      kind: 'text',
      text: `${intro}\n\nI'm a computer, not a person. Please don't type names or personal details unless I ask for them. If a child is in danger, call 999.`,
      choices: [START_TRIAGE, { title: 'What is an EHCP?', text: 'What is an EHCP?' }, TALK_TO_PERSON, HELP],
    },
  ];
}

/**
 * What the front door can do. In Teams it lists the app's commands (the manifest's ask, triage,
 * check my reference, help), with a button for each.
 */
export function helpReply(channel: 'webchat' | 'teams' = 'webchat'): Reply {
  if (channel === 'teams') {
    return {
      kind: 'text',
      text: [
        'Type one of these commands (Teams lists them as you type):',
        '- **ask** and your question, for example "ask how do I request an EHC needs assessment?" (or just type the question)',
        '- **triage** to find the right route for a child, on one form',
        '- **check my reference** to check the status of a DEAL reference',
        '- **help** to see this list',
        '',
        'You can also say **talk to a person** or **start again** at any time.',
      ].join('\n'),
      choices: [
        { title: 'Ask a question', value: { action: 'ask' } },
        { title: 'Triage', value: { action: 'start-triage' } },
        { title: 'Check my reference', value: { action: 'check-reference' } },
        TALK_TO_PERSON,
      ],
    };
  }
  return {
    kind: 'text',
    text: [
      'You can:',
      '- **Ask a question** in your own words, for example "how do I ask for an EHC needs assessment?" or "what does SENCO mean?"',
      '- Say **what should I do next?** to answer a few questions and find the right help',
      '- Say **talk to a person** to ask our team to contact you',
      '- Say **check my reference** if you have a DEAL reference',
      '- Say **start again** at any time',
    ].join('\n'),
    choices: [START_TRIAGE, TALK_TO_PERSON],
  };
}
