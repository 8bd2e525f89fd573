/**
 * Live chat's channel (the `LiveChannel` port of conversation/live-chat.ts): how an officer's
 * messages reach a family's chat when no turn asked for them, on every channel.
 *
 * - Linking: when a turn leaves a new handover reference in the conversation state (the family
 *   has just been given it), an afterTurn handler stores the conversation's reference under
 *   `deal-live/handovers/<reference>` in the bot's own state storage. No handover table
 *   changes; it expires with idle conversation state. An erasure deletes the conversation's
 *   state, so a link left behind leads nowhere (and an erased request is closed: no one joins).
 * - Sending: web chat on the embedded Direct Line gets the activity on its open stream
 *   (`DirectLine.sendToConversation`); Teams and Azure Direct Line get it through the Bot
 *   Framework connector with `continueConversationAsync`.
 * - State: the conversation's stored state (Teams AI's conversation scope, key `deal`) is read
 *   and changed here with its eTag, retried on a conflict with a turn.
 */
import type { Application, TeamsAdapter, TurnState } from '@microsoft/teams-ai';
import { TurnContext, type Activity, type ConversationReference, type Storage } from 'botbuilder';
import type { LiveChannel, LiveLink } from '../conversation/live-chat.js';
import type { Reply } from '../conversation/replies.js';
import { type ConversationData, readConversation } from '../conversation/state.js';
import type { DirectLine } from './directline.js';
import { renderReply } from './render.js';
import type { TurnHooks } from './app.js';

/** bot/app.ts keeps the ConversationData under this key of Teams AI's conversation scope. */
const STATE_KEY = 'deal';
const LINK_PREFIX = 'deal-live/handovers/';
const LINKED = 'dealLiveLinked';

/** No reference in the value (only in the key): an erasure's `eraseMentioning` counts conversations, and this is none. */
type StoredLink = { where: LiveLink['where']; embedded: boolean; stateKey: string; address: Partial<ConversationReference> };

export type ProactiveDeps = {
  storage: Storage;
  directLine: DirectLine;
  /** The adapter the embedded Direct Line runs turns on: conversations on it are sent to over their stream. */
  embeddedAdapter: TeamsAdapter;
  /** Sends over the connector (Teams, Azure Direct Line). */
  adapter: TeamsAdapter;
  /** The bot's app id (none in local development, where the connector is called without a token). */
  botAppId: string | undefined;
};

/** While an officer is in the chat, the bot's typing activity is dropped (the family would see the assistant "typing" when it will not answer). */
function dropTypingWhileLive(context: TurnContext, data: Readonly<ConversationData>): void {
  if (!data.live) return;
  context.onSendActivities(async (_context, activities, next) => {
    const kept = activities.filter((activity) => activity.type !== 'typing');
    activities.splice(0, activities.length, ...kept); // what handlers before this one see as sent
    return kept.length > 0 ? next() : [];
  });
}

/** After a turn that gave the family a new reference, records which conversation it was given in (see the header); true when `scope` changed. */
async function linkNewReference(
  context: TurnContext,
  data: Readonly<ConversationData>,
  scope: Record<string, unknown>,
  deps: Pick<ProactiveDeps, 'storage' | 'embeddedAdapter'>,
): Promise<boolean> {
  const reference = data.references.at(-1);
  if (!reference || scope[LINKED] === reference) return false;
  const activity = context.activity;
  const embedded = context.adapter === deps.embeddedAdapter;
  const link: StoredLink = {
    where: embedded ? 'web chat' : activity.channelId === 'msteams' ? 'Teams' : 'Direct Line',
    embedded,
    stateKey: `${activity.channelId}/${activity.recipient.id}/conversations/${activity.conversation.id}`, // the conversation state's key (bot/app.ts)
    address: TurnContext.getConversationReference(activity),
  };
  await deps.storage.write({ [LINK_PREFIX + reference]: { ...link, eTag: '*' } });
  scope[LINKED] = reference;
  return true;
}

/** The same two steps around a Teams turn (Teams AI's Application). */
export function linkHandovers(app: Application<TurnState>, deps: Pick<ProactiveDeps, 'storage' | 'embeddedAdapter'>): void {
  const scopeOf = (state: TurnState) => state.conversation as unknown as Record<string, unknown>;
  const dataOf = (state: TurnState) => readConversation(scopeOf(state)[STATE_KEY]);
  app.turn('beforeTurn', async (context, state) => (dropTypingWhileLive(context, dataOf(state)), true));
  app.turn('afterTurn', async (context, state) => (await linkNewReference(context, dataOf(state), scopeOf(state), deps), true));
}

/** The same two steps around a web chat or Direct Line turn (bot/app.ts's plain turn). */
export function linkHandoverHooks(deps: Pick<ProactiveDeps, 'storage' | 'embeddedAdapter'>): TurnHooks {
  return { before: dropTypingWhileLive, after: (context, data, scope) => linkNewReference(context, data, scope, deps) };
}

const isConflict = (error: unknown) => error instanceof Error && /eTag/i.test(error.message);

export function createLiveChannel(deps: ProactiveDeps): LiveChannel {
  const stored = (link: LiveLink) => link.address as StoredLink;
  const readItem = async (link: LiveLink) => (await deps.storage.read([stored(link).stateKey]))[stored(link).stateKey] as Record<string, unknown> | undefined;

  return {
    async find(reference) {
      const item = (await deps.storage.read([LINK_PREFIX + reference]))[LINK_PREFIX + reference] as StoredLink | undefined;
      return item?.stateKey ? { reference, where: item.where, address: item } : null;
    },

    async read(link) {
      const item = await readItem(link);
      return item ? readConversation(item[STATE_KEY]) : null;
    },

    async update(link, change: (state: ConversationData) => void) {
      for (let attempt = 0; ; attempt++) {
        const item = await readItem(link);
        if (!item) return null;
        const data = readConversation(item[STATE_KEY]);
        change(data);
        try {
          await deps.storage.write({ [stored(link).stateKey]: { ...item, [STATE_KEY]: data } });
          return data;
        } catch (error) {
          if (!isConflict(error) || attempt >= 4) throw error;
        }
      }
    },

    async send(link, replies: Reply[]) {
      const target = stored(link);
      const channel = target.where === 'Teams' ? 'teams' : 'webchat';
      const activities = replies.map((reply) => renderReply(reply, channel));
      if (target.embedded) {
        const id = target.address.conversation?.id ?? '';
        if (!(await deps.directLine.isOnline(id))) return false; // on any instance: the activity reaches its stream through the store
        for (const activity of activities) if ((await deps.directLine.sendToConversation(id, activity)) === null) return false;
        return true;
      }
      let failure: unknown;
      try {
        await deps.adapter.continueConversationAsync(deps.botAppId ?? '', target.address, async (context) => {
          try {
            for (const activity of activities) await context.sendActivity(activity as Partial<Activity>);
          } catch (error) {
            failure = error; // thrown here it would reach onTurnError, which apologises to the family
          }
        });
      } catch (error) {
        failure = error; // no token, or the connector refused
      }
      return failure === undefined;
    },

    async online(link) {
      const target = stored(link);
      return target.embedded ? deps.directLine.isOnline(target.address.conversation?.id ?? '') : null;
    },
  };
}
