/**
 * Drives `/api/messages` with autocannon's programmatic API: each connection plays the
 * scripted sessions of `traffic.ts` (a new conversation id per session, turns in order, each
 * chosen after the reply to the one before),
 * closed loop, or capped at an overall rate. Latencies come from autocannon's per-response
 * event, so we can report p95 (autocannon's own summary has no p95); every reply is checked.
 */
import { createRequire } from 'node:module';
import { cpuMs, sampleRss, summarise, type Child } from './processes.js';
import { activityBody, replyOk, Session, SESSION_TURNS, type TurnSpec } from './traffic.js';

type Context = { conversationId?: string; session?: Session; turn?: TurnSpec };
type AcRequest = {
  method?: string;
  path?: string;
  headers?: Record<string, string>;
  body?: string;
  setupRequest?: (req: AcRequest, context: Context) => AcRequest;
  onResponse?: (status: number, body: string, context: Context) => void;
};
type AcClient = { setRequests(requests: AcRequest[]): void };
type AcResult = { errors: number; timeouts: number; non2xx: number; duration: number; requests: { total: number } };
type AcInstance = PromiseLike<AcResult> & {
  on(event: 'response', listener: (client: AcClient, status: number, bytes: number, ms: number) => void): void;
  on(event: 'reqError', listener: (error: { code?: string; message?: string }) => void): void;
};
type AcOptions = {
  url: string;
  connections: number;
  duration: number;
  overallRate?: number;
  timeout?: number;
  headers?: Record<string, string>;
  method?: string;
  setupClient?: (client: AcClient) => void;
};
const autocannon = createRequire(import.meta.url)('autocannon') as (opts: AcOptions) => AcInstance;

export type LoadResult = {
  target: string;
  connections: number;
  offered: number | null;
  turnsPerSecond: number;
  p50: number;
  p95: number;
  p99: number;
  errors: number;
  non2xx: number;
  badReplies: number;
  badSample: string;
  /** Connection errors and timeouts by kind ("ECONNRESET: 3"), so a failed run says why. */
  errorKinds: string;
  peakRssMb: number;
  /** Server CPU time (user + system) per answered turn, ms: unaffected by other load on the machine. */
  cpuMsPerTurn: number;
  handovers: number;
};

let sessions = 0;
let conversationSeq = 0;

/** One connection's request list: SESSION_TURNS turns of one scripted session. */
function requestsFor(echo: boolean, tally: { bad: number; sample: string; handovers: number }): AcRequest[] {
  return Array.from({ length: SESSION_TURNS }, (_, i) => ({
    method: 'POST',
    path: '/api/messages',
    headers: { 'content-type': 'application/json' },
    setupRequest(req, context) {
      if (i === 0 || !context.session) {
        context.session = new Session(sessions++);
        context.conversationId = `bench-${process.pid}-${conversationSeq++}`;
      }
      context.turn = context.session.next();
      return { ...req, body: activityBody(context.conversationId!, i, context.turn) };
    },
    onResponse(status, body, context) {
      const turn = context.turn;
      if (!turn || status !== 200) return; // non-2xx are counted by autocannon
      context.session?.observe(body);
      if (!replyOk(turn, body, echo)) {
        tally.bad += 1;
        if (!tally.sample) tally.sample = `turn ${i} ${JSON.stringify(turn.text ?? turn.value)}: ${body.slice(0, 300)}`;
      } else if (turn.kind === 'handover' && turn.value?.action === 'handover-send') tally.handovers += 1;
    },
  }));
}

export async function runAutocannon(
  target: Child & { echo: boolean },
  opts: { connections: number; seconds: number; overallRate?: number },
): Promise<LoadResult> {
  const tally = { bad: 0, sample: '', handovers: 0 };
  const latencies: number[] = [];
  const peak = sampleRss(target.pid);
  const cpuBefore = cpuMs(target.pid);
  const instance = autocannon({
    url: `${target.url}/api/messages`,
    connections: opts.connections,
    duration: opts.seconds,
    timeout: 10,
    ...(opts.overallRate ? { overallRate: opts.overallRate } : {}),
    // Each connection gets its own request objects, so its first turn uses its own conversation.
    setupClient: (client) => client.setRequests(requestsFor(target.echo, tally)),
  });
  instance.on('response', (_client, status, _bytes, ms) => {
    if (status >= 200 && status < 300) latencies.push(ms);
  });
  const errorKinds = new Map<string, number>();
  instance.on('reqError', (error) => {
    const kind = error?.code ?? error?.message ?? 'unknown';
    errorKinds.set(kind, (errorKinds.get(kind) ?? 0) + 1);
  });
  const result = await instance;
  const cpu = cpuMs(target.pid) - cpuBefore;
  const { p50, p95, p99 } = summarise(latencies);
  return {
    target: target.name,
    connections: opts.connections,
    offered: opts.overallRate ?? null,
    turnsPerSecond: latencies.length / result.duration,
    p50,
    p95,
    p99,
    errors: result.errors, // connection errors and timeouts
    non2xx: result.non2xx,
    badReplies: tally.bad,
    badSample: tally.sample,
    errorKinds: [...errorKinds].map(([kind, n]) => `${kind}: ${n}`).join(', '),
    peakRssMb: peak(),
    cpuMsPerTurn: cpu / latencies.length,
    handovers: tally.handovers,
  };
}
