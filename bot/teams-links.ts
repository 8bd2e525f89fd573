/**
 * The allow-list of who may link a Teams channel to a locality (`teams-links.yaml`), validated
 * with zod at load (a bad file stops the server, naming the file and the field), and the check
 * itself, so that an unsigned or foreign activity can never make a channel receive handovers.
 */
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { DataFileError, loadYaml, shownPath } from '../text/load-yaml.js';

export const DEFAULT_TEAMS_LINKS_FILE = fileURLToPath(new URL('./teams-links.yaml', import.meta.url));

const Guid = z.string().regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i, 'must be a GUID');

/** Who may link one locality's channel: teams and people (both lists apply when both are given). */
export const LinkRule = z
  .object({
    teams: z.array(z.string().min(1).max(200)).default([]),
    people: z.array(Guid).default([]),
  })
  .strict();

export const TeamsLinks = z
  .object({
    tenantId: Guid.nullish(),
    localities: z.record(z.string().regex(/^[a-z0-9-]{1,40}$/, 'must be a locality id or "lead"'), LinkRule).default({}),
  })
  .strict();
export type TeamsLinks = z.infer<typeof TeamsLinks>;

/** Reads and validates the allow-list; throws naming the file and each bad field. */
export function loadTeamsLinks(file: string = DEFAULT_TEAMS_LINKS_FILE, knownTargets?: readonly string[]): TeamsLinks {
  const links = loadYaml(file, z.preprocess((raw) => raw ?? {}, TeamsLinks));
  const unknown = knownTargets ? Object.keys(links.localities).filter((k) => !knownTargets.includes(k)) : [];
  if (unknown.length) throw new DataFileError(`${shownPath(file)}: localities.${unknown[0]}: not a locality id (one of ${knownTargets!.join(', ')})`);
  return links;
}

/** What a link request carries that the check needs: the tenants (activity's and token's), the team and the person. */
export type LinkRequest = { activityTenant: string | null; tokenTenant: string | null; teamIds: string[]; aadObjectId: string | null };

/** Why the request is not from the service's tenant (null when it is): the activity's and, when present, the signed token's. */
export function tenantRefusal(links: TeamsLinks, serviceTenant: string | null, request: LinkRequest): string | null {
  const tenant = (serviceTenant ?? links.tenantId ?? '').toLowerCase();
  if (!tenant) return 'no tenant is configured (MicrosoftAppTenantId)';
  if ((request.activityTenant ?? '').toLowerCase() !== tenant) return 'the activity is not from our tenant';
  if (request.tokenTenant !== null && request.tokenTenant.toLowerCase() !== tenant) return "the token's tenant is not ours";
  return null;
}

/** Why the allow-list does not let this team and person link `target` (null when it does). */
export function allowListRefusal(links: TeamsLinks, target: string, request: LinkRequest): string | null {
  const rule = links.localities[target];
  if (!rule || (rule.teams.length === 0 && rule.people.length === 0)) return 'nobody is allowed to link this locality';
  if (rule.teams.length && !request.teamIds.some((t) => rule.teams.includes(t))) return 'this team is not allowed for this locality';
  const person = (request.aadObjectId ?? '').toLowerCase();
  if (rule.people.length && !rule.people.some((p) => p.toLowerCase() === person)) return 'this person is not allowed to link this locality';
  return null;
}
