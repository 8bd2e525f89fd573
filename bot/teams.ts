/**
 * What only Teams does: locality channels that receive a card for each new handover, the
 * card's claim and resolve buttons, and the proactive sender the outbox worker calls.
 *
 * A locality team links its channel by @mentioning the bot with "link locality north"
 * (the conversation reference is stored). Cards carry no contact details: staff open the
 * staff page, behind sign-in, for those.
 */
import { URGENCY_LABELS } from '../triage/schema.js';
import type { AdaptiveCard } from '@microsoft/teams-ai';
import type { Application, TeamsAdapter, TurnState } from '@microsoft/teams-ai';
import { type Attachment, TurnContext, type ConversationReference } from 'botbuilder';
import type { Logger } from 'pino';
import type { RouteGuide } from '../triage/engine.js';
import { localityData } from '../triage/locality.js';
import { HandoverNotice, Outcome, type Handover, type StaffPrincipal } from '../handover/schema.js';
import type { AuditLog, ChannelLinks, HandoverCasework, OutboxRow, StaffDirectory } from '../handover/store.js';
import { ADAPTIVE_CARD } from './render.js';
import { allowListRefusal, tenantRefusal, type LinkRequest, type TeamsLinks } from './teams-links.js';

export type TeamsDeps = {
  store: HandoverCasework & StaffDirectory & ChannelLinks & AuditLog;
  publicUrl: string;
  routes: RouteGuide;
  logger: Logger;
  /** Who may link channels (teams-links.yaml) and the service's own tenant (MicrosoftAppTenantId). */
  links: TeamsLinks;
  serviceTenant: string | null;
};


const cardTime = new Intl.DateTimeFormat('en-GB', { weekday: 'short', day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit', timeZone: 'Europe/London' });

function londonTime(iso: string): string {
  return cardTime.format(new Date(iso));
}

function localityName(id: string | null): string {
  if (!id) return 'Front door leads (no locality)';
  return localityData().localities.find((l) => l.id === id)?.name ?? id;
}

/** The card posted to a locality channel: the summary without contact details. */
export function handoverCard(handover: Handover, deps: Pick<TeamsDeps, 'publicUrl' | 'routes'>): AdaptiveCard {
  const primary = handover.triage?.routes[0];
  const routeTitle = primary ? deps.routes[primary.id].title : 'Not known';
  const statusLine =
    handover.status === 'closed'
      ? `Resolved${handover.outcome ? `: ${handover.outcome}` : ''}`
      : handover.status === 'with-officer'
        ? `Claimed by ${handover.claimedBy ?? 'an officer'}`
        : 'Waiting to be claimed';
  const body: Record<string, unknown>[] = [
    {
      type: 'Container',
      style: handover.urgency === 'immediate' ? 'attention' : handover.urgency === 'priority' ? 'warning' : 'emphasis',
      items: [{ type: 'TextBlock', text: `New DEAL handover ${handover.reference}`, weight: 'Bolder', size: 'Medium', wrap: true }],
    },
    {
      type: 'FactSet',
      facts: [
        { title: 'Urgency', value: URGENCY_LABELS[handover.urgency] },
        { title: 'Due', value: londonTime(handover.dueAt) },
        { title: 'Route', value: routeTitle },
        { title: 'Locality', value: localityName(handover.localityId) },
        { title: 'Asked by', value: `${handover.requester} via ${handover.channel === 'teams' ? 'Teams' : 'web chat'}` },
        { title: 'Status', value: statusLine },
      ],
    },
    ...(primary ? [{ type: 'TextBlock', text: primary.reasons.join(' '), wrap: true, isSubtle: true }] : []),
    ...(handover.triage && handover.triage.routes.length > 1
      ? [{ type: 'TextBlock', text: `Also: ${handover.triage.routes.slice(1).map((r) => deps.routes[r.id].title).join('; ')}`, wrap: true, size: 'Small' }]
      : []),
  ];
  const open = { type: 'Action.OpenUrl', title: 'Open in the staff page', url: `${deps.publicUrl}/staff/handovers/${handover.reference}` };
  const actions: Record<string, unknown>[] =
    handover.status === 'closed'
      ? [open]
      : [
          open,
          { type: 'Action.OpenUrl', title: 'Join the live chat', url: `${deps.publicUrl}/staff/live/${handover.reference}` }, // live chat (staff/live.ts)
          ...(handover.status === 'received'
            ? [{ type: 'Action.Execute', title: 'Claim', verb: 'handover.claim', data: { reference: handover.reference } }]
            : []),
          {
            type: 'Action.ShowCard',
            title: 'Resolve',
            card: {
              type: 'AdaptiveCard',
              body: [
                {
                  type: 'Input.ChoiceSet',
                  id: 'outcome',
                  label: 'Outcome',
                  isRequired: true,
                  errorMessage: 'Choose an outcome',
                  choices: Outcome.options.map((o) => ({ title: o.replace(/-/g, ' '), value: o })),
                },
              ],
              actions: [{ type: 'Action.Execute', title: 'Resolve', verb: 'handover.resolve', data: { reference: handover.reference } }],
            },
          },
        ];
  return {
    type: 'AdaptiveCard',
    $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
    version: '1.5',
    body,
    actions,
  } as unknown as AdaptiveCard;
}

/** A channel's own id: a thread's conversation id is the channel id plus ";messageid=<root>". */
export function channelConversationId(id: string): string {
  return id.split(';messageid=')[0]!;
}

/** The active staff account of the person who sent this activity (by Entra ID object id), or null: rights are the person's, never the channel's. */
async function staffOf(store: StaffDirectory, context: TurnContext): Promise<StaffPrincipal | null> {
  const aad = context.activity.from?.aadObjectId;
  const record = aad ? await store.getStaffByAad(aad) : null;
  return record && record.disabledAt === null ? { email: record.email, role: record.role, localityId: record.localityId } : null;
}

/** The Bot Framework's own tenant (botframework.com): a `tid` of it says nothing about the sender's organisation. */
const BOT_FRAMEWORK_TENANT = 'd6d49420-f39b-4df7-a1dc-d59a935871db';

/** The organisation's tenant in the signed token's claims (`tid`), when botbuilder verified one that is not the Bot Framework's own. */
function tokenTenant(context: TurnContext): string | null {
  const identity = context.turnState.get(context.adapter.BotIdentityKey) as { claims?: { type: string; value: string }[] } | undefined;
  const tid = identity?.claims?.find((c) => c.type === 'tid')?.value ?? null;
  return tid && tid.toLowerCase() !== BOT_FRAMEWORK_TENANT ? tid : null;
}

/** The facts the allow-list check needs, from a Teams activity. */
function linkRequestOf(context: TurnContext): LinkRequest {
  const data = (context.activity.channelData ?? {}) as { tenant?: { id?: unknown }; team?: { id?: unknown; aadGroupId?: unknown } };
  const activityTenant = context.activity.conversation.tenantId ?? (typeof data.tenant?.id === 'string' ? data.tenant.id : null);
  const teamIds = [data.team?.id, data.team?.aadGroupId].filter((t): t is string => typeof t === 'string');
  return { activityTenant, tokenTenant: tokenTenant(context), teamIds, aadObjectId: context.activity.from?.aadObjectId ?? null };
}

const LINK = /^\s*link (?:this channel to |locality )?(.+?)\s*$/i;

/** The locality (or 'lead') a "link locality X" names, or null. */
function linkTarget(text: string): { id: string; name: string } | null {
  const wanted = LINK.exec(text)?.[1]?.toLowerCase() ?? '';
  if (wanted === 'lead' || wanted === 'leads' || wanted === 'front door') return { id: 'lead', name: 'front door leads' };
  const l = localityData().localities.find((x) => x.id === wanted || x.name.toLowerCase() === wanted);
  return l ? { id: l.id, name: l.name } : null;
}

/** Links the channel to a locality: only from our tenant, only as the allow-list or a lead permits; changing an existing link needs a lead; audited. */
async function linkChannel(context: TurnContext, deps: TeamsDeps): Promise<string> {
  const { store, logger } = deps;
  const match = linkTarget(context.activity.text ?? '');
  if (!match) return `I don't know that locality. Try one of: ${localityData().localities.map((l) => l.id).join(', ')}, or "lead".`;
  const request = linkRequestOf(context);
  const staff = await staffOf(store, context);
  const lead = staff?.role === 'lead';
  const refusal = tenantRefusal(deps.links, deps.serviceTenant, request) ?? (lead ? null : allowListRefusal(deps.links, match.id, request));
  const reference = TurnContext.getConversationReference(context.activity);
  const channelId = channelConversationId(reference.conversation!.id);
  const existing = (await store.getChannelReference(match.id)) as Partial<ConversationReference> | null;
  const existingId = existing?.conversation?.id ? channelConversationId(existing.conversation.id) : null;
  if (refusal) {
    logger.warn({ locality: match.id, reason: refusal }, 'teams: channel link refused');
    return `I can't link this channel to ${match.name}: ${refusal}. Ask a DEAL lead.`;
  }
  if (existingId === channelId) return `This channel is already linked to ${match.name}.`;
  if (existingId && !lead) {
    logger.warn({ locality: match.id }, 'teams: channel link refused: already linked elsewhere');
    return `${match.name} is already linked to another channel; only a DEAL lead can change that.`;
  }
  // Store the channel itself, not the thread of this message, so each card is a new post.
  const conversation = { ...reference.conversation!, id: channelId };
  await store.saveChannelReference(match.id, { ...reference, conversation, activityId: undefined }, new Date());
  const actor = staff?.email ?? `teams:${(request.aadObjectId ?? 'unknown').slice(0, 120)}`;
  await store.audit({ actor, action: existingId ? 'channel-relinked' : 'channel-linked', subject: match.id, detail: { channel: channelId.slice(0, 200), previous: existingId?.slice(0, 200) ?? null } }, new Date());
  logger.info({ locality: match.id, relinked: Boolean(existingId) }, 'teams: channel linked to locality');
  return `This channel will now get a card for each new handover for ${match.name}.`;
}

export function configureTeams(app: Application<TurnState>, deps: TeamsDeps): void {
  const { store, logger } = deps;

  app.message(LINK, async (context) => {
    if (context.activity.channelId !== 'msteams' || context.activity.conversation.conversationType !== 'channel') {
      await context.sendActivity('Locality links are made in a team channel: @mention me there with "link locality north".');
      return;
    }
    await context.sendActivity(await linkChannel(context, deps));
  });

  const act = async (context: TurnContext, data: { reference?: unknown; outcome?: unknown }, action: 'claim' | 'resolve') => {
    const reference = typeof data.reference === 'string' ? data.reference : '';
    const principal = await staffOf(store, context);
    if (!principal) return 'You need a DEAL staff account linked to your Microsoft account to do this: ask a DEAL lead.';
    if ((deps.serviceTenant ?? deps.links.tenantId) && tenantRefusal(deps.links, deps.serviceTenant, linkRequestOf(context))) {
      return 'This action is only accepted from our own organisation.';
    }
    const found = await store.getHandoverFor(principal, reference);
    if (!found) return 'That handover was not found for you.';
    try {
      const updated =
        action === 'claim'
          ? await store.claimHandover(reference, principal)
          : await store.resolveHandover(reference, principal, Outcome.parse(data.outcome));
      logger.info({ reference, action, locality: found.localityId }, 'teams: card action');
      return handoverCard(updated, deps);
    } catch (error) {
      return error instanceof Error && error.name === 'ZodError' ? 'Please choose an outcome.' : `Could not ${action}: ${(error as Error).message}`;
    }
  };
  app.adaptiveCards.actionExecute('handover.claim', (context, _state, data) => act(context, data, 'claim'));
  app.adaptiveCards.actionExecute('handover.resolve', (context, _state, data) => act(context, data, 'resolve'));
}

/**
 * Sends a handover card to its locality's channel; the outbox worker calls this and retries
 * on failure. Throws when the channel is unknown, so the row waits until one is linked.
 */
export function createTeamsSender(opts: { adapter: TeamsAdapter; botAppId: string; deps: TeamsDeps }) {
  const { adapter, botAppId, deps } = opts;
  return async (row: OutboxRow): Promise<void> => {
    const notice = HandoverNotice.parse(row.payload);
    const reference = (await deps.store.getChannelReference(row.target)) as Partial<ConversationReference> | null;
    if (!reference) throw new Error(`no Teams channel is linked for ${row.target}`);
    const handover = await deps.store.getHandover(notice.reference);
    if (!handover) throw new Error('handover not found');
    const attachment: Attachment = { contentType: ADAPTIVE_CARD, content: handoverCard(handover, deps) };
    // A failed send must reach the outbox worker so that it retries. Thrown inside the turn it
    // would reach the adapter's onTurnError instead, which posts an apology to the channel
    // and, when that succeeds, swallows the error (the row would be marked delivered).
    let failure: unknown;
    await adapter.continueConversationAsync(botAppId, reference, async (context) => {
      try {
        await context.sendActivity({ type: 'message', attachments: [attachment], summary: `New DEAL handover ${handover.reference}` });
      } catch (error) {
        failure = error;
      }
    });
    if (failure !== undefined) throw failure;
  };
}
