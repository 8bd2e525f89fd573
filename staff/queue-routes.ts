/**
 * The queue (GET / on the staff site): the requests this member of staff may see, filtered
 * by status and, for a lead, by locality. Officers always get their own locality, whatever
 * the query says. `listFilters` is shared with the JSON API's list.
 */
import type { Request, Router } from 'express';
import type { HandoverStatus, StaffPrincipal } from '../handover/schema.js';
import { scopeFor, type HandoverScope } from '../handover/store.js';
import type { StaffSite } from './site.js';
import { queuePage, type StatusFilter } from './views.js';

export const LIST_LIMIT = 200;

export interface ListFilters {
  status: StatusFilter;
  scope: HandoverScope;
  /** The lead's locality choice: 'all', a locality id, or 'none'. */
  selected: string;
  statuses: HandoverStatus[] | undefined;
  includePurged: boolean;
}

/** The scope and filters for a list request: officers always get their own locality. */
export function listFilters(site: StaffSite, principal: StaffPrincipal, query: Request['query']): ListFilters {
  const status: StatusFilter = query.status === 'closed' || query.status === 'all' ? query.status : 'open';
  let scope: HandoverScope = scopeFor(principal);
  let selected = 'all';
  if (principal.role === 'lead' && typeof query.locality === 'string') {
    if (site.localityNames.has(query.locality)) {
      scope = { localities: [query.locality] };
      selected = query.locality;
    } else if (query.locality === 'none') {
      scope = { localities: [null] };
      selected = 'none';
    }
  }
  const statuses: HandoverStatus[] | undefined =
    status === 'open' ? ['received', 'with-officer'] : status === 'closed' ? ['closed'] : undefined;
  return { status, scope, selected, statuses, includePurged: status !== 'open' };
}

export const listFiltered = (site: StaffSite, f: ListFilters) =>
  site.store.listHandovers({ scope: f.scope, ...(f.statuses ? { statuses: f.statuses } : {}), includePurged: f.includePurged, limit: LIST_LIMIT });

export function addQueue(router: Router, site: StaffSite): void {
  router.get('/', async (req, res) => {
    const { principal } = site.sessionOf(req);
    const f = listFilters(site, principal, req.query);
    const handovers = await listFiltered(site, f);
    const page = queuePage(site.context(req), {
      handovers,
      now: site.now(),
      routeTitle: site.routeTitle,
      status: f.status,
      truncated: handovers.length >= LIST_LIMIT,
      ...(principal.role === 'lead'
        ? { localityFilter: { options: site.localities.map((l) => ({ id: l.id, name: l.name })), selected: f.selected } }
        : {}),
    });
    site.sendPage(res, 200, page);
  });
}
