/**
 * The handover contract: what the bot submits when a family asks a person to contact them
 * (`HandoverDraft`), and what is stored and shown to locality staff (`Handover`).
 *
 * This is children's personal data. The rules built into these schemas:
 * - Minimum data: only the fields below; nothing else from the conversation is kept.
 * - Every string has a maximum length, every list a maximum size.
 * - The chat transcript is kept only when the family agreed to it (`consent.transcriptAgreed`).
 * - Contact details are validated and normalised (UK phone numbers to `0…` digits, email
 *   addresses to lower case), so that "check my reference" can compare them.
 * - After the retention period the personal fields are emptied (see `PERSONAL_FIELDS`); the
 *   record that remains holds no personal data.
 *
 * Over 300 lines: the one place each fact of a handover is defined and validated (phone, email, reference, the story), used by every layer; split, the validators would drift from the fields they check.
 */
import { z } from 'zod';
import { Requester, RouteId, TriageCase, TriageResult, Urgency } from '../triage/schema.js';
import { SafetyOutcome } from '../safety/kind.js';

// ---------------------------------------------------------------------------------------
// Small building blocks
// ---------------------------------------------------------------------------------------

/** Control characters other than tab and newline are never stored. */
const CONTROL_CHARS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/;

/** Trimmed, non-empty text of at most `max` characters with no control characters. */
export function shortText(max: number) {
  return z
    .string()
    .trim()
    .min(1)
    .max(max)
    .refine((s) => !CONTROL_CHARS.test(s), 'must not contain control characters');
}

/** An ISO 8601 date-time in UTC, e.g. `2025-03-04T09:15:00.000Z`. */
export const IsoDateTime = z.string().max(40).datetime();

/** A lower-case id made of words joined by hyphens, e.g. `north` or `what-is-an-ehcp`. */
export const Slug = z
  .string()
  .max(80)
  .regex(/^[a-z0-9][a-z0-9-]*$/, 'must be lower-case letters, digits and hyphens');

/**
 * Characters used in references: digits and capital letters without 0, O, 1, I and L (which
 * are easy to misread) and without U (as in Crockford's base 32). 30 characters.
 */
export const REFERENCE_ALPHABET = '23456789ABCDEFGHJKMNPQRSTVWXYZ';
export const REFERENCE_PREFIX = 'DEAL-';
export const REFERENCE_LENGTH = 6;

/** A handover reference such as `DEAL-7K3F9Q`. */
export const Reference = z
  .string()
  .regex(new RegExp(`^${REFERENCE_PREFIX}[${REFERENCE_ALPHABET}]{${REFERENCE_LENGTH}}$`), 'must look like DEAL-7K3F9Q');
export type Reference = z.infer<typeof Reference>;

/**
 * Reads a reference the way a person might type it ("deal 7k3f9q", "DEAL-7K3F9Q.") and
 * returns it in canonical form, or null when it cannot be a reference.
 */
export function normaliseReference(input: string): string | null {
  const compact = input.toUpperCase().replace(/[^0-9A-Z]/g, '');
  const body = compact.startsWith('DEAL') ? compact.slice(4) : compact;
  const candidate = `${REFERENCE_PREFIX}${body}`;
  return Reference.safeParse(candidate).success ? candidate : null;
}

// ---------------------------------------------------------------------------------------
// Contact details
// ---------------------------------------------------------------------------------------

/**
 * An email address as families and staff really have them: the local part is letters, digits
 * and . _ % + - (no leading, trailing or doubled dot); nothing that changes a `mailto:` link
 * (? & = # and the like could add a BCC or a body). The domain is DNS labels and a TLD.
 */
const EMAIL = /^(?!\.)(?!.*\.\.)[a-z0-9._%+-]{1,64}(?<!\.)@[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*\.[a-z]{2,24}$/;

/**
 * Normalises a UK phone number to digits starting with 0 (`+44 (0)1305 221000` becomes
 * `01305221000`), or returns null when it is not a plausible UK number (10 or 11 digits,
 * starting 01, 02, 03, 05, 07, 08 or 09).
 */
export function normaliseUkPhone(input: string): string | null {
  let s = input.trim().replace(/[\s.\-–]/g, '');
  s = s.replace(/^(\+44|0044)\(0\)/, '0').replace(/[()]/g, '');
  s = s.replace(/^(\+44|0044)/, '0');
  return /^0[1235789]\d{8,9}$/.test(s) ? s : null;
}

/** Normalises an email address to lower case, or returns null when it is not one. */
export function normaliseEmail(input: string): string | null {
  const s = input.trim().toLowerCase();
  return s.length <= 254 && EMAIL.test(s) ? s : null;
}

/**
 * Normalises whatever a person typed as their contact detail: an email address if it has an
 * `@`, otherwise a UK phone number. Null when it is neither.
 */
export function normaliseContactDetail(input: string): string | null {
  return input.includes('@') ? normaliseEmail(input) : normaliseUkPhone(input);
}

export const ContactMethod = z.enum(['phone', 'email']);
export type ContactMethod = z.infer<typeof ContactMethod>;

/** A string that `normalise` accepts, as its normal form; anything else is `message`. */
function normalisedBy(max: number, normalise: (input: string) => string | null, message: string) {
  return z
    .string()
    .max(max)
    .transform((s, ctx) => {
      const value = normalise(s);
      if (!value) {
        ctx.addIssue({ code: z.ZodIssueCode.custom, message });
        return z.NEVER;
      }
      return value;
    });
}

/** A UK phone number, normalised to digits starting with 0. */
export const UkPhone = normalisedBy(40, normaliseUkPhone, 'must be a UK phone number, e.g. 07700 900123');

/** An email address, normalised to lower case. */
export const Email = normalisedBy(254, normaliseEmail, 'must be an email address');

/**
 * Control, bidirectional-override and zero-width characters: a name never needs them, and
 * U+202E makes "gnp.exe" show as "exe.png" on the staff page.
 */
const INVISIBLE_CHARS = /[\u0000-\u001f\u007f-\u009f\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]/g;

/** A person's name cleaned for storing and showing: invisible and direction characters removed, spaces collapsed; null when nothing is left or it is too long. */
export function cleanPersonName(input: string, max = 80): string | null {
  const clean = input.normalize('NFC').replace(INVISIBLE_CHARS, '').replace(/\s+/g, ' ').trim();
  return clean.length >= 1 && clean.length <= max ? clean : null;
}

/** A person's (or a child's) name, cleaned by `cleanPersonName`: the one validator for names. */
export function PersonName(max = 80) {
  return z
    .string()
    .max(max * 2)
    .transform((s, ctx) => {
      const name = cleanPersonName(s, max);
      if (!name) {
        ctx.addIssue({ code: z.ZodIssueCode.custom, message: `must be a name of 1 to ${max} characters` });
        return z.NEVER;
      }
      return name;
    });
}

/**
 * The one validator per fact, for the conversation layer and the store alike: each returns the
 * normalised value, or null when the input is not one.
 */
export const validate = {
  phone: normaliseUkPhone,
  email: normaliseEmail,
  reference: normaliseReference,
  name: (input: string) => cleanPersonName(input),
} as const;

const contactCommon = {
  /** The name the family asked us to use. */
  name: PersonName(80),
  /** When they would like to be contacted, in their words ("Morning", "after 3pm"). */
  bestTime: shortText(60),
};

/** How to reach the person who asked for help. `detail` is checked against `method`. */
export const Contact = z.discriminatedUnion('method', [
  z
    .object({
      ...contactCommon,
      /** They prefer a phone call. */
      method: z.literal('phone'),
      /** A UK phone number, stored as digits starting with 0. */
      detail: UkPhone,
    })
    .strict(),
  z
    .object({
      ...contactCommon,
      /** They prefer an email. */
      method: z.literal('email'),
      /** An email address, stored in lower case. */
      detail: Email,
    })
    .strict(),
]);
export type Contact = z.infer<typeof Contact>;

// ---------------------------------------------------------------------------------------
// Consent, child, triage
// ---------------------------------------------------------------------------------------

/** The family's agreement, recorded with the exact wording they saw. */
export const ConsentRecord = z
  .object({
    /** Always true: without agreement there is no handover. */
    agreed: z.literal(true),
    /** Version id of the consent wording shown (see handover/consent.ts), e.g. `consent-2025-01`. */
    statementVersion: z.string().min(1).max(40).regex(/^[a-z0-9][a-z0-9.-]*$/),
    /** When they agreed (ISO date-time, UTC). */
    agreedAt: IsoDateTime,
    /** Whether they also agreed to send a copy of the chat to the officer. */
    transcriptAgreed: z.boolean(),
  })
  .strict();
export type ConsentRecord = z.infer<typeof ConsentRecord>;

/** The little we need about the child. Every field may be left out. */
export const ChildDetails = z
  .object({
    /** The child's first name or initials, only if the family chose to give it. */
    name: PersonName(30).nullable().default(null),
    /** Age in years (0–25), if known. */
    age: z.number().int().min(0).max(25).nullable().default(null),
    /** The school, college or setting, or the kind of setting (e.g. `mainstream-school`). */
    setting: shortText(80).nullable().default(null),
  })
  .strict();
export type ChildDetails = z.infer<typeof ChildDetails>;

/** The triage result, with its reasons bounded in number and length. */
export const BoundedTriageResult = TriageResult.superRefine((r, ctx) => {
  if (r.routes.length > 13) ctx.addIssue({ code: z.ZodIssueCode.custom, message: 'too many routes' });
  for (const route of r.routes) {
    if (route.reasons.length > 12) ctx.addIssue({ code: z.ZodIssueCode.custom, message: `too many reasons for ${route.id}` });
    if (route.reasons.some((reason) => reason.length > 600)) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, message: `a reason for ${route.id} is longer than 600 characters` });
    }
  }
  if (r.locality !== null && !Slug.safeParse(r.locality).success) {
    ctx.addIssue({ code: z.ZodIssueCode.custom, message: 'locality must be a locality id' });
  }
});

export const MAX_QUESTIONS = 10;
export const MAX_ARTICLES = 20;
export const MAX_TRANSCRIPT_LINES = 30;

/** Questions the person typed, newest last (at most 10, 300 characters each). */
export const QuestionsAsked = z.array(shortText(300)).max(MAX_QUESTIONS);
/** Ids of knowledge articles the bot showed (at most 20). */
export const ArticlesShown = z.array(Slug).max(MAX_ARTICLES);
/** A short transcript: at most 30 lines of at most 500 characters. */
export const Transcript = z.array(shortText(500)).max(MAX_TRANSCRIPT_LINES);

export const Channel = z.enum(['webchat', 'teams']);
export type Channel = z.infer<typeof Channel>;

// ---------------------------------------------------------------------------------------
// Draft and stored handover
// ---------------------------------------------------------------------------------------

/**
 * What the family told us, understood, so that the officer never has to ask again: the triage
 * facts as they said them, the concern in their own words, and, when a safety response came
 * up in the chat, its kind and the words that raised it. Personal: emptied by the purge.
 */
export const HandoverStory = z
  .object({
    /** The understood TriageCase facts (only those the family gave; nothing guessed). */
    facts: TriageCase.omit({ concern: true }).partial(),
    /** The concern in the family's own words (bounded), or null when they gave none. */
    concern: shortText(2000).nullable(),
    /** The safety response the chat gave, and the words that raised it (null for a "yes" pressed on a button). */
    safety: z.object({ kind: SafetyOutcome, words: shortText(500).nullable() }).strict().nullable(),
  })
  .strict();
export type HandoverStory = z.infer<typeof HandoverStory>;

/**
 * What the bot submits once the family has agreed. The reference, times, urgency, due time
 * and locality are worked out by the store, not taken from the bot.
 */
export const HandoverDraft = z
  .object({
    /** Where the conversation happened. */
    channel: Channel,
    /** Who asked: parent, carer, professional or young person; null when not asked (e.g. a safety handover). */
    requester: Requester.nullable(),
    /** How to reach them. */
    contact: Contact,
    /** Their agreement, with the wording version. */
    consent: ConsentRecord,
    /** Optional details about the child. */
    child: ChildDetails.default({}),
    /** The triage result the handover is based on (its urgency and locality are used). */
    triage: BoundedTriageResult,
    /** Questions the person asked in the chat (bounded). */
    questionsAsked: QuestionsAsked.default([]),
    /** Knowledge article ids the bot showed (bounded). */
    articlesShown: ArticlesShown.default([]),
    /** The chat, only when `consent.transcriptAgreed` is true; otherwise null. */
    transcript: Transcript.nullable().default(null),
    /** What the family told us, understood (HandoverStory); null when nothing was understood. */
    story: HandoverStory.nullable().default(null),
    /** The conversation's key for this request: a second createHandover with it returns the first handover (a retried or raced Send). */
    submissionKey: z.string().regex(/^[0-9a-f]{32}$/).nullable().default(null),
  })
  .strict()
  .refine((d) => d.transcript === null || d.consent.transcriptAgreed, {
    message: 'a transcript may only be sent when the family agreed to it',
    path: ['transcript'],
  });
export type HandoverDraft = z.infer<typeof HandoverDraft>;
/** The draft as the bot writes it (before defaults and normalisation). */
export type HandoverDraftInput = z.input<typeof HandoverDraft>;

export const HandoverStatus = z.enum(['received', 'with-officer', 'closed']);
export type HandoverStatus = z.infer<typeof HandoverStatus>;

/** How a handover ended. A code, not free text, so it holds no personal data. */
export const Outcome = z.enum([
  'advice-given',
  'signposted',
  'referred-to-service',
  'ehcna-request-supported',
  'safeguarding-referral',
  'could-not-contact',
  'withdrawn',
  'duplicate',
  'other',
]);
export type Outcome = z.infer<typeof Outcome>;

/** A staff email address as stored (lower case). */
export const StaffEmail = Email;

/**
 * A stored handover. The personal fields (`contact`, `child`, `triage`, `questionsAsked`,
 * `transcript`) are emptied when the retention period ends (`purgedAt` is then set).
 */
export const Handover = z
  .object({
    /** Human-friendly reference given to the family, e.g. `DEAL-7K3F9Q`. */
    reference: Reference,
    /** When it was stored (ISO date-time, UTC). */
    createdAt: IsoDateTime,
    /** Where the conversation happened. */
    channel: Channel,
    /** Who asked: parent, carer, professional or young person; null when not asked. */
    requester: Requester.nullable(),
    /** How to reach them; null once purged. */
    contact: Contact.nullable(),
    /** Their agreement, with the wording version (kept as evidence; holds no personal data). */
    consent: ConsentRecord,
    /** Optional details about the child; all null once purged. */
    child: ChildDetails,
    /** The locality SEND team it is for, or null when unknown (then only leads see it). */
    localityId: Slug.nullable(),
    /** The triage result; null once purged (its reasons repeat the family's answers). */
    triage: BoundedTriageResult.nullable(),
    /** How soon the family should be contacted. */
    urgency: Urgency,
    /** When the family should have been contacted by (ISO date-time, UTC). */
    dueAt: IsoDateTime,
    /** Questions the person asked; empty once purged. */
    questionsAsked: QuestionsAsked,
    /** Knowledge article ids the bot showed. */
    articlesShown: ArticlesShown,
    /** The chat, only if the family agreed; null once purged. */
    transcript: Transcript.nullable(),
    /** What the family told us, understood; null once purged (or when nothing was understood). */
    story: HandoverStory.nullable(),
    /** Where it is: received, with an officer, or closed. */
    status: HandoverStatus,
    /** Email of the officer who claimed it, or null. */
    claimedBy: z.string().max(254).nullable(),
    /** How it ended, once closed. */
    outcome: Outcome.nullable(),
    /** When it was closed (ISO, UTC); the retention period counts from here. */
    closedAt: IsoDateTime.nullable(),
    /** When its personal data was deleted (ISO, UTC), or null. */
    purgedAt: IsoDateTime.nullable(),
  })
  .strict();
export type Handover = z.infer<typeof Handover>;

/** The fields emptied by the retention purge. */
export const PERSONAL_FIELDS = ['contact', 'child', 'triage', 'questionsAsked', 'transcript'] as const;

/**
 * The payload of a notification (outbox row) about a new handover, e.g. for a Teams card.
 * It deliberately holds no personal data: messages posted to Teams channels are outside our
 * retention control, so staff open the access-controlled staff page for the details.
 */
export const HandoverNotice = z
  .object({
    /** The handover reference. */
    reference: Reference,
    /** The locality SEND team, or null for the lead. */
    localityId: Slug.nullable(),
    /** How soon to contact the family. */
    urgency: Urgency,
    /** When to contact them by (ISO, UTC). */
    dueAt: IsoDateTime,
    /** The main route triage chose. */
    primaryRoute: RouteId,
    /** Who asked (parent, carer, professional, young person), or null when not asked. */
    requester: Requester.nullable(),
    /** Where the conversation happened. */
    channel: Channel,
    /** When the handover was stored (ISO, UTC). */
    createdAt: IsoDateTime,
  })
  .strict();
export type HandoverNotice = z.infer<typeof HandoverNotice>;

/** Kinds of entries in the append-only event log. */
export const EventKind = z.enum(['created', 'notified', 'claimed', 'note-added', 'resolved', 'purged']);
export type EventKind = z.infer<typeof EventKind>;

/** One audit-log entry. `detail` holds ids and codes only, never personal data. */
export const HandoverEvent = z
  .object({
    /** Sequence number. */
    id: z.number().int(),
    /** The handover it is about. */
    reference: Reference,
    /** What happened. */
    kind: EventKind,
    /** Who did it: a staff email, `bot:webchat`, `bot:teams`, `outbox` or `retention`. */
    actor: z.string().max(254),
    /** When (ISO, UTC). */
    at: IsoDateTime,
    /** Ids and codes about the event (e.g. `{ "outcome": "signposted" }`). */
    detail: z.record(z.union([z.string().max(200), z.number(), z.boolean(), z.null()])),
  })
  .strict();
export type HandoverEvent = z.infer<typeof HandoverEvent>;

/** An officer's note on a handover. Personal data: deleted with the handover's personal data. */
export const HandoverNote = z
  .object({
    /** Note id. */
    id: z.number().int(),
    /** The handover it belongs to. */
    reference: Reference,
    /** Staff email of the author. */
    author: z.string().max(254),
    /** When it was written (ISO, UTC). */
    at: IsoDateTime,
    /** The note (at most 2000 characters). */
    text: shortText(2000),
  })
  .strict();
export type HandoverNote = z.infer<typeof HandoverNote>;

/** Note text as accepted from staff. */
export const NoteText = shortText(2000);

/** Staff roles: an officer sees one locality; a lead sees all, including unassigned ones. */
export const StaffRole = z.enum(['officer', 'lead']);
export type StaffRole = z.infer<typeof StaffRole>;

/** Who a signed-in member of staff is, for access checks. */
export const StaffPrincipal = z
  .object({
    /** Their email address (lower case). */
    email: z.string().max(254),
    /** Officer or lead. */
    role: StaffRole,
    /** An officer's locality id; null for a lead. */
    localityId: Slug.nullable(),
  })
  .strict();
export type StaffPrincipal = z.infer<typeof StaffPrincipal>;
