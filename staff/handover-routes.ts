/**
 * One handover's page and the forms on it: claim (or take over), add a note, resolve, and a
 * lead's erasure. Every read or change goes through the store's access-checked methods, so a
 * handover of another locality gets exactly the same 404 as one that does not exist. After
 * an action the page returns to where the officer was (the section, as the redirect's
 * fragment) with a confirmation; a refused action shows the page again with the reason.
 */
import type { Request, Response, Router } from 'express';
import { NoteText, Outcome, normaliseReference, type StaffPrincipal } from '../handover/schema.js';
import { HandoverNotFoundError, HandoverStateError, HandoverValidationError } from '../handover/store.js';
import { OUTCOME_LABELS } from './format.js';
import { field, OptionalNote } from './request.js';
import type { StaffSite } from './site.js';
import { handoverPage, messagePage, type FieldError, type FlashSection } from './views.js';

const FLASH: Record<string, string> = {
  claimed: 'You have claimed this request.',
  'taken-over': 'You have taken over this request.',
  'note-added': 'Your note has been added.',
  resolved: 'The request has been resolved.',
  erased: "The family's personal details have been erased.",
};
/** After an action the page returns to where the officer was: the section it was in, as the redirect's fragment. */
const FLASH_SECTION: Record<string, FlashSection> = { claimed: 'claim', 'taken-over': 'claim', 'note-added': 'notes', resolved: 'resolve' };

type FormValues = { note?: string; resolveNote?: string; outcome?: string };

export function addHandoverPages(router: Router, site: StaffSite): void {
  const { store, log, now } = site;

  const notFoundPage = (req: Request, res: Response) =>
    site.sendPage(res, 404, messagePage(site.context(req), 'Request not found', 'There is no request with that reference that you can see.'));

  /** Renders a handover page; 404 when it is missing or not theirs. */
  const showHandover = async (
    req: Request,
    res: Response,
    status: number,
    extra: { flash?: string; flashSection?: FlashSection; errors?: FieldError[]; form?: FormValues } = {},
  ) => {
    const { principal } = site.sessionOf(req);
    const reference = normaliseReference(String(req.params.reference ?? ''));
    const handover = reference ? await store.getHandoverFor(principal, reference) : null;
    if (!handover) return notFoundPage(req, res);
    const [notes, events] = await Promise.all([store.listNotes(handover.reference, principal), store.listEvents(handover.reference)]);
    if (status === 200) {
      await store.audit({ actor: principal.email, action: 'handover-viewed', subject: handover.reference, detail: { via: 'page' } }, now());
      log.info({ staffAction: 'view', reference: handover.reference, staff: principal.email }, 'staff opened a handover');
    }
    site.sendPage(res, status, handoverPage(site.context(req), { handover, notes, events, now: now(), routeTitle: site.routeTitle, publicUrl: site.publicUrl, ...extra }));
  };

  router.get('/handovers/:reference', async (req, res) => {
    const key = typeof req.query.done === 'string' ? req.query.done : '';
    const done = FLASH[key];
    await showHandover(req, res, 200, done ? { flash: done, flashSection: FLASH_SECTION[key] } : {});
  });

  /** Runs a staff change from a form; maps store errors to pages. */
  const formAction =
    (
      name: string,
      run: (req: Request, res: Response, principal: StaffPrincipal, reference: string) => Promise<FieldError[] | string>,
      form: (req: Request) => FormValues = () => ({}),
    ) =>
    async (req: Request, res: Response) => {
      const { principal } = site.sessionOf(req);
      const reference = normaliseReference(String(req.params.reference ?? ''));
      if (!reference) return notFoundPage(req, res);
      try {
        const result = await run(req, res, principal, reference);
        if (typeof result === 'string') {
          const section = FLASH_SECTION[result];
          res.redirect(303, `${site.base(req)}/handovers/${reference}?done=${result}${section ? `#${section}` : ''}`);
          return;
        }
        await showHandover(req, res, 400, { errors: result, form: form(req) });
      } catch (error) {
        if (error instanceof HandoverNotFoundError) return notFoundPage(req, res);
        if (error instanceof HandoverStateError || error instanceof HandoverValidationError) {
          log.info({ staffAction: name, reference, staff: principal.email, refused: error.name }, 'staff action refused');
          const message =
            error instanceof HandoverValidationError
              ? 'That could not be saved. Check what you entered and try again.'
              : `That could not be done: the request has changed (for example it was closed or claimed by someone else). The page below shows it as it is now.`;
          await showHandover(req, res, 409, { errors: [{ field: '', message }], form: form(req) });
          return;
        }
        throw error;
      }
    };

  router.post(
    '/handovers/:reference/claim',
    formAction('claim', async (req, _res, principal, reference) => {
      const takeOver = field(req.body, 'takeOver') === '1';
      await store.claimHandover(reference, principal, { takeOver });
      log.info({ staffAction: 'claim', reference, staff: principal.email, takeOver }, 'staff claimed a handover');
      return takeOver ? 'taken-over' : 'claimed';
    }),
  );

  router.post(
    '/handovers/:reference/notes',
    formAction(
      'note',
      async (req, _res, principal, reference) => {
        const text = NoteText.safeParse(field(req.body, 'note'));
        if (!text.success) return [{ field: 'note-text', message: 'Enter a note of up to 2000 characters' }];
        const note = await store.addNote(reference, principal, text.data);
        log.info({ staffAction: 'note', reference, staff: principal.email, noteId: note.id }, 'staff added a note');
        return 'note-added';
      },
      (req) => ({ note: field(req.body, 'note').slice(0, 2000) }),
    ),
  );

  router.post(
    '/handovers/:reference/resolve',
    formAction(
      'resolve',
      async (req, _res, principal, reference) => {
        const errors: FieldError[] = [];
        const outcome = Outcome.safeParse(field(req.body, 'outcome'));
        if (!outcome.success) errors.push({ field: 'outcome', message: 'Choose an outcome' });
        const note = OptionalNote.safeParse(field(req.body, 'note'));
        if (!note.success) errors.push({ field: 'resolve-note', message: 'The closing note must be up to 2000 characters' });
        if (!outcome.success || !note.success) return errors;
        const text = note.data?.trim() ? note.data : undefined;
        await store.resolveHandover(reference, principal, outcome.data, text);
        log.info({ staffAction: 'resolve', reference, staff: principal.email, outcome: outcome.data }, 'staff resolved a handover');
        return 'resolved';
      },
      (req) => ({
        outcome: field(req.body, 'outcome') in OUTCOME_LABELS ? field(req.body, 'outcome') : '',
        resolveNote: field(req.body, 'note').slice(0, 2000),
      }),
    ),
  );

  router.post(
    '/handovers/:reference/erase',
    formAction('erase', async (req, _res, principal, reference) => {
      if (principal.role !== 'lead') throw new HandoverNotFoundError(reference); // leads only; officers get "not found"
      const reason = field(req.body, 'reason').trim();
      if (!reason || reason.length > 200) return [{ field: 'erase-reason', message: 'Say why, in up to 200 characters' }];
      await store.eraseHandover(reference, principal.email, reason, now());
      const conversations = (await site.deps.eraseConversations?.(reference)) ?? 0;
      log.info({ staffAction: 'erase', reference, staff: principal.email, conversations }, 'staff erased a handover');
      return 'erased';
    }),
  );
}
