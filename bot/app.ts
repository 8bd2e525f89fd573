/**
 * The bot: runs each Bot Framework turn through the channel-neutral front door and renders its
 * replies. This file and the rest of `bot/` are the only places that know about botbuilder and
 * Teams AI.
 *
 * Two paths, one behaviour. Teams (channelId `msteams`) goes through the Teams AI `Application`,
 * whose features Teams uses: the routes of bot/teams.ts (channel links, card actions) and
 * removing the bot's @mention. Every other channel (web chat, the embedded Direct Line) is a
 * plain botbuilder turn: our one state key is read from the `Storage` once, the front door
 * answers, and the state is written once, under the same storage key Teams AI uses
 * (`channel/bot/conversations/id`, the value `{ deal: ... }`), so conversations started before
 * carry on. Teams AI itself is loaded on the first Teams turn, not at start-up.
 */
import type { Application, TurnState } from '@microsoft/teams-ai';
import { type Activity, ActivityTypes, type Storage, type StoreItems, TurnContext } from 'botbuilder';
import type { Channel, FrontDoor } from '../conversation/front-door.js';
import type { Reply } from '../conversation/replies.js';
import { type ConversationData, readConversation } from '../conversation/state.js';
import type { TeamsAdapter } from './adapter.js';
import { renderReply } from './render.js';
import { audienceOf } from '../conversation/audience.js';

export type BotHooks = {
  /**
   * Called for every turn with the channel, the replies and (read only) the conversation state after the turn, for metrics;
   * and what was typed and the audience answered, for insight (insight/recorder.ts redacts before keeping anything).
   */
  onTurn?: (info: { channel: Channel; replies: Reply[]; state: Readonly<ConversationData>; text: string; audience: 'family' | 'professional' }) => void;
  /** Called when a chat opens and is greeted (insight counts conversations by it). */
  onWelcome?: (info: { channel: Channel; replies: Reply[]; audience: 'family' | 'professional' }) => void;
  /** Extra Teams behaviour (channel registration, staff card actions); see bot/teams.ts. */
  configure?: (app: Application<TurnState>) => void;
  /** Around a web chat or Direct Line turn, with its stored conversation scope (live chat's links: bot/proactive.ts). */
  turn?: TurnHooks;
};

/**
 * Steps around a plain turn, given the conversation as read (validated once by the turn): `before`
 * ahead of the front door; `after` with the stored scope about to be saved, true when it changed it.
 */
export type TurnHooks = {
  before?: (context: TurnContext, data: Readonly<ConversationData>) => void;
  after?: (context: TurnContext, data: Readonly<ConversationData>, scope: Record<string, unknown>) => Promise<boolean>;
};

/** Runs one turn; a plain function, so adapters can take it as their turn logic. */
export type Bot = {
  run: (context: TurnContext) => Promise<void>;
  /** Loads Teams AI now rather than on the first Teams turn (a service that has Teams credentials calls it after start-up). */
  warmTeams: () => Promise<void>;
};

export function channelOf(context: TurnContext): Channel {
  return context.activity.channelId === 'msteams' ? 'teams' : 'webchat';
}

const STATE_KEY = 'deal';

/** The storage key of a conversation's state, as Teams AI's TurnState computes it (and with its checks). */
function conversationKey(activity: Activity): string {
  const { channelId } = activity;
  const botId = activity.recipient?.id;
  const conversationId = activity.conversation?.id;
  if (!channelId) throw new Error('missing context.activity.channelId');
  if (!botId) throw new Error('missing context.activity.recipient.id');
  if (!conversationId) throw new Error('missing context.activity.conversation.id');
  if (!activity.from?.id) throw new Error('missing context.activity.from.id');
  return `${channelId}/${botId}/conversations/${conversationId}`;
}

/** What a message says: its text, or the text of a card button that just "says" something; and the card's value without Teams' own part. */
function messageInput(activity: Activity): { text: string; value: unknown } {
  let value: unknown = activity.value;
  let text = typeof activity.text === 'string' ? activity.text : '';
  // A card button that just "says" something is treated as if it had been typed.
  if (value && typeof value === 'object' && (value as { action?: unknown }).action === 'say') {
    const said = (value as { text?: unknown }).text;
    text = typeof said === 'string' ? said : ''; // never String() a value a client chose: {"toString":1} throws
    value = undefined;
  }
  if (value && typeof value === 'object' && 'msteams' in value) {
    const { msteams: _ignored, ...rest } = value as Record<string, unknown>;
    value = rest;
  }
  return { text, value };
}

export function createBot(opts: { frontDoor: FrontDoor; storage: Storage; adapter: TeamsAdapter; hooks?: BotHooks }): Bot {
  const { frontDoor, storage, adapter, hooks } = opts;

  const send = async (context: TurnContext, replies: Reply[], channel: Channel) => {
    for (const reply of replies) await context.sendActivity(renderReply(reply, channel));
  };

  /** Who joined a chat that should be greeted: web chat greets the person who joined; Teams greets once, when the app is installed. */
  const shouldGreet = (context: TurnContext, channel: Channel) => {
    const { membersAdded = [], recipient } = context.activity;
    return channel === 'webchat' ? membersAdded.some((m) => m.id !== recipient.id) : membersAdded.some((m) => m.id === recipient.id);
  };

  const welcome = async (context: TurnContext, channel: Channel, data: ConversationData) => {
    const audience = audienceOf(channel, data);
    const replies = frontDoor.welcome(audience);
    await send(context, replies, channel);
    hooks?.onWelcome?.({ channel, replies, audience });
  };

  /** A message turn; mutates `data` into the state after the turn. */
  const message = async (context: TurnContext, channel: Channel, data: ConversationData) => {
    const { text, value } = messageInput(context.activity);
    const audience = audienceOf(channel, data);
    const replies = await frontDoor.handle({ text, value, channel, audience }, data);
    await send(context, replies, channel);
    hooks?.onTurn?.({ channel, replies, state: data, text, audience }); // state: for metrics (app/metrics.ts); text: for insight
  };

  /** Web chat, Direct Line and any channel but Teams: one read, the front door, at most one write. */
  const plainTurn = async (context: TurnContext) => {
    const { activity } = context;
    const isMessage = activity.type === ActivityTypes.Message;
    if (!isMessage && !(activity.type === ActivityTypes.ConversationUpdate && shouldGreet(context, 'webchat'))) return;
    if (isMessage) activity.text = TurnContext.removeRecipientMention(activity); // as Teams AI does, for any channel
    const key = conversationKey(activity);
    const stored = ((await storage.read([key])) as StoreItems)[key] as Record<string, unknown> | undefined;
    const before = JSON.stringify(stored?.[STATE_KEY]);
    const data = readConversation(stored?.[STATE_KEY]);
    const scope: Record<string, unknown> = { ...stored };
    hooks?.turn?.before?.(context, data);
    if (isMessage) {
      await context.sendActivity({ type: ActivityTypes.Typing }); // web chat shows it until the answer
      await message(context, 'webchat', data);
    } else await welcome(context, 'webchat', data);
    // Written only when it changed, as Teams AI does; the eTag read with it guards against a turn running beside this one.
    scope[STATE_KEY] = data;
    const changedByHooks = (await hooks?.turn?.after?.(context, data, scope)) ?? false;
    if (JSON.stringify(data) !== before || changedByHooks) await storage.write({ [key]: scope });
  };

  /** Teams: the Teams AI application, built on the first Teams turn (or by warmTeams). */
  let teamsApp: Promise<Application<TurnState>> | undefined;
  const teams = () =>
    (teamsApp ??= import('@microsoft/teams-ai').then(({ Application }) => {
      const app = new Application<TurnState>({ storage, adapter, startTypingTimer: false, removeRecipientMention: true, longRunningMessages: false });
      /** Teams AI keeps conversation state as a loosely typed bag; ours is one validated key in it. */
      const bag = (state: TurnState) => state.conversation as unknown as Record<string, unknown>;
      // Channel-specific routes first: Teams AI runs the first route that matches.
      hooks?.configure?.(app);
      app.conversationUpdate('membersAdded', async (context, state) => {
        if (shouldGreet(context, 'teams')) await welcome(context, 'teams', readConversation(bag(state)[STATE_KEY]));
      });
      app.activity(ActivityTypes.Message, async (context, state) => {
        const data = readConversation(bag(state)[STATE_KEY]);
        await message(context, 'teams', data);
        bag(state)[STATE_KEY] = data;
      });
      return app;
    }));

  return {
    run: async (context) => {
      if (context.activity.channelId === 'msteams') await (await teams()).run(context);
      else await plainTurn(context);
    },
    warmTeams: () => teams().then(() => undefined),
  };
}
