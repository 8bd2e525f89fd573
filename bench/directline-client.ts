/**
 * Microsoft's Direct Line client (`botframework-directlinejs`, what web chat uses) in Node,
 * against our server: its `ajax` service (rxjs 5's, which needs XMLHttpRequest) is given
 * over `fetch`, and its WebSocket is `ws` (Node 20 has no global WebSocket; the client also
 * checks the global before it will stream). The sockets it opens are kept, so a test can
 * cut one as a network would.
 */
import { ConnectionStatus, DirectLine } from 'botframework-directlinejs';
import { Observable } from 'rxjs/Observable.js';
import WebSocket from 'ws';

const g = globalThis as { WebSocket?: unknown };
if (g.WebSocket === undefined) g.WebSocket = WebSocket;

/** The fields the tests read (the client's own Activity type is a union without replyToId). */
export type Activity = { type: string; id?: string; text?: string; replyToId?: string; from?: { id?: string; role?: string }; timestamp?: string };

type AjaxRequest = { method?: string; url?: string; body?: unknown; headers?: Record<string, string>; timeout?: number };

function fetchAjax(request: AjaxRequest) {
  return Observable.create((subscriber: { next(v: unknown): void; error(e: unknown): void; complete(): void }) => {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), request.timeout ?? 20_000);
    fetch(request.url ?? '', {
      method: request.method ?? 'GET',
      headers: request.headers,
      body: request.body === undefined ? undefined : JSON.stringify(request.body),
      signal: controller.signal,
    })
      .then(async (res) => {
        const text = await res.text();
        const response = text ? (JSON.parse(text) as unknown) : null;
        const xhr = { getResponseHeader: (name: string) => res.headers.get(name) };
        if (res.status >= 200 && res.status < 300) {
          subscriber.next({ response, status: res.status, xhr });
          subscriber.complete();
        } else subscriber.error({ status: res.status, response, xhr });
      })
      .catch((error: unknown) => subscriber.error({ status: 0, error }))
      .finally(() => clearTimeout(timer));
    return () => controller.abort();
  });
}

export type Session = { token: string; userId: string; domain: string; webSocket: boolean; pollingInterval: number };

export async function webchatSession(baseUrl: string, headers: Record<string, string> = {}): Promise<Session> {
  const res = await fetch(`${baseUrl}/api/webchat/token`, { method: 'POST', headers });
  if (!res.ok) throw new Error(`token: HTTP ${res.status}`);
  return (await res.json()) as Session;
}

export type Client = {
  directLine: DirectLine;
  /** Every activity the client has seen, in order, with when it arrived (performance.now()). */
  seen: { activity: Activity; at: number }[];
  /** The WebSockets it opened, newest last. */
  sockets: WebSocket[];
  /** Resolves with the first activity (seen from now on, or already seen at index `from`) that matches. */
  next(match: (a: Activity) => boolean, opts?: { from?: number; timeoutMs?: number }): Promise<{ activity: Activity; at: number }>;
  end(): void;
};

/** Connects Microsoft's client with a session from our token endpoint; `webSocket: false` polls. */
export function connect(session: Session, opts: { webSocket: boolean; pollingInterval?: number }): Client {
  const sockets: WebSocket[] = [];
  class KeptWebSocket extends WebSocket {
    constructor(url: string) {
      super(url);
      sockets.push(this);
    }
  }
  const directLine = new DirectLine({
    token: session.token,
    domain: session.domain,
    webSocket: opts.webSocket,
    pollingInterval: opts.pollingInterval ?? session.pollingInterval,
    // A cut stream is retried after 3 s (the client waits 3 to 15 s at random).
    random: () => 0,
    WebSocket: KeptWebSocket as unknown as typeof globalThis.WebSocket,
    ajax: fetchAjax as never,
  } as ConstructorParameters<typeof DirectLine>[0]);
  const seen: Client['seen'] = [];
  const waiters = new Set<() => void>();
  const subscription = directLine.activity$.subscribe((activity) => {
    seen.push({ activity: activity as unknown as Activity, at: performance.now() });
    for (const wake of [...waiters]) wake();
  });
  const next: Client['next'] = (match, o = {}) =>
    new Promise((resolve, reject) => {
      let from = o.from ?? seen.length;
      const check = () => {
        for (; from < seen.length; from++) {
          if (match(seen[from]!.activity)) {
            waiters.delete(check);
            clearTimeout(timer);
            resolve(seen[from]!);
            return;
          }
        }
      };
      const timer = setTimeout(() => {
        waiters.delete(check);
        reject(new Error('no matching activity in time'));
      }, o.timeoutMs ?? 10_000);
      waiters.add(check);
      check();
    });
  return {
    directLine,
    seen,
    sockets,
    next,
    end() {
      subscription.unsubscribe();
      directLine.end();
      for (const s of sockets) s.terminate();
    },
  };
}

export { ConnectionStatus };

/** Posts a message and resolves with its id once the server has taken it. */
export function post(client: Client, text: string, userId: string): Promise<string> {
  return new Promise((resolve, reject) => {
    client.directLine.postActivity({ type: 'message', text, from: { id: userId } }).subscribe({ next: resolve, error: reject });
  });
}
