/**
 * Teams-shaped Bot Framework activities, a nock-ed Bot Framework connector that records what
 * the bot posts, and a check that Adaptive Cards only use what Teams renders.
 */
import nock from 'nock';

export const TEAMS_SERVICE_URL = 'https://smba.trafficmanager.net/uk/';
export const TENANT_ID = '6f1c2b6e-3d2a-4c55-9a0e-1f2e3d4c5b6a';
export const BOT_ID = '28:0b5c7d1e-7a55-4f0e-9a61-3c2f8e9d1a44';
export const BOT_NAME = 'DEAL';
export const TEAM_ID = '19:2b9e0c6f4d5a4f1b8c3d7e6f5a4b3c2d@thread.tacv2';

export type TeamsChannel = { id: string; name: string };

/** A team channel; `conversationId` is what Teams sends for a post in it (the thread root). */
export function teamsChannel(name: string): TeamsChannel & { conversationId: (rootMessageId?: string) => string } {
  const id = `19:${name.toLowerCase().replace(/[^a-z0-9]/g, '')}0c6f4d5a4f1b8c3d7e6f5a4b@thread.tacv2`;
  return { id, name, conversationId: (root = '1700000000000') => `${id};messageid=${root}` };
}

let counter = 0;
export const nextId = () => `${1_700_000_000_000 + ++counter}`;

export type TeamsActivityOptions = {
  type?: string;
  name?: string;
  text?: string;
  value?: unknown;
  /** The conversation id; a channel post's id unless `personal`. */
  conversationId?: string;
  channel?: TeamsChannel;
  personal?: boolean;
  /** Mention the bot in front of the text, as Teams does when someone @mentions it in a channel. */
  mention?: boolean;
  membersAdded?: { id: string; name?: string }[];
  replyToId?: string;
  serviceUrl?: string;
  deliveryMode?: 'expectReplies';
  from?: { id: string; name?: string; aadObjectId?: string };
};

export const OFFICER = { id: '29:1Xo9d3Lk2fQ8pZ', name: 'Alex Officer', aadObjectId: '3c4d5e6f-7a8b-4c9d-8e0f-1a2b3c4d5e6f' };

/** A Teams activity as the Bot Framework delivers it: tenant, team and channel in channelData. */
export function teamsActivity(opts: TeamsActivityOptions = {}): Record<string, unknown> {
  const channel = opts.channel ?? teamsChannel('General');
  const id = nextId();
  const personal = opts.personal === true;
  const conversation = personal
    ? { id: `a:1pErSoNaL${id}`, conversationType: 'personal', tenantId: TENANT_ID }
    : { id: opts.conversationId ?? `${channel.id};messageid=${id}`, conversationType: 'channel', tenantId: TENANT_ID, isGroup: true };
  const mentionText = `<at>${BOT_NAME}</at>`;
  const text = opts.text === undefined ? undefined : opts.mention ? `${mentionText} ${opts.text}` : opts.text;
  return {
    type: opts.type ?? 'message',
    ...(opts.name ? { name: opts.name } : {}),
    id,
    timestamp: new Date().toISOString(),
    localTimestamp: new Date().toISOString(),
    channelId: 'msteams',
    serviceUrl: opts.serviceUrl ?? TEAMS_SERVICE_URL,
    from: opts.from ?? OFFICER,
    conversation,
    recipient: { id: BOT_ID, name: BOT_NAME },
    ...(text === undefined ? {} : { text, textFormat: 'plain' }),
    ...(opts.value === undefined ? {} : { value: opts.value }),
    ...(opts.membersAdded ? { membersAdded: opts.membersAdded } : {}),
    ...(opts.replyToId ? { replyToId: opts.replyToId } : {}),
    ...(opts.deliveryMode ? { deliveryMode: opts.deliveryMode } : {}),
    entities: [
      ...(opts.mention ? [{ type: 'mention', mentioned: { id: BOT_ID, name: BOT_NAME }, text: mentionText }] : []),
      { type: 'clientInfo', locale: 'en-GB', country: 'GB', platform: 'Web', timezone: 'Europe/London' },
    ],
    channelData: personal
      ? { tenant: { id: TENANT_ID } }
      : {
          tenant: { id: TENANT_ID },
          team: { id: TEAM_ID, name: 'Dorset SEND localities', aadGroupId: '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d' },
          channel: { id: channel.id, name: channel.name },
          teamsTeamId: TEAM_ID,
          teamsChannelId: channel.id,
          ...(opts.type === 'conversationUpdate' ? { eventType: 'teamMemberAdded' } : {}),
        },
    locale: 'en-GB',
  };
}

export type PostedActivity = {
  type: string;
  text?: string;
  summary?: string;
  replyToId?: string;
  suggestedActions?: unknown;
  attachments?: { contentType: string; content: AdaptiveCardJson }[];
};

export type AdaptiveCardJson = {
  type: string;
  version?: string;
  body?: CardElement[];
  actions?: CardElement[];
  [key: string]: unknown;
};
export type CardElement = { type: string; [key: string]: unknown };

/**
 * A Bot Framework connector at `serviceUrl` that accepts every POSTed activity and records it
 * with the conversation id from the path. Call `nock.cleanAll()` to remove it.
 */
export function fakeConnector(serviceUrl = TEAMS_SERVICE_URL) {
  const url = new URL(serviceUrl);
  const prefix = url.pathname.replace(/\/$/, '');
  const posted: { conversationId: string; path: string; body: PostedActivity; authorization: string | undefined }[] = [];
  const pattern = new RegExp(`^${prefix}/v3/conversations/([^/]+)/activities(?:/([^/]+))?$`);
  nock(url.origin)
    .persist()
    .post((path) => pattern.test(path.split('?')[0]!))
    .reply(function (path, body) {
      const match = pattern.exec(path.split('?')[0]!)!;
      const auth = this.req.headers.authorization;
      posted.push({
        conversationId: decodeURIComponent(match[1]!),
        path: decodeURIComponent(path),
        body: body as PostedActivity,
        authorization: Array.isArray(auth) ? auth[0] : auth,
      });
      return [200, { id: `reply-${posted.length}` }];
    });
  return {
    posted,
    activities: () => posted.map((p) => p.body),
  };
}

/** The Adaptive Cards in some activities. */
export function cardsIn(activities: PostedActivity[]): AdaptiveCardJson[] {
  return activities.flatMap((a) => (a.attachments ?? []).filter((x) => x.contentType === 'application/vnd.microsoft.card.adaptive').map((x) => x.content));
}

/** Every element (and action) of a card, depth first, including those inside containers and shown cards. */
export function cardElements(card: { body?: CardElement[]; actions?: CardElement[] }): CardElement[] {
  const out: CardElement[] = [];
  const visit = (el: CardElement) => {
    out.push(el);
    const children = [
      ...((el.items as CardElement[] | undefined) ?? []),
      ...((el.columns as CardElement[] | undefined) ?? []),
      ...(el.type === 'ActionSet' ? ((el.actions as CardElement[] | undefined) ?? []) : []),
      ...(el.selectAction ? [el.selectAction as CardElement] : []),
      ...(el.inlineAction ? [el.inlineAction as CardElement] : []),
    ];
    children.forEach(visit);
    if (el.type === 'Action.ShowCard' && el.card) {
      const inner = el.card as { body?: CardElement[]; actions?: CardElement[] };
      [...(inner.body ?? []), ...(inner.actions ?? [])].forEach(visit);
    }
  };
  [...(card.body ?? []), ...(card.actions ?? [])].forEach(visit);
  if ((card as { selectAction?: CardElement }).selectAction) visit((card as { selectAction: CardElement }).selectAction);
  return out;
}

/** Elements and actions that Teams renders in bot messages (Adaptive Cards up to 1.5). */
export const TEAMS_CARD_TYPES = new Set([
  'TextBlock',
  'Container',
  'ColumnSet',
  'Column',
  'FactSet',
  'Image',
  'ActionSet',
  'Input.Text',
  'Input.Number',
  'Input.Date',
  'Input.Time',
  'Input.Toggle',
  'Input.ChoiceSet',
  'Action.OpenUrl',
  'Action.Submit',
  'Action.ShowCard',
  'Action.Execute',
  'Action.ToggleVisibility',
]);

/** What is wrong with a card for Teams (empty when it is fine). */
export function teamsCardProblems(card: AdaptiveCardJson): string[] {
  const problems: string[] = [];
  if (card.type !== 'AdaptiveCard') problems.push(`not an AdaptiveCard: ${card.type}`);
  const version = Number(card.version);
  if (!card.version || !Number.isFinite(version) || version > 1.5) problems.push(`version ${card.version ?? '(none)'} is not 1.5 or lower`);
  for (const el of cardElements(card)) {
    if (!TEAMS_CARD_TYPES.has(el.type)) problems.push(`unsupported in Teams: ${el.type}`);
    if (el.type === 'Action.ShowCard' && (el.card as { type?: string } | undefined)?.type !== 'AdaptiveCard') problems.push('Action.ShowCard without an AdaptiveCard');
    if (el.type.startsWith('Input.') && typeof el.id !== 'string') problems.push(`${el.type} without an id`);
  }
  return problems;
}
