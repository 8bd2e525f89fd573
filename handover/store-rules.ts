/**
 * The checks and derived values both stores (SQLite and PostgreSQL) apply before they write,
 * in one place so the two cannot drift: a draft is accepted or refused the same way, its
 * notification holds the same fields, and notes, outcomes and erasure reasons are cleaned alike.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { isKnownConsentVersion } from './consent.js';
import { HandoverValidationError } from './ports/errors.js';
import { canAccess, type HandoverScope } from './ports/handovers.js';
import { generateReference } from './reference.js';
import {
  HandoverDraft,
  NoteText,
  Outcome,
  normaliseContactDetail,
  normaliseReference,
  type Handover,
  type HandoverDraftInput,
  type HandoverNotice,
  type HandoverStatus,
  type StaffPrincipal,
} from './schema.js';
import { computeDueAt, type ServiceLevelOptions } from './service-levels.js';

/** A valid draft with what is worked out from it at the time it is stored. */
export interface AcceptedDraft {
  draft: HandoverDraft;
  createdAt: Date;
  agreedAt: Date;
  dueAt: Date;
  urgency: HandoverDraft['triage']['urgency'];
  localityId: string | null;
}

/** Validates a draft (throws `HandoverValidationError`, naming fields only) and works out its due time. */
export function acceptDraft(input: HandoverDraftInput, now: Date, serviceLevels: ServiceLevelOptions | undefined): AcceptedDraft {
  const parsed = HandoverDraft.safeParse(input);
  if (!parsed.success) {
    // Paths and messages only: never echo the values, which are personal data.
    throw new HandoverValidationError(
      parsed.error.issues.map((i) => `${i.path.join('.') || '(draft)'}: ${i.code === 'invalid_enum_value' ? 'is not one of the allowed values' : i.message}`),
    );
  }
  const draft = parsed.data;
  if (!isKnownConsentVersion(draft.consent.statementVersion)) {
    throw new HandoverValidationError(['consent.statementVersion: is not a published consent wording (see handover/consent.ts)']);
  }
  const agreedAt = new Date(Date.parse(draft.consent.agreedAt));
  if (agreedAt.getTime() > now.getTime() + 5 * 60_000) throw new HandoverValidationError(['consent.agreedAt: is in the future']);
  const urgency = draft.triage.urgency;
  return {
    draft,
    createdAt: new Date(now.getTime()),
    agreedAt,
    dueAt: computeDueAt(urgency, now, serviceLevels),
    urgency,
    localityId: draft.triage.locality,
  };
}

/** The new-handover notification for `reference`: no personal data. */
export function noticeFor(reference: string, a: AcceptedDraft): HandoverNotice {
  return {
    reference,
    localityId: a.localityId,
    urgency: a.urgency,
    dueAt: a.dueAt.toISOString(),
    primaryRoute: a.draft.triage.primary,
    requester: a.draft.requester,
    channel: a.draft.channel,
    createdAt: a.createdAt.toISOString(),
  };
}

/** The `created` event's detail (no personal data). */
export function createdDetail(a: AcceptedDraft): Record<string, string | boolean | null> {
  return { urgency: a.urgency, locality: a.localityId, consentVersion: a.draft.consent.statementVersion, transcript: a.draft.consent.transcriptAgreed };
}

/** A note's text, checked; throws `HandoverValidationError`. */
export function cleanNote(text: string): string {
  const parsed = NoteText.safeParse(text);
  if (!parsed.success) throw new HandoverValidationError(['note: must be 1 to 2000 characters with no control characters']);
  return parsed.data;
}

/** The optional closing note: null when there is none. */
export function closingNote(note: string | undefined): string | null {
  return note === undefined || note.trim() === '' ? null : cleanNote(note);
}

/** An outcome code, checked; throws `HandoverValidationError`. */
export function outcomeCode(outcome: Outcome): Outcome {
  const code = Outcome.safeParse(outcome);
  if (!code.success) throw new HandoverValidationError([`outcome: must be one of ${Outcome.options.join(', ')}`]);
  return code.data;
}

/** Why data is erased, one line of at most 200 characters; throws when there is no reason. */
export function erasureReason(reason: string): string {
  const why = reason.replace(/[\u0000-\u001f\u007f]/g, ' ').trim().slice(0, 200);
  if (!why) throw new HandoverValidationError(['reason: say why the data is erased (for example "the family asked, by phone, 3 March")']);
  return why;
}

/** Open before closed, then immediate, priority, routine (the SQL `ORDER BY` term both stores use). */
export const URGENCY_ORDER = "CASE urgency WHEN 'immediate' THEN 0 WHEN 'priority' THEN 1 ELSE 2 END";

/** The personal columns the retention purge and erasure empty, as SQL (same names in both stores). */
export const PERSONAL_FIELDS_EMPTY = `contact_name = NULL, contact_method = NULL, contact_detail = NULL, best_time = NULL,
  child_name = NULL, child_age = NULL, child_setting = NULL,
  triage_json = NULL, questions_json = NULL, transcript_json = NULL, story_json = NULL`;

/** A handover's status and the contact detail it was given (null once purged). */
export interface StatusRow {
  status: HandoverStatus;
  contact_detail: string | null;
}

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest();

/**
 * "Where is my request?": the status when the reference exists and the contact detail
 * matches, else null. One path whether or not the reference exists or is well formed: look
 * up, hash, compare against `decoy` when there is no row, so both take the same work.
 */
export async function checkStatusWith(
  reference: string,
  contactDetail: string,
  decoy: string,
  lookup: (reference: string) => StatusRow | undefined | Promise<StatusRow | undefined>,
): Promise<HandoverStatus | null> {
  const ref = normaliseReference(String(reference).slice(0, 40)) ?? 'DEAL-000000'; // 0 is never used
  const given = normaliseContactDetail(String(contactDetail).slice(0, 300));
  const row = await lookup(ref);
  const stored = row?.contact_detail ?? decoy;
  const same = timingSafeEqual(sha256(stored), sha256(given ?? `${decoy}!`));
  return same && row !== undefined && row.contact_detail !== null && given !== null ? row.status : null;
}

/** How a store stamps and numbers new handovers (both stores take the same options). */
export interface HandoverWriteOptions {
  /** The clock used for created, claimed, closed times (inject a fixed one in tests). */
  clock?: () => Date;
  /** Working hours, time zone and bank holidays for due times. */
  serviceLevels?: ServiceLevelOptions;
  /** Reference generator (default: crypto-random). Tests inject one to force collisions. */
  newReference?: () => string;
}

/** The settings both stores' handover tables start from. */
export abstract class HandoverTablesBase {
  protected readonly clock: () => Date;
  protected readonly serviceLevels: ServiceLevelOptions | undefined;
  protected readonly newReference: () => string;
  /** Compared against when a reference does not exist, so both paths do the same work. */
  protected readonly decoy = randomBytes(16).toString('hex');

  constructor(options: HandoverWriteOptions = {}) {
    this.clock = options.clock ?? (() => new Date());
    this.serviceLevels = options.serviceLevels;
    this.newReference = options.newReference ?? generateReference;
  }

  abstract getHandover(reference: string): Promise<Handover | null>;

  /** The handover if this member of staff may see it, else null (whether or not it exists). */
  async getHandoverFor(principal: StaffPrincipal, reference: string): Promise<Handover | null> {
    const handover = await this.getHandover(reference);
    return handover && canAccess(principal, handover) ? handover : null;
  }
}

/**
 * A listing's localities as the SQL needs them: 'all', or the ids and whether handovers with
 * no locality are included; null when the scope can match nothing.
 */
export function scopeLocalities(scope: HandoverScope): 'all' | { ids: string[]; unassigned: boolean } | null {
  if (scope.localities === 'all') return 'all';
  const ids = scope.localities.filter((l): l is string => l !== null);
  const unassigned = scope.localities.includes(null);
  return ids.length === 0 && !unassigned ? null : { ids, unassigned };
}
