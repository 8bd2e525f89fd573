/**
 * What only Teams does: locality channels that receive a card for each new handover, the
 * card's claim and resolve buttons, and the proactive sender the outbox worker calls.
 *
 * A locality team links its channel by @mentioning the bot with "link locality north"
 * (the conversation reference is stored). Cards carry no contact details: staff open the
 * staff page, behind sign-in, for those.
 */
import type { AdaptiveCard } from '@microsoft/teams-ai';
import type { Application, TeamsAdapter, TurnState } from '@microsoft/teams-ai';
import { type Attachment, TurnContext, type ConversationReference } from 'botbuilder';
import type { Logger } from 'pino';
import type { RouteGuide } from '../triage/engine.js';
import { localityData } from '../triage/locality.js';
import { HandoverNotice, Outcome, type Handover, type StaffPrincipal } from '../handover/schema.js';
import type { HandoverStore, OutboxRow } from '../handover/store.js';
import { ADAPTIVE_CARD } from './render.js';

export type TeamsDeps = {
  store: HandoverStore;
  publicUrl: string;
  routes: RouteGuide;
  logger: Logger;
};

const URGENCY_LABEL = { immediate: 'Immediate', priority: 'Priority', routine: 'Routine' } as const;

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
        { title: 'Urgency', value: URGENCY_LABEL[handover.urgency] },
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

/** Whoever presses a card button in a locality channel acts as an officer of that locality. */
function teamsPrincipal(context: TurnContext, localityId: string | null): StaffPrincipal {
  const from = context.activity.from;
  const who = (from.aadObjectId ?? from.id).slice(0, 120);
  return { email: `teams:${who}`, role: localityId ? 'officer' : 'lead', localityId };
}

/** A channel's own id: a thread's conversation id is the channel id plus ";messageid=<root>". */
export function channelConversationId(id: string): string {
  return id.split(';messageid=')[0]!;
}

/** The locality whose channel this is, or undefined if the channel is not linked. */
async function channelLocality(store: HandoverStore, context: TurnContext): Promise<string | null | undefined> {
  const conversationId = channelConversationId(context.activity.conversation.id);
  for (const { target, reference } of await store.listChannelReferences()) {
    const linked = (reference as Partial<ConversationReference>).conversation?.id;
    if (linked && channelConversationId(linked) === conversationId) return target === 'lead' ? null : target;
  }
  return undefined;
}

const LINK = /^\s*link (?:this channel to |locality )?(.+?)\s*$/i;

export function configureTeams(app: Application<TurnState>, deps: TeamsDeps): void {
  const { store, logger } = deps;

  app.message(LINK, async (context) => {
    if (context.activity.channelId !== 'msteams' || context.activity.conversation.conversationType !== 'channel') {
      await context.sendActivity('Locality links are made in a team channel: @mention me there with "link locality north".');
      return;
    }
    const wanted = LINK.exec(context.activity.text ?? '')?.[1]?.toLowerCase() ?? '';
    const localities = localityData().localities;
    const match =
      wanted === 'lead' || wanted === 'leads' || wanted === 'front door'
        ? { id: 'lead', name: 'front door leads' }
        : localities.find((l) => l.id === wanted || l.name.toLowerCase() === wanted);
    if (!match) {
      await context.sendActivity(`I don't know that locality. Try one of: ${localities.map((l) => l.id).join(', ')}, or "lead".`);
      return;
    }
    // Store the channel itself, not the thread of this message, so each card is a new post.
    const reference = TurnContext.getConversationReference(context.activity);
    const conversation = { ...reference.conversation!, id: channelConversationId(reference.conversation!.id) };
    await store.saveChannelReference(match.id, { ...reference, conversation, activityId: undefined }, new Date());
    logger.info({ locality: match.id }, 'teams: channel linked to locality');
    await context.sendActivity(`This channel will now get a card for each new handover for ${match.name}.`);
  });

  const act = async (context: TurnContext, data: { reference?: unknown; outcome?: unknown }, action: 'claim' | 'resolve') => {
    const reference = typeof data.reference === 'string' ? data.reference : '';
    const localityId = await channelLocality(store, context);
    if (localityId === undefined) return 'This channel is not linked to a locality.';
    const principal = teamsPrincipal(context, localityId);
    const found = await store.getHandoverFor(principal, reference);
    if (!found) return 'That handover was not found for this locality.';
    try {
      const updated =
        action === 'claim'
          ? await store.claimHandover(reference, principal)
          : await store.resolveHandover(reference, principal, Outcome.parse(data.outcome));
      logger.info({ reference, action, locality: localityId }, 'teams: card action');
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
