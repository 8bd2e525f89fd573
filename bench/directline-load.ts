/**
 * Load on the embedded Direct Line, as the web chat page uses it: many families at once, each
 * getting a token, starting the conversation (the welcome), then posting messages and reading
 * the replies with watermarks. Reports turns per second and the post-to-reply time (from
 * sending a message to the poll that returns the bot's answer). Each simulated family comes
 * from its own address (X-Forwarded-For through the trusted loopback proxy), as behind a
 * reverse proxy in production, so the per-address token limit applies per family.
 */
import { sampleRss, summarise, type Child } from './processes.js';
import { replyOk, Session } from './traffic.js';

type Activity = { id?: string; replyToId?: string; from?: { role?: string } };
export type DirectLineResult = {
  users: number;
  turnsPerSecond: number;
  p50: number;
  p95: number;
  p99: number;
  errors: number;
  badReplies: number;
  badSample: string;
  conversations: number;
  peakRssMb: number;
};

const TURNS_PER_CONVERSATION = 8;

export async function runDirectLine(target: Child, opts: { users: number; seconds: number }): Promise<DirectLineResult> {
  const latencies: number[] = [];
  let errors = 0;
  let bad = 0;
  let badSample = '';
  let conversations = 0;
  let sessionNo = 20_000_000;
  let ipNo = 0;
  const peak = sampleRss(target.pid);
  const start = performance.now();
  const deadline = start + opts.seconds * 1000;

  const json = async (res: Response, expected: number) => {
    if (res.status !== expected) throw new Error(`HTTP ${res.status}: ${(await res.text()).slice(0, 200)}`);
    return res.json() as Promise<Record<string, unknown>>;
  };

  async function family(): Promise<void> {
    while (performance.now() < deadline) {
      const n = ipNo++;
      const ip = { 'x-forwarded-for': `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}` };
      try {
        const session = await json(await fetch(`${target.url}/api/webchat/token`, { method: 'POST', headers: ip }), 200);
        const base = String(session.domain);
        const auth = { ...ip, authorization: `Bearer ${String(session.token)}`, 'content-type': 'application/json' };
        const { conversationId } = (await json(await fetch(`${base}/conversations`, { method: 'POST', headers: auth }), 201)) as { conversationId: string };
        const list = (watermark: string) => fetch(`${base}/conversations/${conversationId}/activities${watermark ? `?watermark=${watermark}` : ''}`, { headers: auth });
        let watermark = '';
        for (let poll = 0; ; poll++) {
          const page = (await json(await list(''), 200)) as { activities: Activity[]; watermark: string };
          watermark = page.watermark;
          if (page.activities.length > 0) break;
          if (poll > 200) throw new Error('no welcome');
          await new Promise((r) => setTimeout(r, 10));
        }
        conversations += 1;
        const script = new Session(sessionNo++);
        for (let t = 0; t < TURNS_PER_CONVERSATION; t++) {
          const turn = script.next();
          if (performance.now() >= deadline) return;
          const t0 = performance.now();
          const body = { type: 'message', text: turn.text ?? '', ...(turn.value ? { value: turn.value } : {}), from: { id: 'x' } };
          const { id } = (await json(await fetch(`${base}/conversations/${conversationId}/activities`, { method: 'POST', headers: auth, body: JSON.stringify(body) }), 200)) as { id: string };
          let replies: Activity[] = [];
          for (let poll = 0; replies.length === 0 && poll < 100; poll++) {
            const page = (await json(await list(watermark), 200)) as { activities: Activity[]; watermark: string };
            watermark = page.watermark;
            replies = page.activities.filter((a) => a.replyToId === id);
          }
          latencies.push(performance.now() - t0);
          const text = JSON.stringify({ activities: replies });
          script.observe(text);
          if (!replyOk(turn, text, false)) {
            bad += 1;
            if (!badSample) badSample = `${JSON.stringify(turn.text ?? turn.value)}: ${text.slice(0, 300)}`;
          }
        }
      } catch (error) {
        errors += 1;
        if (!badSample) badSample = (error as Error).message;
      }
    }
  }

  await Promise.all(Array.from({ length: opts.users }, family));
  const elapsed = (performance.now() - start) / 1000;
  const { p50, p95, p99 } = summarise(latencies);
  return { users: opts.users, turnsPerSecond: latencies.length / elapsed, p50, p95, p99, errors, badReplies: bad, badSample, conversations, peakRssMb: peak() };
}
