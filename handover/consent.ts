/**
 * What we ask families to agree to before a person contacts them, as versioned data.
 *
 * Every handover records the version id the family saw (`consent.statementVersion`), so the
 * exact wording can always be shown later. Never edit the wording of a published version:
 * add a new entry to `WORDINGS` and point `CURRENT_CONSENT_VERSION` at it. The store refuses
 * handovers whose version is not known here.
 *
 * Written in plain English for a reading age of about 11: short sentences, everyday words.
 */

export const DEFAULT_RETENTION_DAYS = 90;

export interface ConsentStatement {
  /** Version id stored with each handover. Never reuse one for different wording. */
  version: string;
  /** The date this wording was first used (YYYY-MM-DD). */
  since: string;
  /** The wording, as short paragraphs, shown in this order. */
  paragraphs: readonly string[];
  /** The question the family answers with yes or no. */
  question: string;
  /** The separate question about sending a copy of the chat. */
  transcriptQuestion: string;
}

const BASE_VERSION = 'consent-2025-01';

function statementV1(retentionDays: number): ConsentStatement {
  return {
    version: versionId(BASE_VERSION, retentionDays),
    since: '2025-01-01',
    paragraphs: [
      'To ask someone to contact you, we need to keep a few details.',
      "We will keep: your name, your phone number or email, the best time to contact you, and your answers in this chat. You can also give your child's first name or initials, their age and their school, but you do not have to.",
      'Who will see it: the SEND team for your area at Dorset Council. They will use it to contact you and help you. We will not share it with anyone else unless a child is at risk of harm.',
      `How long we keep it: until your request is closed, then ${retentionDays} more days. After that we delete your details.`,
      'You can say no. You will still get help: you can call the DEAL phone line and talk to someone.',
    ],
    question: 'Do you agree to us keeping these details so that someone can contact you?',
    transcriptQuestion: "Can we also send the officer a copy of this chat, so you don't have to repeat yourself?",
  };
}

const VERSION_2 = 'consent-2026-12';

/** Says exactly what is passed on now that the handover carries what the family told us. */
function statementV2(retentionDays: number): ConsentStatement {
  return {
    version: versionId(VERSION_2, retentionDays),
    since: '2026-12-01',
    paragraphs: [
      'To ask someone to contact you, we need to keep a few details.',
      'We will pass on your name, your phone number or email, and the best time to contact you.',
      "We will also pass on your answers to my questions: your child's age, school or setting, and town. And what you are worried about, the support so far, and any EHC plan or diagnosis.",
      'We will pass on what you told me in your own words, so you do not have to tell it again.',
      "You can also give your child's first name or initials, but you do not have to.",
      "If something you said made me worried about a child's safety, I pass on those words too. Then the Children's Advice and Duty Service may contact you.",
      'Who will see it: the SEND team for your area at Dorset Council. They will use it to contact you and help you. We will not share it with anyone else unless a child is at risk of harm.',
      `How long we keep it: until your request is closed, then ${retentionDays} more days. After that we delete your details.`,
      'You can say no. You will still get help: you can call the DEAL phone line and talk to someone. If you say no, I delete what you have told me in this chat.',
    ],
    question: 'Do you agree to us keeping these details so that someone can contact you?',
    transcriptQuestion: "Can we also send the officer a copy of this whole chat, with any questions you asked? Then you don't have to repeat yourself.",
  };
}

/** Published wordings by base version id, oldest first. Add new ones at the end. */
const WORDINGS: Record<string, (retentionDays: number) => ConsentStatement> = {
  [BASE_VERSION]: statementV1,
  [VERSION_2]: statementV2,
};

/**
 * The retention period is part of the wording, so it is part of the version id: the default
 * (90 days) gives `consent-2025-01`, another period `consent-2025-01-r30`. The stored id is
 * therefore enough to show exactly what the family read.
 */
function versionId(base: string, retentionDays: number): string {
  if (!Number.isInteger(retentionDays) || retentionDays < 1 || retentionDays > 3650) {
    throw new Error(`consent: retention days must be a whole number from 1 to 3650, not ${retentionDays}`);
  }
  return retentionDays === DEFAULT_RETENTION_DAYS ? base : `${base}-r${retentionDays}`;
}

/** The base version shown to families now. */
export const CURRENT_CONSENT_VERSION = VERSION_2;

/** The statement for a version id (with or without a `-rN` retention suffix), or undefined. */
export function consentStatement(version: string): ConsentStatement | undefined {
  const m = /^(.*?)(?:-r(\d{1,4}))?$/.exec(version);
  const wording = m?.[1] ? WORDINGS[m[1]] : undefined;
  if (!m || !wording) return undefined;
  const days = m[2] ? Number(m[2]) : DEFAULT_RETENTION_DAYS;
  if (days < 1 || days > 3650 || (m[2] && days === DEFAULT_RETENTION_DAYS)) return undefined;
  return wording(days);
}

/** The current statement for the configured retention period (default 90 days). */
export function currentConsent(retentionDays: number = DEFAULT_RETENTION_DAYS): ConsentStatement {
  return WORDINGS[CURRENT_CONSENT_VERSION]!(retentionDays);
}

/** The statement as one chat message: the paragraphs, then the question. */
export function consentText(statement: ConsentStatement = currentConsent()): string {
  return [...statement.paragraphs, statement.question].join('\n\n');
}

/** In the shape the conversation's handover flow expects: `{ version, text, transcriptQuestion }`. */
export function consentForChat(retentionDays?: number): { version: string; text: string; transcriptQuestion: string } {
  const statement = currentConsent(retentionDays);
  return { version: statement.version, text: consentText(statement), transcriptQuestion: statement.transcriptQuestion };
}

/** True when a handover may be recorded against this version id. */
export function isKnownConsentVersion(version: string): boolean {
  return consentStatement(version) !== undefined;
}
