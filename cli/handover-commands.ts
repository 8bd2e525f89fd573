/**
 * Handover commands for the `deal` command line (wired into cli/deal.ts separately):
 *
 *   deal handovers list [--locality <id>|unassigned] [--all] [--json]
 *   deal handovers purge [--days <n>]
 *   deal handovers backup <file>
 *   deal staff add <email> (--locality <id> | --lead) --password <p>
 *
 * Each function returns the text to print and throws an Error with a plain message on bad
 * input. The list deliberately shows no personal data (no names, contact details, child
 * details or transcripts): terminal output ends up in scroll-back, logs and screenshots.
 * Staff see the details on the access-controlled staff page.
 *
 * The database is `<DATA_DIR>/handovers.sqlite` (DATA_DIR defaults to `data`), the same file
 * the bot uses; the store's busy timeout lets the CLI run while the bot is running. With
 * `DATABASE_URL` set it is that PostgreSQL database instead, and the pool is closed when the
 * command is done, so the process exits at once.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { localityData } from '../triage/locality.js';
import { DEFAULT_RETENTION_DAYS } from '../handover/consent.js';
import { normaliseReference, type Handover, type HandoverStatus } from '../handover/schema.js';
import { PgHandoverStore } from '../handover/pg-store.js';
import { eraseConversationState, eraseSharedConversations } from './erase-conversations.js';
import { SqliteHandoverStore } from '../handover/sqlite-store.js';
import { createHandoverStore, type AnyHandoverStore } from '../handover/store-factory.js';
import { StaffAccounts } from '../handover/staff-accounts.js';
import type { AuditAction, AuditEntry, AuditLog, HandoverRecords, StaffDirectory } from '../handover/store.js';

/** The ports these commands use: handovers (with retention), staff accounts, the audit log. */
type CliStore = HandoverRecords & StaffDirectory & AuditLog;

export interface CliContext {
  /** Use this store (and do not close it) instead of opening one under `dataDir`. */
  store?: CliStore;
  /** Data directory (default: $DATA_DIR or `data`). */
  dataDir?: string;
  /** Clock (default: the system clock). */
  now?: () => Date;
  /** Environment for DATA_DIR, DATABASE_URL, DATABASE_SCHEMA and RETENTION_DAYS (default: process.env). */
  env?: NodeJS.ProcessEnv;
}

function openFromContext(context: CliContext): AnyHandoverStore {
  const env = context.env ?? process.env;
  return createHandoverStore(
    { DATABASE_URL: env.DATABASE_URL, DATABASE_SCHEMA: env.DATABASE_SCHEMA, DATA_DIR: context.dataDir ?? env.DATA_DIR },
    context.now ? { clock: context.now } : {},
  );
}

async function withStore<T>(context: CliContext, fn: (store: CliStore) => Promise<T>): Promise<T> {
  if (context.store) return fn(context.store);
  const store = openFromContext(context);
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
}

function dueLabel(h: Handover, now: Date): string {
  if (h.status === 'closed') return '';
  const due = Date.parse(h.dueAt);
  return due < now.getTime() ? 'OVERDUE' : '';
}

/** The non-personal summary of a handover used by the CLI. */
function summary(h: Handover) {
  return {
    reference: h.reference,
    status: h.status,
    urgency: h.urgency,
    dueAt: h.dueAt,
    locality: h.localityId,
    route: h.triage?.primary ?? null,
    requester: h.requester,
    channel: h.channel,
    claimedBy: h.claimedBy,
    outcome: h.outcome,
    createdAt: h.createdAt,
    closedAt: h.closedAt,
  };
}

/**
 * Lists handovers, urgent first, then by due time, then newest. Open ones only unless `all`.
 * `locality` is a locality id, or `unassigned` for handovers with no locality.
 */
export async function listHandovers(
  options: { locality?: string; json?: boolean; all?: boolean } = {},
  context: CliContext = {},
): Promise<string> {
  const now = (context.now ?? (() => new Date()))();
  const localities: (string | null)[] | 'all' =
    options.locality === undefined ? 'all' : options.locality === 'unassigned' ? [null] : [options.locality];
  const statuses: HandoverStatus[] | undefined = options.all ? undefined : ['received', 'with-officer'];
  const handovers = await withStore(context, (store) =>
    store.listHandovers({ scope: { localities }, statuses, includePurged: options.all === true, limit: 1000 }),
  );
  if (options.json) return `${JSON.stringify(handovers.map(summary))}\n`;
  if (handovers.length === 0) {
    return `No ${options.all ? '' : 'open '}handovers${options.locality ? ` for ${options.locality}` : ''}.\n`;
  }
  const rows = handovers.map((h) => [
    h.reference,
    h.status,
    h.urgency,
    `${h.dueAt.slice(0, 16).replace('T', ' ')}Z`,
    dueLabel(h, now),
    h.localityId ?? '(none)',
    h.triage?.primary ?? '(purged)',
    h.claimedBy ?? '',
  ]);
  const header = ['REFERENCE', 'STATUS', 'URGENCY', 'DUE (UTC)', '', 'LOCALITY', 'ROUTE', 'WITH'];
  const widths = header.map((_, i) => Math.max(header[i]!.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd();
  return `${[line(header), ...rows.map(line)].join('\n')}\n${handovers.length} handover${handovers.length === 1 ? '' : 's'}\n`;
}

/**
 * Deletes the personal data of handovers closed more than `days` days ago (default:
 * $RETENTION_DAYS or 90) and removes expired staff sessions.
 */
export async function purgeHandovers(options: { days?: number } = {}, context: CliContext = {}): Promise<string> {
  const env = context.env ?? process.env;
  const days = options.days ?? (env.RETENTION_DAYS ? Number(env.RETENTION_DAYS) : DEFAULT_RETENTION_DAYS);
  if (!Number.isInteger(days) || days < 1 || days > 3650) throw new Error('days must be a whole number from 1 to 3650');
  const now = (context.now ?? (() => new Date()))();
  const [purged, sessions] = await withStore(context, async (store) => [
    await store.purgeResolvedOlderThan(days, now),
    await store.purgeExpiredSessions(now),
  ]);
  return `Deleted the personal data of ${purged} handover${purged === 1 ? '' : 's'} closed more than ${days} days ago.\nRemoved ${sessions} expired staff session${sessions === 1 ? '' : 's'}.\n`;
}

/**
 * Copies the handover database to `destination` (a new file) while the bot runs. Backups
 * hold personal data: keep them encrypted, and no longer than the retention period, or a
 * purged handover lives on in them.
 */
export async function backupHandovers(destination: string, context: CliContext = {}): Promise<string> {
  const target = resolve(destination);
  if (existsSync(target)) throw new Error(`${target} already exists; choose a new file name`);
  const store = openFromContext(context);
  try {
    if (!(store instanceof SqliteHandoverStore)) {
      throw new Error('the handovers are in PostgreSQL (DATABASE_URL): back them up with pg_dump, e.g. pg_dump --format=custom --file=deal.dump "$DATABASE_URL"');
    }
    await store.backupTo(target);
  } finally {
    await store.close();
  }
  return `Backed up the handover database to ${target}.\n`;
}

/**
 * Adds a member of staff: an officer for one locality (`locality`, checked against
 * triage/localities.yaml) or a lead (`lead: true`), who sees all localities.
 */
export async function addStaff(
  email: string,
  options: { locality?: string; lead?: boolean; password: string; aad?: string },
  context: CliContext = {},
): Promise<string> {
  const knownLocalities = localityData().localities.map((l) => l.id);
  const principal = await withStore(context, async (store) => {
    const added = await new StaffAccounts(store, { clock: context.now, knownLocalities }).addStaff(email, {
      ...(options.locality !== undefined ? { localityId: options.locality } : {}),
      ...(options.lead ? { lead: true } : {}),
      ...(options.aad ? { aadObjectId: options.aad } : {}),
      password: options.password,
    });
    await store.audit({ actor: CLI_ACTOR, action: 'staff-added', subject: added.email, detail: { role: added.role, locality: added.localityId } }, context.now?.() ?? new Date());
    return added;
  });
  return principal.role === 'lead'
    ? `Added ${principal.email} as a lead (sees every locality).\n`
    : `Added ${principal.email} as an officer for ${principal.localityId}.\n`;
}

/** Who the audit log names for changes made with the `deal` command (the operator's login, if known). */
const CLI_ACTOR = `cli:${(process.env.SUDO_USER ?? process.env.USER ?? 'unknown').slice(0, 60)}`;

export type StaffChangeCommand = 'disable' | 'enable' | 'reset-password' | 'sessions' | 'sign-out' | 'link-aad';

/**
 * The account commands: disable (and end its sessions), enable, reset-password (ends its
 * sessions), sessions (when each live session started and ends), sign-out (everywhere) and
 * link-aad (the Entra ID object id Teams buttons act as). Each change is audited.
 */
export async function changeStaff(
  command: StaffChangeCommand,
  email: string,
  options: { password?: string; aad?: string } = {},
  context: CliContext = {},
): Promise<string> {
  return withStore(context, async (store) => {
    const accounts = new StaffAccounts(store, { clock: context.now });
    const now = context.now?.() ?? new Date();
    const audit = (action: AuditAction, detail: AuditEntry['detail'] = {}) => store.audit({ actor: CLI_ACTOR, action, subject: email.trim().toLowerCase(), detail }, now);
    const missing = `There is no staff account for ${email}.\n`;
    switch (command) {
      case 'disable':
        if (!(await accounts.disableStaff(email))) throw new Error(missing.trim());
        await audit('staff-disabled');
        return `Disabled ${email} and ended its sessions.\n`;
      case 'enable':
        if (!(await accounts.enableStaff(email))) throw new Error(missing.trim());
        await audit('staff-enabled');
        return `Enabled ${email}.\n`;
      case 'reset-password':
        if (!(await accounts.resetPassword(email, options.password ?? ''))) throw new Error(missing.trim());
        await audit('staff-password-reset');
        return `Set a new password for ${email} and ended its sessions.\n`;
      case 'sessions': {
        if (!(await store.getStaff(email.trim().toLowerCase()))) throw new Error(missing.trim());
        const sessions = await accounts.sessions(email);
        return sessions.length === 0
          ? `${email} has no live sessions.\n`
          : sessions.map((x) => `signed in ${x.createdAt.toISOString()}, ends ${x.expiresAt.toISOString()}`).join('\n') + '\n';
      }
      case 'sign-out': {
        if (!(await store.getStaff(email.trim().toLowerCase()))) throw new Error(missing.trim());
        const ended = await accounts.signOutEverywhere(email);
        await audit('staff-signed-out', { sessions: ended });
        return `Ended ${ended} session${ended === 1 ? '' : 's'} of ${email}.\n`;
      }
      case 'link-aad':
        if (!(await accounts.linkAad(email, options.aad ?? ''))) throw new Error(missing.trim());
        await audit('staff-aad-linked');
        return `Linked ${email} to Entra ID object ${options.aad}: Teams card buttons they press act with their rights.\n`;
    }
  });
}

/** The principal the CLI reads with: the operator acts as a lead (they hold the database file). */
const CLI_LEAD = { email: 'cli', role: 'lead', localityId: null } as const;

/**
 * Everything held about one family's request, for a subject access request: the handover
 * (contact details, child, triage, questions, transcript), notes, its event log and the audit
 * entries about it. The export itself is audited.
 */
export async function exportHandover(reference: string, context: CliContext = {}): Promise<string> {
  return withStore(context, async (store) => {
    const handover = await store.getHandover(normaliseReferenceOrThrow(reference));
    if (!handover) throw new Error(`handover ${reference} was not found`);
    const [notes, events] = await Promise.all([store.listNotes(handover.reference, CLI_LEAD), store.listEvents(handover.reference)]);
    await store.audit({ actor: CLI_ACTOR, action: 'handover-exported', subject: handover.reference, detail: {} }, context.now?.() ?? new Date());
    const audit = await store.listAudit(handover.reference);
    return `${JSON.stringify({ exportedAt: (context.now?.() ?? new Date()).toISOString(), handover, notes, events, audit }, null, 2)}\n`;
  });
}

/**
 * Erases a family's personal data at once (right to erasure), whatever the request's status,
 * with the reason in the audit log; also deletes any conversation state that mentions the
 * reference (`conversations.sqlite` in the same data directory).
 */
export async function eraseHandover(reference: string, reason: string, context: CliContext = {}): Promise<string> {
  const ref = normaliseReferenceOrThrow(reference);
  let shared: number | null = null; // conversation state in PostgreSQL (DATABASE_URL), deleted in the same run
  const erased = await withStore(context, async (store) => {
    const result = await store.eraseHandover(ref, CLI_ACTOR, reason, context.now?.() ?? new Date());
    if (store instanceof PgHandoverStore) shared = await eraseSharedConversations(store.pool, ref);
    return result;
  });
  const conversations = shared ?? eraseConversationState(resolve(context.dataDir ?? (context.env ?? process.env).DATA_DIR ?? 'data'), ref);
  return `Erased the personal data of ${erased.reference} (now ${erased.status}); ${conversations} conversation${conversations === 1 ? '' : 's'} mentioning it deleted.\n`;
}

function normaliseReferenceOrThrow(reference: string): string {
  const ref = normaliseReference(reference);
  if (!ref) throw new Error(`"${reference.slice(0, 20)}" is not a reference (DEAL-7K3F9Q)`);
  return ref;
}
