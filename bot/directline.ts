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
 * Turns in one conversation run one at a time, in order, on each instance (across instances,
 * the conversation state's eTags make a clashing turn retry: bot/pg-state-storage.ts).
 *
 * Conversations and activities live in a `DirectLineStore` (bot/directline-store.ts): in
 * memory on one instance (the bot's own state is in SQLite), dropped after an idle time; in
 * PostgreSQL with `DATABASE_URL`, so any instance serves any family with the same tokens and
 * watermarks, and an activity stored on one instance reaches a stream held by another.
 *
 * Over 300 lines because the REST routes, the streams and the tokens share one conversation
 * model and must stay in step; the storage is already outside (directline-store.ts).
 *
 * Over 300 lines: the Direct Line 3.0 protocol (conversations, tokens, activities and watermarks over REST and over the stream) in one file, so the protocol can be checked against its specification in one read; storage is behind the DirectLineStore port.
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
import { MemoryDirectLineStore, type DirectLineEvent, type DirectLineStore, type StoredConversation, type TranscriptLimits } from './directline-store.js';

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
  /** Where conversations and activities live (default: this process's memory; PostgreSQL: bot/directline-pg-store.ts). */
  store?: DirectLineStore;
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

/** This instance's stream for one conversation: what it has sent, and a queue so sends keep their order. */
type Stream = { ws: WebSocket; sent: number; queue: Promise<void> };

const MAX_ACTIVITIES = 500;
/** A conversation's transcript is also capped by size (its activities as JSON), so a few huge cards or texts cannot hold megabytes. */
export const MAX_TRANSCRIPT_BYTES = 512 * 1024;
/** A token this young may name a conversation another instance is still writing (see `authorise`). */
const NEW_TOKEN_GRACE_S = 120;
const parseWatermark = (w: unknown) => (typeof w === 'string' && /^\d{1,9}$/.test(w) ? Number(w) : 0);

/** `k: 'stream'` marks a token that only opens a stream (it travels in a URL, so it is short-lived and good for nothing else). */
type TokenClaims = { c: string; u: string; exp: number; k?: 'stream' };

/** `/v3/directline/conversations/{id}/stream` */
const STREAM_PATH = /^\/v3\/directline\/conversations\/([A-Za-z0-9]{1,64})\/stream$/;
/** The client sends only keep-alives on the stream; anything large is a protocol error. */
const MAX_STREAM_MESSAGE = 4096;

export class DirectLine {
  readonly router = Router();
  /** Where conversations and activities live: memory (one instance) or PostgreSQL (several). */
  readonly store: DirectLineStore;
  private readonly now: () => number;
  private readonly ttl: number;
  private readonly idleMs: number;
  private readonly maxConversations: number;
  private readonly botId: string;
  private readonly limits: TranscriptLimits;
  private readonly sockets = new WebSocketServer({ noServer: true, maxPayload: MAX_STREAM_MESSAGE });
  /** This instance's open streams, by conversation. */
  private readonly streamsByConversation = new Map<string, Stream>();
  /** Turns running here, by conversation: each new turn starts after the previous one ends. */
  private readonly turns = new Map<string, Promise<unknown>>();
  /** Conversations this instance created and may not have finished writing. */
  private readonly creating = new Map<string, Promise<void>>();
  private keepAlive: NodeJS.Timeout | null = null;
  private lastEviction = 0;
  private presenceQueue: Promise<void> = Promise.resolve();

  constructor(private readonly options: DirectLineOptions) {
    this.now = options.now ?? Date.now;
    this.ttl = options.tokenTtlSeconds ?? 3600;
    this.idleMs = options.idleMs ?? 60 * 60 * 1000;
    this.maxConversations = options.maxConversations ?? 20_000;
    this.botId = options.botId ?? 'deal-front-door';
    this.limits = { maxActivities: MAX_ACTIVITIES, maxBytes: options.maxTranscriptBytes ?? MAX_TRANSCRIPT_BYTES };
    this.store = options.store ?? new MemoryDirectLineStore();
    this.store.subscribe((event) => this.onEvent(event));
    this.routes();
  }

  get size(): number {
    return this.store.size;
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
    const userId = `web_${randomBytes(9).toString('base64url')}`;
    // In memory this is done before it returns; in PostgreSQL `authorise` waits for it (or, on another instance, repeats it).
    const created = this.store.create(id, userId, this.now()).finally(() => this.creating.delete(id));
    created.catch(() => undefined);
    this.creating.set(id, created);
    return { conversationId: id, token: this.token(id, userId), expires_in: this.ttl, userId };
  }

  private token(conversationId: string, userId: string): string {
    return this.sign({ c: conversationId, u: userId, exp: Math.floor(this.now() / 1000) + this.ttl });
  }

  /** Idle conversations go (at most once a minute; never one with a stream open here). */
  private evictIdle(): void {
    if (this.store.size < this.maxConversations && this.now() - this.lastEviction < 60_000) return;
    this.lastEviction = this.now();
    this.store
      .evict(this.now() - this.idleMs, this.maxConversations, new Set(this.streamsByConversation.keys()))
      .then((dropped) => dropped.forEach((id) => this.streamsByConversation.get(id)?.ws.close(1000, 'conversation ended')))
      .catch(() => undefined);
  }

  /**
   * The conversation a token is for. A valid token is our own signature, so a young one whose
   * conversation is not stored yet (created on another instance a moment ago) creates it.
   */
  private async conversationFor(claims: TokenClaims): Promise<StoredConversation | null> {
    await this.creating.get(claims.c)?.catch(() => undefined);
    const found = await this.store.get(claims.c, this.now());
    if (found || claims.exp - this.ttl < this.now() / 1000 - NEW_TOKEN_GRACE_S || this.store instanceof MemoryDirectLineStore) return found;
    await this.store.create(claims.c, claims.u, this.now()).catch(() => undefined); // the other instance's insert may win: either way it exists
    return this.store.get(claims.c, this.now());
  }

  private async authorise(req: Request, res: Response): Promise<{ claims: TokenClaims; conversation: StoredConversation } | null> {
    const header = req.header('authorization') ?? '';
    const claims = this.verify(/^Bearer (.+)$/i.exec(header)?.[1]);
    if (!claims || claims.k) {
      res.status(403).json({ error: { code: 'TokenInvalid', message: 'A valid Direct Line token is required.' } });
      return null;
    }
    const requested = typeof req.params.conversationId === 'string' ? req.params.conversationId : claims.c;
    const conversation = requested === claims.c ? await this.conversationFor(claims) : null;
    if (!conversation || conversation.userId !== claims.u) {
      res.status(404).json({ error: { code: 'BadArgument', message: 'Conversation not found.' } });
      return null;
    }
    return { claims, conversation };
  }

  // ---- activities ------------------------------------------------------------------------

  /** Stores an activity (its id and timestamp are given here), streams it here and tells the other instances. */
  private async append(conversationId: string, activity: Partial<Activity>): Promise<string | null> {
    const stamp = new Date(this.now());
    const stored = await this.store.append(
      conversationId,
      (sequence) => ({ ...activity, id: `${conversationId}|${String(sequence).padStart(7, '0')}`, timestamp: stamp }) as Partial<Activity>,
      this.now(),
      this.limits,
    );
    if (!stored) return null;
    this.catchUp(conversationId);
    this.store.publish({ kind: 'stored', conversationId });
    return stored.activity.id!;
  }

  /** Queues a send on this instance's stream for the conversation, if it holds one. */
  private enqueue(conversationId: string, send: (stream: Stream) => Promise<void> | void): void {
    const stream = this.streamsByConversation.get(conversationId);
    if (!stream) return;
    stream.queue = stream.queue.then(() => (stream.ws.readyState === stream.ws.OPEN ? send(stream) : undefined)).catch(() => undefined);
  }

  /** Sends the stream everything stored after what it has had, as one ActivitySet. */
  private catchUp(conversationId: string): void {
    this.enqueue(conversationId, async (stream) => {
      const set = await this.store.after(conversationId, stream.sent);
      if (!set) return;
      stream.sent = Number(set.watermark);
      if (set.activities.length && stream.ws.readyState === stream.ws.OPEN) stream.ws.send(JSON.stringify(set));
    });
  }

  /** A live-only activity (typing): to the stream here, or to the instance that holds it. */
  private live(conversationId: string, activity: Partial<Activity>): void {
    if (!this.streamsByConversation.has(conversationId)) return this.store.publish({ kind: 'live', conversationId, activity });
    this.enqueue(conversationId, (stream) => stream.ws.send(JSON.stringify({ activities: [activity], watermark: String(stream.sent) })));
  }

  private onEvent(event: DirectLineEvent): void {
    if (event.kind === 'resync') for (const id of this.streamsByConversation.keys()) this.catchUp(id);
    else if (event.kind === 'stored') this.catchUp(event.conversationId);
    else if (event.kind === 'live') this.enqueue(event.conversationId, (stream) => stream.ws.send(JSON.stringify({ activities: [event.activity], watermark: String(stream.sent) })));
    else this.streamsByConversation.get(event.conversationId)?.ws.close(1000, 'replaced by a newer connection');
  }

  /** Stores (or, for typing, only streams) one activity the bot sent; `to` is what it answers, if anything. */
  private async reply(conversationId: string, to: Activity | undefined, reply: Partial<Activity>): Promise<string | null> {
    const activity = {
      from: { id: this.botId, name: 'DEAL', role: 'bot' },
      ...reply,
      conversation: { id: conversationId } as Activity['conversation'],
      ...(to ? { from: { id: this.botId, name: 'DEAL', role: 'bot' }, replyToId: to.id } : {}),
    } as Partial<Activity>;
    if (activity.type === 'typing') {
      this.live(conversationId, { ...activity, id: `${conversationId}|typing-${randomBytes(6).toString('base64url')}`, timestamp: new Date(this.now()) });
      return null;
    }
    return this.append(conversationId, activity);
  }

  /**
   * Sends an activity into a conversation outside a turn (live chat with a person): stored and
   * streamed like the bot's own; `from` defaults to the bot. Returns its id, or null when the
   * conversation is gone (or for typing, which is only streamed).
   */
  async sendToConversation(conversationId: string, activity: Partial<Activity>): Promise<string | null> {
    if (!(await this.store.get(conversationId, this.now()))) return null;
    return this.reply(conversationId, undefined, activity);
  }

  /**
   * Whether the family has this conversation's stream open (live chat: an officer can talk to
   * them now): on this instance, or (PostgreSQL) on another, by the presence it keeps renewing.
   */
  async isOnline(conversationId: string): Promise<boolean> {
    const stream = this.streamsByConversation.get(conversationId);
    if (stream) return stream.ws.readyState === stream.ws.OPEN;
    return this.store.streamOpen(conversationId, this.now());
  }

  /** Presence writes in order (a stream that closes at once is not left marked open by a late hold). */
  private presence(write: () => Promise<void>): void {
    this.presenceQueue = this.presenceQueue.then(write).catch(() => undefined);
  }

  /** How long a stream's presence lasts without a keep-alive renewing it: three keep-alives. */
  private get presenceMs(): number {
    return 3 * (this.options.keepAliveMs ?? 15_000);
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

  /** Runs one turn for a conversation, after any turn already running for it here; the bot's activities are stored in the order sent. */
  private deliver(conversationId: string, activity: Activity): Promise<void> {
    const run = async () => {
      let sent = false;
      let replies = Promise.resolve();
      const queue = (reply: Partial<Activity>) => {
        replies = replies.then(() => this.reply(conversationId, activity, reply).then(() => undefined));
      };
      const returned = await this.options.runTurn(activity, (reply) => {
        sent = true;
        queue(reply);
      }).catch(async (error: unknown) => {
        await replies.catch(() => undefined);
        throw error;
      });
      if (!sent) for (const reply of returned ?? []) queue(reply);
      await replies;
    };
    const next = (this.turns.get(conversationId) ?? Promise.resolve()).then(run, run);
    const tail = next.catch(() => undefined);
    this.turns.set(conversationId, tail);
    void tail.then(() => this.turns.get(conversationId) === tail && this.turns.delete(conversationId));
    return next;
  }

  /** Sends the conversationUpdate that makes the bot say hello, as Azure's Direct Line does. */
  async start(conversationId: string): Promise<void> {
    const conversation = await this.store.get(conversationId, this.now());
    if (!conversation || !(await this.store.claimStart(conversationId))) return;
    const base = this.baseActivity(conversation);
    const update = {
      ...base,
      type: 'conversationUpdate',
      id: `${conversation.id}|start`,
      timestamp: new Date(this.now()),
      membersAdded: [base.recipient, base.from],
    } as unknown as Activity;
    await this.deliver(conversation.id, update);
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
      const found = claims && claims.c === match[1] ? this.conversationFor(claims) : Promise.resolve(null);
      found.then(
        (conversation) => {
          if (!claims || !conversation || conversation.userId !== claims.u) {
            socket.end(`HTTP/1.1 ${claims ? '404 Not Found' : '403 Forbidden'}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
            return;
          }
          this.sockets.handleUpgrade(req, socket, head, (ws) => this.open(conversation.id, ws, url.searchParams.get('watermark') ?? undefined));
        },
        () => socket.end('HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\nContent-Length: 0\r\n\r\n'),
      );
    });
    this.startKeepAlive();
  }

  private open(conversationId: string, ws: WebSocket, watermark: string | undefined): void {
    const previous = this.streamsByConversation.get(conversationId);
    this.streamsByConversation.set(conversationId, { ws, sent: parseWatermark(watermark), queue: Promise.resolve() });
    if (previous && previous.ws !== ws) previous.ws.close(1000, 'replaced by a newer connection');
    this.store.publish({ kind: 'opened', conversationId }); // one socket per conversation, across instances too
    this.presence(() => this.store.holdStreams([conversationId], this.now() + this.presenceMs));
    const alive = ws as WebSocket & { alive?: boolean };
    alive.alive = true;
    ws.on('pong', () => {
      alive.alive = true;
    });
    // The client sends empty keep-alives; nothing it sends on the stream is read.
    ws.on('message', () => void this.store.get(conversationId, this.now()).catch(() => undefined));
    ws.on('error', () => ws.terminate());
    ws.on('close', () => {
      if (this.streamsByConversation.get(conversationId)?.ws !== ws) return;
      this.streamsByConversation.delete(conversationId);
      this.presence(() => this.store.releaseStream(conversationId));
    });
    // Everything after the watermark, then live: all through the stream's one queue, so nothing falls between.
    this.catchUp(conversationId);
  }

  private startKeepAlive(): void {
    if (this.keepAlive) return;
    this.keepAlive = setInterval(() => {
      // An open stream keeps its conversation from being dropped as idle, on every instance.
      this.store.touch([...this.streamsByConversation.keys()], this.now()).catch(() => undefined);
      this.presence(() => this.store.holdStreams([...this.streamsByConversation.keys()], this.now() + this.presenceMs));
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
      const auth = await this.authorise(req, res);
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
    r.get('/v3/directline/conversations/:conversationId', async (req, res) => {
      const auth = await this.authorise(req, res);
      if (!auth) return;
      const { conversation } = auth;
      res.json({
        conversationId: conversation.id,
        token: this.token(conversation.id, conversation.userId),
        expires_in: this.ttl,
        streamUrl: this.streamUrl(req, conversation, req.query.watermark),
      });
    });

    r.post('/v3/directline/tokens/refresh', async (req, res) => {
      const auth = await this.authorise(req, res);
      if (!auth) return;
      res.json({ conversationId: auth.conversation.id, token: this.token(auth.conversation.id, auth.conversation.userId), expires_in: this.ttl });
    });

    r.get('/v3/directline/conversations/:conversationId/activities', async (req, res) => {
      const auth = await this.authorise(req, res);
      if (!auth) return;
      const set = await this.store.after(auth.conversation.id, parseWatermark(req.query.watermark));
      res.json(set ?? { activities: [], watermark: String(auth.conversation.sequence) });
    });

    r.post('/v3/directline/conversations/:conversationId/activities', async (req, res) => {
      const auth = await this.authorise(req, res);
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
      const id = await this.append(conversation.id, activity);
      if (!id) {
        res.status(404).json({ error: { code: 'BadArgument', message: 'Conversation not found.' } });
        return;
      }
      activity.id = id;
      try {
        await this.deliver(conversation.id, activity);
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
