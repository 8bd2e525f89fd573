/**
 * CPU per turn of the built server beside a baseline checkout's, in the same run: both are
 * started (`node dist/app/main.js`, each with an empty data directory), warmed up, then loaded
 * in turns with the load benchmark's scripted sessions (autocannon, closed loop), so the
 * machine's load falls on both. For measuring a change to the turn machinery against the code
 * before it; `npm run bench:load` reports the same figure beside the echo bot.
 *
 *   node --import tsx bench/turn-pairs.ts --baseline DIR [--pairs 4] [--seconds 10] [--connections 10] [--profile DIR]
 *
 * `--profile DIR`: each server writes a CPU profile into DIR/<baseline|this-checkout>/ (bench/cpu-profile-preload.mjs),
 * for comparing where the time of a turn goes; the turns each answered are printed with them.
 * CPU per turn is the server process's user + system time over the turns it answered: what a
 * turn costs, whatever else the machine is doing. Wrong replies are counted, as in bench:load.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { runAutocannon } from './autocannon-run.js';
import { freePort, startChild } from './processes.js';

const args = process.argv.slice(2);
const option = (name: string) => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);
const baseline = option('--baseline');
if (!baseline) throw new Error('--baseline DIR: a checkout of the code before (built here first)');
const PAIRS = Number(option('--pairs') ?? 4);
const SECONDS = Number(option('--seconds') ?? 10);
const CONNECTIONS = Number(option('--connections') ?? 10);
const profile = option('--profile');
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const checkouts = [
  ['baseline', resolve(baseline)],
  ['this checkout', ROOT],
] as const;

for (const [, dir] of checkouts) {
  const build = spawnSync(process.execPath, ['bin/build.js', '--quiet'], { cwd: dir, stdio: 'inherit' });
  if (build.status !== 0) throw new Error(`build failed in ${dir}`);
}
const dataDir = mkdtempSync(join(tmpdir(), 'deal-pairs-'));
const env = { LOG_LEVEL: 'warn', NODE_ENV: 'development', TRUST_PROXY: 'loopback' };
const servers = [];
try {
  for (const [name, dir] of checkouts) {
    const slug = name.replace(/ /g, '-');
    const profiling: Record<string, string> = profile ? { NODE_OPTIONS: `--import ${pathToFileURL(join(ROOT, 'bench', 'cpu-profile-preload.mjs')).href}`, CPU_PROFILE_DIR: join(resolve(profile), slug) } : {};
    if (profile) mkdirSync(join(resolve(profile), slug), { recursive: true });
    const own = { ...env, DATA_DIR: join(dataDir, slug), ...profiling };
    servers.push({ name, child: { ...(await startChild(name, 'dist/app/main.js', await freePort(), own, dir)), echo: false }, cpu: [] as number[], bad: 0, turns: 0 });
  }
  for (const s of servers) await runAutocannon(s.child, { connections: CONNECTIONS, seconds: 5 }); // warm-up
  for (let i = 0; i < PAIRS; i++) {
    for (const s of i % 2 === 0 ? servers : [...servers].reverse()) {
      const r = await runAutocannon(s.child, { connections: CONNECTIONS, seconds: SECONDS });
      s.cpu.push(r.cpuMsPerTurn);
      s.turns += Math.round(r.turnsPerSecond * SECONDS);
      s.bad += r.badReplies + r.errors + r.non2xx;
    }
  }
} finally {
  for (const s of servers) await s.child.stop();
  rmSync(dataDir, { recursive: true, force: true });
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)]!;
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
console.log(`CPU per turn, ${PAIRS} runs each of ${SECONDS} s at ${CONNECTIONS} connections, taking turns:`);
for (const s of servers) {
  console.log(`  ${s.name.padEnd(14)} median ${median(s.cpu).toFixed(2)} ms, mean ${mean(s.cpu).toFixed(2)} ms  (runs: ${s.cpu.map((x) => x.toFixed(2)).join(', ')}; errors and wrong replies: ${s.bad}; ${s.turns} turns measured)`);
}
const [before, after] = servers.map((s) => median(s.cpu));
console.log(`  after/before ${(after! / before!).toFixed(2)}`);
