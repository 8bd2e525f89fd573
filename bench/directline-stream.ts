/**
 * Reply latency on the embedded Direct Line, streaming against polling, in the same run:
 * Microsoft's own client (`botframework-directlinejs`, what web chat uses) against the real
 * server in a child process. Each conversation asks the same questions one after another;
 * the latency of a turn is from `postActivity` to the client seeing the bot's answer (and,
 * streaming, the typing activity before it). Conversations alternate between the modes so
 * that all see the same machine; between turns a seeded 100 to 600 ms pause, as a person reads.
 *
 *   npm run bench:stream            (BENCH_CONVERSATIONS=10 per mode by default)
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, post, webchatSession, type Activity } from './directline-client.js';
import { freePort } from './processes.js';
import { startChild, summarise } from './processes.js';

const CONVERSATIONS = Number(process.env.BENCH_CONVERSATIONS ?? 10);
const QUESTIONS = [
  'how do i apply for an ehcp',
  'what is a SENCO',
  'CAMHS',
  'my son has autism and school is not helping',
  'SENDIASS',
  'how long does an ehcp take',
  'what is SEN support',
  'can i get help with school transport',
];

type Mode = { name: string; webSocket: boolean; pollingInterval: number };
const MODES: Mode[] = [
  { name: 'streaming (WebSocket)', webSocket: true, pollingInterval: 500 },
  { name: 'polling every 500 ms (the page before)', webSocket: false, pollingInterval: 500 },
  { name: 'polling every 200 ms (the client\'s fastest)', webSocket: false, pollingInterval: 200 },
];

/** A seeded generator (mulberry32), so every run waits the same. */
let seed = 0x5eed;
function random(): number {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}

const isAnswer = (a: Activity) => a.type === 'message' && a.from?.role === 'bot';

async function conversation(url: string, mode: Mode, n: number): Promise<{ answers: number[]; typing: number[] }> {
  const session = await webchatSession(url, { 'x-forwarded-for': `10.9.${(n >> 8) & 255}.${n & 255}` });
  const client = connect(session, { webSocket: mode.webSocket, pollingInterval: mode.pollingInterval });
  const answers: number[] = [];
  const typing: number[] = [];
  try {
    await client.next((a) => isAnswer(a) && /DEAL assistant/.test(a.text ?? ''), { timeoutMs: 20_000 });
    for (const question of QUESTIONS) {
      const from = client.seen.length;
      const started = performance.now();
      const id = await post(client, question, session.userId);
      const answer = await client.next((a) => isAnswer(a) && a.replyToId === id, { from, timeoutMs: 20_000 });
      answers.push(answer.at - started);
      const typed = client.seen.slice(from).find((s) => s.activity.type === 'typing' && s.activity.replyToId === id);
      if (typed) typing.push(typed.at - started);
      // A person reads, then types: 100 to 600 ms here (seeded), so a poll's phase is not locked to the turns.
      await new Promise((r) => setTimeout(r, 100 + 500 * random()));
    }
  } finally {
    client.end();
  }
  return { answers, typing };
}

async function main(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'deal-bench-stream-'));
  const port = await freePort();
  const server = await startChild('ours', 'app/main.ts', port, { DATA_DIR: dataDir, LOG_LEVEL: 'warn', NODE_ENV: 'development', TRUST_PROXY: 'loopback' });
  try {
    console.log(`Direct Line reply latency, ${CONVERSATIONS} conversations of ${QUESTIONS.length} questions per mode, modes interleaved, server in a child process (${process.version}).`);
    console.log('Latency: from postActivity to the client seeing the answer (botframework-directlinejs).\n');
    const results = new Map(MODES.map((m) => [m.name, { answers: [] as number[], typing: [] as number[] }]));
    let n = 0;
    for (let i = 0; i < CONVERSATIONS; i++) {
      for (const mode of MODES) {
        const r = await conversation(server.url, mode, n++);
        results.get(mode.name)!.answers.push(...r.answers);
        results.get(mode.name)!.typing.push(...r.typing);
      }
    }
    const ms = (x: number) => `${x.toFixed(1)} ms`;
    console.log('| mode | turns | answer p50 | answer p95 | typing shown p50 |');
    console.log('| --- | --- | --- | --- | --- |');
    for (const mode of MODES) {
      const r = results.get(mode.name)!;
      const a = summarise(r.answers);
      const t = r.typing.length ? ms(summarise(r.typing).p50) : 'none';
      console.log(`| ${mode.name} | ${r.answers.length} | ${ms(a.p50)} | ${ms(a.p95)} | ${t} |`);
    }
    const streaming = summarise(results.get(MODES[0]!.name)!.answers);
    console.log(`\nStreaming p50 ${ms(streaming.p50)}: target < 100 ms ${streaming.p50 < 100 ? 'met' : 'NOT met'}.`);
  } finally {
    await server.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

await main();
process.exit(0);
