/**
 * The Teams AI `Application`: routes Bot Framework activities to the channel-neutral front
 * door and renders its replies. This file and the rest of `bot/` are the only places that
 * know about botbuilder and Teams AI.
 */
import { Application, TurnState } from '@microsoft/teams-ai';
import { ActivityTypes, type Storage, type TurnContext } from 'botbuilder';
import type { Channel, FrontDoor } from '../conversation/front-door.js';
import type { Reply } from '../conversation/replies.js';
import { type ConversationData, readConversation } from '../conversation/state.js';
import type { TeamsAdapter } from '@microsoft/teams-ai';
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
};

export function channelOf(context: TurnContext): Channel {
  return context.activity.channelId === 'msteams' ? 'teams' : 'webchat';
}

const STATE_KEY = 'deal';

/** Teams AI keeps conversation state as a loosely typed bag; ours is one validated key in it. */
const conversationOf = (state: TurnState) => state.conversation as unknown as Record<string, unknown>;

/** Runs one turn; a plain function (bound), so adapters can take it as their turn logic. */
export type Bot = { run: (context: TurnContext) => Promise<void> };

export function createBot(opts: {
  frontDoor: FrontDoor;
  storage: Storage;
  adapter: TeamsAdapter;
  hooks?: BotHooks;
}): Bot {
  const { frontDoor, storage, adapter, hooks } = opts;
  const app = new Application<TurnState>({
    storage,
    adapter,
    startTypingTimer: false,
    removeRecipientMention: true,
    longRunningMessages: false,
  });

  const send = async (context: TurnContext, replies: Reply[], channel: Channel) => {
    for (const reply of replies) await context.sendActivity(renderReply(reply, channel));
  };

  // Channel-specific routes first: Teams AI runs the first route that matches.
  hooks?.configure?.(app);

  app.conversationUpdate('membersAdded', async (context, state) => {
    const channel = channelOf(context);
    const others = (context.activity.membersAdded ?? []).filter((m) => m.id !== context.activity.recipient.id);
    const botAdded = (context.activity.membersAdded ?? []).some((m) => m.id === context.activity.recipient.id);
    // Web chat: greet the person who joined. Teams: greet once, when the app is installed.
    if ((channel === 'webchat' && others.length > 0) || (channel === 'teams' && botAdded)) {
      const data = readConversation(conversationOf(state)[STATE_KEY]);
      const audience = audienceOf(channel, data);
      const replies = frontDoor.welcome(audience);
      await send(context, replies, channel);
      hooks?.onWelcome?.({ channel, replies, audience });
    }
  });

  app.activity(ActivityTypes.Message, async (context, state) => {
    const channel = channelOf(context);
    if (channel === 'webchat') await context.sendActivity({ type: ActivityTypes.Typing }); // web chat shows it until the answer
    const data = readConversation(conversationOf(state)[STATE_KEY]);
    let value: unknown = context.activity.value;
    let text = typeof context.activity.text === 'string' ? context.activity.text : '';
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
    const audience = audienceOf(channel, data);
    const replies = await frontDoor.handle({ text, value, channel, audience }, data);
    conversationOf(state)[STATE_KEY] = data;
    await send(context, replies, channel);
    hooks?.onTurn?.({ channel, replies, state: data, text, audience }); // state: for metrics (app/metrics.ts); text: for insight
  });

  return { run: (context) => app.run(context).then(() => undefined) };
}
