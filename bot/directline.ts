/**
 * An embedded Direct Line 3.0 service, so Microsoft's web chat client talks to the bot with
 * no Azure account: conversations, activities and watermarks over REST (polling), and
 * streaming over a WebSocket (`streamUrl`, `attach(server)`).
 *
 * Streaming: starting or reconnecting to a conversation (`POST /v3/directline/conversations`,
 * `GET /v3/directline/conversations/{id}?watermark=`) returns a `streamUrl` carrying a
 * short-lived stream token and the watermark. The socket first gets every stored activity
 * after that watermark, then each activity as it is stored, as `ActivitySet`s
 * `{activities, watermark}`; typing activities go out live only (never stored, so a reconnect
 * cannot repeat them). One socket per conversation: a new one replaces the old. The server
 * sends an empty message as a keep-alive and pings; a socket that misses a pong is closed.
 *
 * Each conversation has a signed token bound to one conversation and one user id; every
 * request must carry it, so no one can read or write another family's conversation.
 * Turns in one conversation run one at a time, in order. Transcripts stay in memory only
 * (the bot's own state is in SQLite) and are dropped after an idle time.
 */
import type { Activity } from 'botbuilder';
import { createHmac, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { Router, type Request, type Response } from 'express';
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { z } from 'zod';
import { MAX_TEXT } from '../conversation/front-door.js';
import { ActivityEntity } from './activity-fields.js';

/**
 * Runs one turn. The bot's activities go to `send` as the bot sends them (so a typing activity
 * reaches the stream before the answer); a runner that does not use `send` returns them instead.
 */
export type RunTurn = (activity: Activity, send: (reply: Partial<Activity>) => void) => Promise<Partial<Activity>[] | void>;

export type DirectLineOptions = {
  runTurn: RunTurn;
  /** Secret that signs tokens. */
  secret: Buffer;
  serviceUrl: string;
  botId?: string;
  tokenTtlSeconds?: number;
  /** Conversations idle longer than this are dropped. */
  idleMs?: number;
  maxConversations?: number;
  /** A conversation's transcript is cut (oldest first) to this many bytes of JSON (default MAX_TRANSCRIPT_BYTES). */
  maxTranscriptBytes?: number;
  /** How often an open stream gets a keep-alive (an empty message) and a ping (default 15 s). */
  keepAliveMs?: number;
  /** How long a stream token in a `streamUrl` is good for, to open the socket (default 120 s). */
  streamTokenTtlSeconds?: number;
  now?: () => number;
};

/** What a client may post. Anything else is a 400 with the field named. */
export const IncomingActivity = z
  .object({
    type: z.enum(['message', 'event', 'typing', 'conversationUpdate']),
    text: z.string().max(MAX_TEXT, `must be at most ${MAX_TEXT} characters`).optional(),
    textFormat: z.string().max(20).optional(),
    locale: z.string().max(20).optional(),
    name: z.string().max(100).optional(),
    value: z.unknown().optional(),
    channelData: z.record(z.unknown()).optional(),
    from: z.object({ id: z.string().max(200).optional(), name: z.string().max(200).optional(), role: z.string().max(20).optional() }).passthrough().optional(),
    attachments: z.array(z.unknown()).max(0, 'attachments are not accepted').optional(),
    timestamp: z.string().max(40).optional(),
    localTimestamp: z.string().max(40).optional(),
    localTimezone: z.string().max(60).optional(),
    entities: z.array(ActivityEntity).max(10).optional(), // objects with a type: Teams AI reads them before our code (fuzzing)
  })
  .passthrough()
  .refine((a) => a.value === undefined || JSON.stringify(a.value).length <= 8_000, { message: 'value is too large', path: ['value'] });

type StoredConversation = {
  id: string;
  userId: string;
  activities: Partial<Activity>[];
  /** Bytes of `activities` as JSON, kept under MAX_TRANSCRIPT_BYTES. */
  bytes: number;
  lastActive: number;
  /** Serialises turns: each new turn starts after the previous one ends. */
  queue: Promise<unknown>;
  sequence: number;
  /** The one open stream (WebSocket) for this conversation, if any. */
  socket?: WebSocket;
};

const MAX_ACTIVITIES = 500;
/** A conversation's transcript is also capped by size (its activities as JSON), so a few huge cards or texts cannot hold megabytes. */
export const MAX_TRANSCRIPT_BYTES = 512 * 1024;
const sizeOf = (activity: Partial<Activity>) => Buffer.byteLength(JSON.stringify(activity) ?? '', 'utf8');

/** `k: 'stream'` marks a token that only opens a stream (it travels in a URL, so it is short-lived and good for nothing else). */
type TokenClaims = { c: string; u: string; exp: number; k?: 'stream' };

/** `/v3/directline/conversations/{id}/stream` */
const STREAM_PATH = /^\/v3\/directline\/conversations\/([A-Za-z0-9]{1,64})\/stream$/;
/** The client sends only keep-alives on the stream; anything large is a protocol error. */
const MAX_STREAM_MESSAGE = 4096;

export class DirectLine {
  readonly router = Router();
  private readonly conversations = new Map<string, StoredConversation>();
  private readonly now: () => number;
  private readonly ttl: number;
  private readonly idleMs: number;
  private readonly maxConversations: number;
  private readonly botId: string;
  private readonly sockets = new WebSocketServer({ noServer: true, maxPayload: MAX_STREAM_MESSAGE });
  private keepAlive: NodeJS.Timeout | null = null;

  constructor(private readonly options: DirectLineOptions) {
    this.now = options.now ?? Date.now;
    this.ttl = options.tokenTtlSeconds ?? 3600;
    this.idleMs = options.idleMs ?? 60 * 60 * 1000;
    this.maxConversations = options.maxConversations ?? 20_000;
    this.botId = options.botId ?? 'deal-front-door';
    this.routes();
  }

  get size(): number {
    return this.conversations.size;
  }

  // ---- tokens ---------------------------------------------------------------------------

  private sign(claims: TokenClaims): string {
    const body = Buffer.from(JSON.stringify(claims)).toString('base64url');
    const mac = createHmac('sha256', this.options.secret).update(body).digest('base64url');
    return `${body}.${mac}`;
  }

  private verify(token: string | undefined): TokenClaims | null {
    if (!token) return null;
    const [body, mac] = token.split('.');
    if (!body || !mac) return null;
    const expected = createHmac('sha256', this.options.secret).update(body).digest();
    const given = Buffer.from(mac, 'base64url');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
    try {
      const claims = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as TokenClaims;
      return claims.exp * 1000 > this.now() ? claims : null;
    } catch {
      return null;
    }
  }

  /** Starts a conversation and returns a token for it (what our page's token endpoint hands out). */
  createConversation(): { conversationId: string; token: string; expires_in: number; userId: string } {
    this.evictIdle();
    const id = randomUUID().replace(/-/g, '');
    const userId = `web_${randomBytes(9).toString("base64url")}`;
    this.conversations.set(id, { id, userId, activities: [], bytes: 0, lastActive: this.now(), queue: Promise.resolve(), sequence: 0 });
    return { conversationId: id, token: this.token(id, userId), expires_in: this.ttl, userId };
  }

  private token(conversationId: string, userId: string): string {
    return this.sign({ c: conversationId, u: userId, exp: Math.floor(this.now() / 1000) + this.ttl });
  }

  private evictIdle(): void {
    const cutoff = this.now() - this.idleMs;
    for (const [id, conversation] of this.conversations) {
      if (conversation.lastActive < cutoff && !conversation.socket) this.drop(id);
    }
    while (this.conversations.size >= this.maxConversations) {
      const oldest = this.conversations.keys().next().value;
      if (oldest === undefined) break;
      this.drop(oldest);
    }
  }

  private drop(id: string): void {
    this.conversations.get(id)?.socket?.close(1000, 'conversation ended');
    this.conversations.delete(id);
  }

  private authorise(req: Request, res: Response): { claims: TokenClaims; conversation: StoredConversation } | null {
    const header = req.header('authorization') ?? '';
    const claims = this.verify(/^Bearer (.+)$/i.exec(header)?.[1]);
    if (!claims || claims.k) {
      res.status(403).json({ error: { code: 'TokenInvalid', message: 'A valid Direct Line token is required.' } });
      return null;
    }
    const requested = typeof req.params.conversationId === 'string' ? req.params.conversationId : claims.c;
    const conversation = this.conversations.get(claims.c);
    if (requested !== claims.c || !conversation) {
      res.status(404).json({ error: { code: 'BadArgument', message: 'Conversation not found.' } });
      return null;
    }
    conversation.lastActive = this.now();
    return { claims, conversation };
  }

  // ---- activities ------------------------------------------------------------------------

  private append(conversation: StoredConversation, activity: Partial<Activity>): string {
    const id = `${conversation.id}|${String(conversation.sequence++).padStart(7, '0')}`;
    const stored = { ...activity, id, timestamp: new Date(this.now()) } as Partial<Activity>;
    conversation.activities.push(stored);
    conversation.bytes += sizeOf(stored);
    while (conversation.activities.length > 1 && (conversation.activities.length > MAX_ACTIVITIES || conversation.bytes > (this.options.maxTranscriptBytes ?? MAX_TRANSCRIPT_BYTES))) {
      conversation.bytes -= sizeOf(conversation.activities.shift()!);
    }
    this.push(conversation, [stored]);
    return id;
  }

  /** Sends an ActivitySet to the conversation's stream, if one is open. */
  private push(conversation: StoredConversation, activities: Partial<Activity>[]): void {
    const socket = conversation.socket;
    if (!socket || socket.readyState !== socket.OPEN || activities.length === 0) return;
    socket.send(JSON.stringify({ activities, watermark: String(conversation.sequence) }));
  }

  /** Stores (or, for typing, only streams) one activity the bot sent in reply to `to`. */
  private reply(conversation: StoredConversation, to: Activity, reply: Partial<Activity>): void {
    const activity = {
      ...reply,
      from: { id: this.botId, name: 'DEAL', role: 'bot' },
      conversation: { id: conversation.id } as Activity['conversation'],
      replyToId: to.id,
    } as Partial<Activity>;
    if (activity.type === 'typing') {
      this.push(conversation, [{ ...activity, id: `${conversation.id}|typing-${randomBytes(6).toString('base64url')}`, timestamp: new Date(this.now()) }]);
      return;
    }
    this.append(conversation, activity);
  }

  private baseActivity(conversation: StoredConversation): Pick<Activity, 'channelId' | 'serviceUrl' | 'conversation' | 'recipient' | 'from'> {
    return {
      channelId: 'webchat',
      serviceUrl: this.options.serviceUrl,
      conversation: { id: conversation.id, isGroup: false, conversationType: 'personal', name: '' },
      recipient: { id: this.botId, name: 'DEAL', role: 'bot' },
      from: { id: conversation.userId, name: '', role: 'user' },
    };
  }

  /** Runs one turn for a conversation, after any turn already running for it. */
  private deliver(conversation: StoredConversation, activity: Activity): Promise<void> {
    const run = async () => {
      let sent = false;
      const replies = await this.options.runTurn(activity, (reply) => {
        sent = true;
        this.reply(conversation, activity, reply);
      });
      if (!sent) for (const reply of replies ?? []) this.reply(conversation, activity, reply);
    };
    const next = conversation.queue.then(run, run);
    conversation.queue = next.catch(() => undefined);
    return next;
  }

  /** Sends the conversationUpdate that makes the bot say hello, as Azure's Direct Line does. */
  async start(conversationId: string): Promise<void> {
    const conversation = this.conversations.get(conversationId);
    if (!conversation || conversation.sequence > 0) return;
    const base = this.baseActivity(conversation);
    const update = {
      ...base,
      type: 'conversationUpdate',
      id: `${conversation.id}|start`,
      timestamp: new Date(this.now()),
      membersAdded: [base.recipient, base.from],
    } as unknown as Activity;
    await this.deliver(conversation, update);
  }

  /**
   * Sends an activity no turn asked for (a member of staff in live chat) into a conversation,
   * only while its stream is open; without an activity, only says whether it is. False: the
   * family is not connected, and nothing was sent.
   */
  sendToConversation(conversationId: string, activity?: Partial<Activity>): boolean {
    const conversation = this.conversations.get(conversationId);
    if (!conversation?.socket || conversation.socket.readyState !== conversation.socket.OPEN) return false;
    if (activity) this.append(conversation, { ...activity, from: { id: this.botId, name: 'DEAL', role: 'bot' }, conversation: { id: conversationId } as Activity['conversation'] });
    return true;
  }

  /** The stored activities after a watermark (all of them without one). */
  private after(conversation: StoredConversation, watermark: unknown): Partial<Activity>[] {
    const parsed = typeof watermark === 'string' && /^\d{1,9}$/.test(watermark) ? Number(watermark) : 0;
    const firstSequence = conversation.sequence - conversation.activities.length;
    return conversation.activities.slice(Math.max(0, parsed - firstSequence));
  }

  // ---- streaming ------------------------------------------------------------------------

  private streamUrl(req: Request, conversation: StoredConversation, watermark: unknown): string {
    const token = this.sign({
      c: conversation.id,
      u: conversation.userId,
      exp: Math.floor(this.now() / 1000) + (this.options.streamTokenTtlSeconds ?? 120),
      k: 'stream',
    });
    const scheme = req.protocol === 'https' ? 'wss' : 'ws';
    const mark = typeof watermark === 'string' && /^\d{1,9}$/.test(watermark) ? `&watermark=${watermark}` : '';
    return `${scheme}://${req.get('host') ?? 'localhost'}/v3/directline/conversations/${conversation.id}/stream?t=${encodeURIComponent(token)}${mark}`;
  }

  /**
   * Serves streams on this HTTP server's upgrade event. Only the stream path is taken; the
   * token (the streamUrl's `t`, or a Direct Line token as a Bearer header) must be for this
   * conversation, as for the REST calls.
   */
  attach(server: Server): void {
    server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
      const url = new URL(req.url ?? '/', 'http://localhost');
      const match = STREAM_PATH.exec(url.pathname);
      if (!match) {
        socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
        return;
      }
      const bearer = /^Bearer (.+)$/i.exec(req.headers.authorization ?? '')?.[1];
      const claims = this.verify(url.searchParams.get('t') ?? bearer);
      const conversation = claims ? this.conversations.get(claims.c) : undefined;
      if (!claims || claims.c !== match[1] || !conversation) {
        socket.end(`HTTP/1.1 ${claims ? '404 Not Found' : '403 Forbidden'}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
        return;
      }
      this.sockets.handleUpgrade(req, socket, head, (ws) => this.open(conversation, ws, url.searchParams.get('watermark') ?? undefined));
    });
    this.startKeepAlive();
  }

  private open(conversation: StoredConversation, ws: WebSocket, watermark: string | undefined): void {
    const previous = conversation.socket;
    conversation.socket = ws;
    conversation.lastActive = this.now();
    if (previous && previous !== ws) previous.close(1000, 'replaced by a newer connection');
    const alive = ws as WebSocket & { alive?: boolean };
    alive.alive = true;
    ws.on('pong', () => {
      alive.alive = true;
    });
    // The client sends empty keep-alives; nothing it sends on the stream is read.
    ws.on('message', () => {
      conversation.lastActive = this.now();
    });
    ws.on('error', () => ws.terminate());
    ws.on('close', () => {
      if (conversation.socket === ws) conversation.socket = undefined;
    });
    // Everything after the watermark, then live: both on this one thread, so nothing falls between.
    this.push(conversation, this.after(conversation, watermark));
  }

  private startKeepAlive(): void {
    if (this.keepAlive) return;
    this.keepAlive = setInterval(() => {
      for (const ws of this.sockets.clients) {
        const alive = ws as WebSocket & { alive?: boolean };
        if (alive.alive === false) {
          ws.terminate();
          continue;
        }
        alive.alive = false;
        ws.ping();
        ws.send('');
      }
    }, this.options.keepAliveMs ?? 15_000);
    this.keepAlive.unref();
  }

  /** Number of open streams (for tests and metrics). */
  get streams(): number {
    return this.sockets.clients.size;
  }

  /** Closes every stream (before the HTTP server closes, which would otherwise wait for them). */
  closeStreams(): void {
    if (this.keepAlive) clearInterval(this.keepAlive);
    this.keepAlive = null;
    for (const ws of this.sockets.clients) ws.terminate();
  }

  private routes(): void {
    const r = this.router;

    r.post('/v3/directline/conversations', async (req, res) => {
      const auth = this.authorise(req, res);
      if (!auth) return;
      const { conversation } = auth;
      res.status(201).json({
        conversationId: conversation.id,
        token: this.token(conversation.id, conversation.userId),
        expires_in: this.ttl,
        streamUrl: this.streamUrl(req, conversation, undefined),
      });
      this.start(conversation.id).catch(() => undefined);
    });

    // Reconnect: a fresh token and a streamUrl that resumes after the watermark.
    r.get('/v3/directline/conversations/:conversationId', (req, res) => {
      const auth = this.authorise(req, res);
      if (!auth) return;
      const { conversation } = auth;
      res.json({
        conversationId: conversation.id,
        token: this.token(conversation.id, conversation.userId),
        expires_in: this.ttl,
        streamUrl: this.streamUrl(req, conversation, req.query.watermark),
      });
    });

    r.post('/v3/directline/tokens/refresh', (req, res) => {
      const auth = this.authorise(req, res);
      if (!auth) return;
      res.json({ conversationId: auth.conversation.id, token: this.token(auth.conversation.id, auth.conversation.userId), expires_in: this.ttl });
    });

    r.get('/v3/directline/conversations/:conversationId/activities', (req, res) => {
      const auth = this.authorise(req, res);
      if (!auth) return;
      const { conversation } = auth;
      res.json({ activities: this.after(conversation, req.query.watermark), watermark: String(conversation.sequence) });
    });

    r.post('/v3/directline/conversations/:conversationId/activities', async (req, res) => {
      const auth = this.authorise(req, res);
      if (!auth) return;
      const parsed = IncomingActivity.safeParse(req.body);
      if (!parsed.success) {
        const message = parsed.error.issues.map((i) => `${i.path.join('.') || 'activity'}: ${i.message}`).join('; ');
        res.status(400).json({ error: { code: 'BadArgument', message } });
        return;
      }
      const { conversation } = auth;
      const incoming = parsed.data;
      const base = this.baseActivity(conversation);
      const activity = {
        ...incoming,
        ...base,
        // Who the sender is comes from the token, never from the client.
        from: { ...base.from, name: typeof incoming.from?.name === 'string' ? incoming.from.name.slice(0, 50) : '' },
      } as unknown as Activity;
      const id = this.append(conversation, activity);
      activity.id = id;
      try {
        await this.deliver(conversation, activity);
        res.json({ id });
      } catch {
        res.status(502).json({ error: { code: 'BotError', message: 'The bot could not answer just now. Please try again.' } });
      }
    });

    r.get('/v3/directline/conversations/:conversationId/stream', (_req, res) => {
      res.status(426).json({ error: { code: 'BadArgument', message: 'This address takes a WebSocket connection.' } });
    });

    r.post('/v3/directline/conversations/:conversationId/upload', (_req, res) => {
      res.status(415).json({ error: { code: 'BadArgument', message: 'Files cannot be uploaded to this service.' } });
    });
  }
}
