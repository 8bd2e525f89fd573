/**
 * Cold start of the built server (`node dist/app/main.js`: spawning the process to its first
 * answer on /api/messages) beside a baseline checkout's, taking turns, so the machine's load
 * falls on both:
 *
 *   node --import tsx bench/cold-start.ts --baseline DIR [--runs N] [--echo]
 *
 * `--echo` adds the load benchmark's echo bot (dist/bench/echo-bot.js of this checkout) as a third
 * contestant, so the ratio that issue 14 sets a target on (at most 2x the echo bot) is printed from
 * the same turns.
 *
 * Both are built first (`node bin/build.js` in each). Printed: the median wall time, the CPU the
 * process had used by then (user + system, all its threads: what the start costs whatever else
 * the machine is doing) and its resident memory then. `npm run bench:load` reports the same
 * beside the echo bot; this is for measuring a change to start-up against the code before it.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startChild } from './processes.js';

const args = process.argv.slice(2);
const option = (name: string) => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);
const RUNS = Number(option('--runs') ?? 5);
const baseline = option('--baseline');
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const checkouts = [...(baseline ? [['baseline', resolve(baseline)]] : []), ['this checkout', ROOT]] as const;
const contestants: (readonly [string, string, string])[] = [
  ...checkouts.map(([name, dir]) => [name, dir, 'dist/app/main.js'] as const),
  ...(args.includes('--echo') ? [['echo bot', ROOT, 'dist/bench/echo-bot.js'] as const] : []),
];

for (const [, dir] of checkouts) {
  const build = spawnSync(process.execPath, ['bin/build.js', '--quiet'], { cwd: dir, stdio: 'inherit' });
  if (build.status !== 0) throw new Error(`build failed in ${dir}`);
}
const dataDir = mkdtempSync(join(tmpdir(), 'deal-cold-'));
const port = 41_000 + (process.pid % 9_000);
const runs = new Map(contestants.map(([name]) => [name, { ms: [] as number[], cpu: [] as number[], rss: [] as number[] }]));
try {
  for (let i = 0; i < RUNS; i++) {
    for (const [name, dir, script] of contestants) {
      const env = { LOG_LEVEL: 'warn', NODE_ENV: 'development', DATA_DIR: join(dataDir, `${i}-${name.replace(/ /g, '-')}`) };
      const child = await startChild(name, script, port, env, dir);
      await child.stop();
      const r = runs.get(name)!;
      r.ms.push(child.coldStartMs);
      r.cpu.push(child.startCpuMs);
      r.rss.push(child.startRssMb);
    }
  }
} finally {
  rmSync(dataDir, { recursive: true, force: true });
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)]!;
console.log(`Cold start, median of ${RUNS} (process start to the first answer on /api/messages):`);
const echo = runs.get('echo bot');
for (const [name, dir] of contestants) {
  const r = runs.get(name)!;
  const ratio = echo && name !== 'echo bot' ? `  ${(median(r.ms) / median(echo.ms)).toFixed(2)}x the echo bot (CPU ${(median(r.cpu) / median(echo.cpu)).toFixed(2)}x)` : '';
  console.log(`  ${name.padEnd(14)} ${median(r.ms).toFixed(0).padStart(6)} ms to answer ${median(r.cpu).toFixed(0).padStart(6)} ms CPU ${median(r.rss).toFixed(0).padStart(5)} MB   (CPU runs: ${r.cpu.map((x) => x.toFixed(0)).join(', ')})  ${dir}${ratio}`);
}
