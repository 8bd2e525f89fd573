/**
 * `npm run bench:load`: throughput and latency of the real server under mixed web chat
 * traffic, against a baseline measured in the same run (a minimal echo bot on the same
 * Bot Framework adapter, `echo-bot.ts`).
 *
 * Both servers run as child processes, built to plain JavaScript first (`npm run build`, as
 * `npm start` runs them: `dist/app/main.js` with a temporary DATA_DIR, and `dist/bench/echo-bot.js`),
 * so the load generator (autocannon here) never shares their event loop: on a 2-core machine the
 * server gets a core of its own, as it would in production. Every question text is different
 * (bench/traffic.ts), so no cache can flatter the figures. Stages:
 *  0. cold start (spawning the process to its first answer on /api/messages) and memory then,
 *     ours and the echo bot taking turns, the median of BENCH_COLD_STARTS (default 3); and once
 *     each through tsx, as the sources ran before the build step, to show what the transpiler costs;
 *  1. closed loop at 10, 50 and 200 connections, ours and the echo bot in turn;
 *  2. a fixed offered rate of 200 turns/s: autocannon `overallRate`, and a paced open loop;
 *  3. the embedded Direct Line with many web chat conversations at once;
 *  then each server's peak resident memory over the whole run (the kernel's high-water mark).
 * Set BENCH_SECONDS to change the length of each stage (default 10).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runAutocannon, type LoadResult } from './autocannon-run.js';
import { runDirectLine } from './directline-load.js';
import { runOpenLoop } from './open-loop.js';
import { startChild, type Child } from './processes.js';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const CONNECTIONS = [10, 50, 200];
const OPEN_RATE = 200;
const DIRECT_LINE_USERS = 200;
const COLD_STARTS = Number(process.env.BENCH_COLD_STARTS ?? 3);

const dataDir = mkdtempSync(join(tmpdir(), 'deal-bench-'));
const started: Child[] = [];
const stopAll = async () => {
  for (const child of started) await child.stop();
  rmSync(dataDir, { recursive: true, force: true });
};
process.on('SIGINT', () => void stopAll().then(() => process.exit(130)));

const ms = (x: number) => (Number.isFinite(x) ? x.toFixed(1) : '-').padStart(7);
const num = (x: number, width = 8) => x.toFixed(0).padStart(width);
const errs = (r: LoadResult) => `${r.errors}/${r.non2xx}/${r.badReplies}`.padStart(12);
const row = (label: string, r: LoadResult, extra = '') =>
  `${label.padEnd(10)}${num(r.connections, 6)}${num(r.turnsPerSecond)}${ms(r.p50)}${ms(r.p95)}${ms(r.p99)}${errs(r)}${num(r.peakRssMb, 9)}${r.cpuMsPerTurn.toFixed(2).padStart(8)}${extra}`;
const HEADER = `${'server'.padEnd(10)}${'conns'.padStart(6)}${'turns/s'.padStart(8)}${'p50 ms'.padStart(7)}${'p95 ms'.padStart(7)}${'p99 ms'.padStart(7)}${'err/non2xx/bad'.padStart(15)}${'RSS MB'.padStart(9)}${'cpu/turn'.padStart(9)}`;

function problems(r: LoadResult): string {
  const errors = r.errorKinds ? `\n    errors (${r.target}): ${r.errorKinds}` : '';
  return errors + (r.badSample ? `\n    first bad reply (${r.target}): ${r.badSample}` : '');
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)]!;
const OURS_ENV = { LOG_LEVEL: 'warn', NODE_ENV: 'development', TRUST_PROXY: 'loopback' };
let dataDirs = 0;
const ourEnv = () => ({ ...OURS_ENV, DATA_DIR: join(dataDir, `run-${dataDirs++}`) }); // a fresh, empty data directory: a real cold start

try {
  const base = 40_000 + (process.pid % 10_000);
  const build = spawnSync(process.execPath, ['bin/build.js', '--quiet'], { cwd: fileURLToPath(new URL('..', import.meta.url)), stdio: 'inherit' });
  if (build.status !== 0) throw new Error('npm run build failed');
  console.log(`Load benchmark: ${SECONDS} s per stage, server and echo bot in child processes, load from this process (${process.version}).`);
  console.log('Traffic: scripted web chat sessions (questions, guided triage, handovers with consent and contact details), every question text different.\n');

  console.log(`0. Cold start: process start to the first answer on /api/messages, and resident memory then (median of ${COLD_STARTS}, ours and echo taking turns)`);
  const cold = { ours: [] as number[], echo: [] as number[], oursRss: [] as number[], echoRss: [] as number[], oursCpu: [] as number[], echoCpu: [] as number[] };
  for (let i = 0; i < COLD_STARTS; i++) {
    for (const [name, script, env] of [['ours', 'dist/app/main.js', ourEnv()], ['echo', 'dist/bench/echo-bot.js', {}]] as const) {
      const child = await startChild(name, script, base + 2, env);
      await child.stop();
      cold[name].push(child.coldStartMs);
      cold[`${name}Rss`].push(child.startRssMb);
      cold[`${name}Cpu`].push(child.startCpuMs);
    }
  }
  const viaTsx: Record<string, Child> = {};
  for (const [name, script, env] of [['ours', 'app/main.ts', ourEnv()], ['echo', 'bench/echo-bot.ts', {}]] as const) {
    viaTsx[name] = await startChild(name, script, base + 2, env);
    await viaTsx[name].stop();
  }
  const coldRow = (label: string, ms: number, cpu: number, mb: number) =>
    `   ${label.padEnd(36)}${ms.toFixed(0).padStart(6)} ms to answer${cpu.toFixed(0).padStart(6)} ms CPU${mb.toFixed(0).padStart(6)} MB`;
  console.log(coldRow('ours (node dist/app/main.js)', median(cold.ours), median(cold.oursCpu), median(cold.oursRss)));
  console.log(coldRow('echo (node dist/bench/echo-bot.js)', median(cold.echo), median(cold.echoCpu), median(cold.echoRss)));
  console.log(`   ours/echo: ${(median(cold.ours) / median(cold.echo)).toFixed(2)} (time), ${(median(cold.oursCpu) / median(cold.echoCpu)).toFixed(2)} (CPU), ${(median(cold.oursRss) / median(cold.echoRss)).toFixed(2)} (memory)`);
  console.log(coldRow('ours through tsx (app/main.ts)', viaTsx.ours!.coldStartMs, viaTsx.ours!.startCpuMs, viaTsx.ours!.startRssMb));
  console.log(`${coldRow('echo through tsx (echo-bot.ts)', viaTsx.echo!.coldStartMs, viaTsx.echo!.startCpuMs, viaTsx.echo!.startRssMb)}\n`);

  const ours = { ...(await startChild('ours', 'dist/app/main.js', base, ourEnv())), echo: false };
  started.push(ours);
  const echo = { ...(await startChild('echo', 'dist/bench/echo-bot.js', base + 1, {})), echo: true };
  started.push(echo);

  // Warm up both (JIT, SQLite caches); not reported.
  await runAutocannon(ours, { connections: 10, seconds: 2 });
  await runAutocannon(echo, { connections: 10, seconds: 2 });

  console.log('1. Closed loop on /api/messages (deliveryMode expectReplies)');
  console.log(`${HEADER}  ours/echo`);
  const ratios = new Map<number, number>();
  const notes: string[] = [];
  let errorsSeen = 0; // in the runs the targets are about: 50 connections and the fixed rate
  let errorsAt200 = 0;
  for (const connections of CONNECTIONS) {
    const r = await runAutocannon(ours, { connections, seconds: SECONDS });
    const e = await runAutocannon(echo, { connections, seconds: SECONDS });
    ratios.set(connections, r.turnsPerSecond / e.turnsPerSecond);
    const errors = r.errors + r.non2xx + r.badReplies + e.errors + e.non2xx + e.badReplies;
    if (connections === 200) errorsAt200 += errors;
    else errorsSeen += errors;
    console.log(`${row('ours', r, `  ${ratios.get(connections)!.toFixed(2).padStart(9)}`)}${problems(r)}`);
    console.log(`${row('echo', e)}${problems(e)}`);
    notes.push(`${connections} conns: ${r.handovers} handovers stored`);
  }
  console.log(`   (${notes.join('; ')})\n`);

  console.log(`2. Fixed offered rate: ${OPEN_RATE} turns/s`);
  console.log(`${HEADER}  (conns = connections, or most turns in flight for the paced run)`);
  const rateResults: [string, LoadResult][] = [];
  for (const target of [ours, echo]) {
    const r = await runAutocannon(target, { connections: 20, seconds: SECONDS, overallRate: OPEN_RATE });
    rateResults.push([`autocannon overallRate, ${target.name}`, r]);
    console.log(`${row(target.name, r, '  autocannon overallRate')}${problems(r)}`);
  }
  for (const target of [ours, echo]) {
    const r = await runOpenLoop(target, { rate: OPEN_RATE, seconds: SECONDS });
    rateResults.push([`paced open loop, ${target.name}`, r]);
    console.log(`${row(target.name, r, '  paced open loop')}${problems(r)}`);
  }
  for (const [, r] of rateResults) errorsSeen += r.errors + r.non2xx + r.badReplies;
  console.log('   autocannon spends each connection\'s per-second budget back to back at the start of each second (bursts);');
  console.log('   the paced run sends one turn every 5 ms and times each from its scheduled send time.\n');

  console.log(`3. Embedded Direct Line: ${DIRECT_LINE_USERS} web chat conversations at once (token, start, post, poll with watermarks)`);
  const dl = await runDirectLine(ours, { users: DIRECT_LINE_USERS, seconds: SECONDS });
  errorsSeen += dl.errors + dl.badReplies;
  console.log(
    `   ${dl.conversations} conversations, ${dl.turnsPerSecond.toFixed(0)} turns/s, post-to-reply p50 ${dl.p50.toFixed(1)} ms, p95 ${dl.p95.toFixed(1)} ms, p99 ${dl.p99.toFixed(1)} ms, errors ${dl.errors}, bad replies ${dl.badReplies}, peak RSS ${dl.peakRssMb.toFixed(0)} MB${dl.badSample ? `\n   first problem: ${dl.badSample}` : ''}\n`,
  );

  const peakOurs = ours.peakRssMb();
  const peakEcho = echo.peakRssMb();
  console.log(`4. Peak resident memory over the whole run: ours ${peakOurs.toFixed(0)} MB, echo ${peakEcho.toFixed(0)} MB, ours/echo ${(peakOurs / peakEcho).toFixed(2)}\n`);

  const ratio50 = ratios.get(50)!;
  const paced = rateResults.find(([label]) => label === 'paced open loop, ours')![1];
  const burst = rateResults.find(([label]) => label === 'autocannon overallRate, ours')![1];
  const verdict = (ok: boolean) => (ok ? 'MET' : 'NOT MET');
  console.log('Targets');
  console.log(`   50 connections, throughput >= 2/3 of the echo bot's: ${ratio50.toFixed(2)} -> ${verdict(ratio50 >= 2 / 3)}`);
  console.log(`   200 turns/s, p95 < 20 ms: paced open loop ${paced.p95.toFixed(1)} ms -> ${verdict(paced.p95 < 20)}; autocannon overallRate (bursty) ${burst.p95.toFixed(1)} ms -> ${verdict(burst.p95 < 20)}`);
  console.log(`   no errors (connection errors, timeouts, non-2xx, wrong replies) at 10 and 50 connections, at 200 turns/s and on Direct Line: ${errorsSeen} -> ${verdict(errorsSeen === 0)}`);
  const coldRatio = median(cold.ours) / median(cold.echo);
  const coldCpuRatio = median(cold.oursCpu) / median(cold.echoCpu);
  console.log(`   cold start <= 2x the echo bot's: ${median(cold.ours).toFixed(0)} ms vs ${median(cold.echo).toFixed(0)} ms, ${coldRatio.toFixed(2)}x -> ${verdict(coldRatio <= 2)} (CPU: ${coldCpuRatio.toFixed(2)}x)`);
  console.log(`   peak RSS <= 2x the echo bot's: ${peakOurs.toFixed(0)} MB vs ${peakEcho.toFixed(0)} MB, ${(peakOurs / peakEcho).toFixed(2)}x -> ${verdict(peakOurs <= 2 * peakEcho)}`);
  console.log(`   (beyond the targets: ${errorsAt200} errors at 200 connections. A saturated Node process accepts new connections`);
  console.log('    slowly, so some of the 200 first requests wait past the 10 s timeout; an echo bot given 0.8 ms of work per turn');
  console.log('    does the same. In production a reverse proxy holds the connections, and a second instance adds capacity.)');
} finally {
  await stopAll();
}
