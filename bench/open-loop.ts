/**
 * A true open-loop load at a fixed offered rate: turns are sent on a fixed schedule (one every
 * 1000/rate ms) whether or not earlier ones have been answered, and each latency is measured
 * from the turn's scheduled time, so a stalled server is not hidden by a waiting client
 * ("coordinated omission"). autocannon's `overallRate` instead gives each connection a budget
 * per second that it spends back to back at the start of each second, i.e. bursts.
 *
 * Each arriving turn goes to an idle scripted session (turns of one conversation never
 * overlap, as with a real person), or starts a new one.
 */
import { Agent, request } from 'node:http';
import { cpuMs, sampleRss, summarise, type Child } from './processes.js';
import type { LoadResult } from './autocannon-run.js';
import { activityBody, replyOk, Session, SESSION_TURNS } from './traffic.js';

type Conversation = { id: string; session: Session; next: number };

function post(agent: Agent, url: URL, body: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      { method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    req.setTimeout(10_000, () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end(body);
  });
}

let sessionCounter = 10_000_000;

export async function runOpenLoop(target: Child & { echo: boolean }, opts: { rate: number; seconds: number }): Promise<LoadResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: 512 });
  const url = new URL('/api/messages', target.url);
  const latencies: number[] = [];
  const idle: Conversation[] = [];
  let errors = 0;
  const errorKinds = new Map<string, number>();
  let non2xx = 0;
  let bad = 0;
  let badSample = '';
  let handovers = 0;
  let maxInFlight = 0;
  let inFlight = 0;
  const interval = 1000 / opts.rate;
  const total = Math.round(opts.rate * opts.seconds);
  const peak = sampleRss(target.pid);
  const cpuBefore = cpuMs(target.pid);
  const pending: Promise<void>[] = [];
  const start = performance.now();

  const send = (scheduled: number) => {
    const session = idle.pop() ?? { id: `open-${process.pid}-${sessionCounter}`, session: new Session(sessionCounter++), next: 0 };
    const i = session.next++;
    const turn = session.session.next();
    inFlight += 1;
    maxInFlight = Math.max(maxInFlight, inFlight);
    const done = post(agent, url, activityBody(session.id, i, turn))
      .then((res) => {
        if (res.status < 200 || res.status >= 300) non2xx += 1;
        else {
          latencies.push(performance.now() - scheduled);
          session.session.observe(res.body);
          if (!replyOk(turn, res.body, target.echo)) {
            bad += 1;
            if (!badSample) badSample = `${JSON.stringify(turn.text ?? turn.value)}: ${res.body.slice(0, 300)}`;
          } else if (turn.value?.action === 'handover-send') handovers += 1;
        }
      })
      .catch((error: unknown) => {
        errors += 1;
        const kind = (error as { code?: string })?.code ?? (error instanceof Error ? error.message : 'unknown');
        errorKinds.set(kind, (errorKinds.get(kind) ?? 0) + 1);
      })
      .finally(() => {
        inFlight -= 1;
        if (session.next < SESSION_TURNS) idle.push(session);
      });
    pending.push(done);
  };

  await new Promise<void>((resolve) => {
    let sent = 0;
    const tick = () => {
      const now = performance.now();
      while (sent < total && start + sent * interval <= now) send(start + sent++ * interval);
      if (sent >= total) return resolve();
      setTimeout(tick, Math.max(0, start + sent * interval - performance.now()));
    };
    tick();
  });
  await Promise.all(pending);
  const cpu = cpuMs(target.pid) - cpuBefore;
  const elapsed = (performance.now() - start) / 1000;
  agent.destroy();
  const { p50, p95, p99 } = summarise(latencies);
  return {
    target: target.name,
    connections: maxInFlight,
    offered: opts.rate,
    turnsPerSecond: latencies.length / elapsed,
    p50,
    p95,
    p99,
    errors,
    non2xx,
    badReplies: bad,
    badSample,
    errorKinds: [...errorKinds].map(([kind, n]) => `${kind}: ${n}`).join(', '),
    peakRssMb: peak(),
    cpuMsPerTurn: cpu / latencies.length,
    handovers,
  };
}
