/**
 * The staff actions as a small JSON API under `/staff/api`, for a future client: the
 * session, the list (no personal data), one handover, claim, note and resolve. Bodies are
 * checked with zod and errors name the fields; store errors become 404 / 409 / 400, and a
 * handover another locality owns is the same 404 as one that does not exist.
 */
import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import { NoteText, Outcome, normaliseReference, type Handover, type StaffPrincipal } from '../handover/schema.js';
import { HandoverNotFoundError, HandoverStateError, HandoverValidationError } from '../handover/store.js';
import { isOverdue } from './format.js';
import { LIST_LIMIT, listFiltered, listFilters } from './queue-routes.js';
import { OptionalNote } from './request.js';
import type { StaffSite } from './site.js';

const ApiClaimBody = z.object({ takeOver: z.boolean().default(false) }).strict();
const ApiNoteBody = z.object({ text: NoteText }).strict();
const ApiResolveBody = z.object({ outcome: Outcome, note: OptionalNote }).strict();

function issuesOf(error: z.ZodError): { field: string; message: string }[] {
  return error.issues.map((i) => ({ field: i.path.join('.') || 'body', message: i.message }));
}

/** A handover as listed by the API: no personal data (open the handover for that). */
function summary(h: Handover, now: Date) {
  return {
    reference: h.reference,
    createdAt: h.createdAt,
    channel: h.channel,
    requester: h.requester,
    localityId: h.localityId,
    urgency: h.urgency,
    dueAt: h.dueAt,
    overdue: isOverdue(h, now),
    status: h.status,
    claimedBy: h.claimedBy,
    primaryRoute: h.triage?.primary ?? null,
    outcome: h.outcome,
    closedAt: h.closedAt,
    purged: h.purgedAt !== null,
  };
}

export function addApi(router: Router, site: StaffSite): void {
  const { store, accounts, log, now } = site;
  const api = Router();

  api.get('/session', (req, res) => {
    const session = site.sessionOf(req);
    res.json({ ...session.principal, csrfToken: accounts.csrfToken(session), expiresAt: session.record.expiresAt.toISOString() });
  });

  api.get('/handovers', async (req, res) => {
    const { principal } = site.sessionOf(req);
    const f = listFilters(site, principal, req.query);
    const handovers = await listFiltered(site, f);
    const at = now();
    res.json({ handovers: handovers.map((h) => summary(h, at)), truncated: handovers.length >= LIST_LIMIT });
  });

  const apiNotFound = (res: Response) => res.status(404).json({ error: 'not found' });

  api.get('/handovers/:reference', async (req, res) => {
    const { principal } = site.sessionOf(req);
    const reference = normaliseReference(req.params.reference);
    const handover = reference ? await store.getHandoverFor(principal, reference) : null;
    if (!handover) return void apiNotFound(res);
    const [notes, events] = await Promise.all([store.listNotes(handover.reference, principal), store.listEvents(handover.reference)]);
    await store.audit({ actor: principal.email, action: 'handover-viewed', subject: handover.reference, detail: { via: 'api' } }, now());
    log.info({ staffAction: 'view', reference: handover.reference, staff: principal.email, via: 'api' }, 'staff opened a handover');
    res.json({ handover, overdue: isOverdue(handover, now()), notes, events });
  });

  /** Validates the body, runs the change, and maps store errors to 404 / 409 / 400. */
  const apiAction =
    <S extends z.ZodTypeAny>(
      name: string,
      schema: S,
      run: (principal: StaffPrincipal, reference: string, body: z.output<S>) => Promise<{ status: number; json: unknown; log: Record<string, unknown> }>,
    ) =>
    async (req: Request, res: Response) => {
      const { principal } = site.sessionOf(req);
      const reference = normaliseReference(String(req.params.reference ?? ''));
      if (!reference) return void apiNotFound(res);
      const parsed = schema.safeParse(req.body ?? {});
      if (!parsed.success) {
        const issues = issuesOf(parsed.error);
        res.status(400).json({ error: 'invalid request', message: issues.map((i) => `${i.field}: ${i.message}`).join('; '), issues });
        return;
      }
      try {
        const result = await run(principal, reference, parsed.data);
        log.info({ staffAction: name, reference, staff: principal.email, via: 'api', ...result.log }, `staff ${name} via the API`);
        res.status(result.status).json(result.json);
      } catch (error) {
        if (error instanceof HandoverNotFoundError) return void apiNotFound(res);
        if (error instanceof HandoverStateError) return void res.status(409).json({ error: error.message });
        if (error instanceof HandoverValidationError) {
          return void res.status(400).json({ error: 'invalid request', message: error.issues.join('; '), issues: error.issues });
        }
        throw error;
      }
    };

  api.post(
    '/handovers/:reference/claim',
    apiAction('claim', ApiClaimBody, async (principal, reference, body) => ({
      status: 200,
      json: { handover: await store.claimHandover(reference, principal, { takeOver: body.takeOver }) },
      log: { takeOver: body.takeOver },
    })),
  );

  api.post(
    '/handovers/:reference/notes',
    apiAction('note', ApiNoteBody, async (principal, reference, body) => {
      const note = await store.addNote(reference, principal, body.text);
      return { status: 201, json: { note }, log: { noteId: note.id } };
    }),
  );

  api.post(
    '/handovers/:reference/resolve',
    apiAction('resolve', ApiResolveBody, async (principal, reference, body) => ({
      status: 200,
      json: { handover: await store.resolveHandover(reference, principal, body.outcome, body.note?.trim() ? body.note : undefined) },
      log: { outcome: body.outcome },
    })),
  );

  api.use((_req, res) => {
    res.status(404).json({ error: 'not found' });
  });
  router.use('/api', api);
}
