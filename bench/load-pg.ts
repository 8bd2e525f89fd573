/**
 * `npm run bench:load:pg`: the load benchmark's traffic (bench/load.ts's stages, shorter) against
 * two instances on one PostgreSQL database behind a round-robin balancer, beside one
 * instance on SQLite behind the same balancer, measured in the same run (issue 17: "can run
 * against two instances on PostgreSQL and prints throughput and p95 beside one on SQLite").
 *
 * Every server, and the balancer (round-robin-main.ts, no sticky sessions), is a child
 * process; the load comes from this one. The database is BENCH_DATABASE_URL, else
 * PG_TEST_URL (e.g. from `.ci/postgres.sh start`); a fresh schema is made and dropped. RSS and
 * CPU per turn are those of the first instance of each setup. BENCH_SECONDS sets each stage's
 * length (default 10). On a small machine the instances, PostgreSQL and the load generator
 * share its cores: the figures say what one machine does, not what two would.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { runAutocannon, type LoadResult } from './autocannon-run.js';
import { runDirectLine, type DirectLineResult } from './directline-load.js';
import { runOpenLoop } from './open-loop.js';
import { freePort, startChild, type Child } from './processes.js';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const DATABASE = process.env.BENCH_DATABASE_URL ?? process.env.PG_TEST_URL;
if (!DATABASE) {
  console.error('bench:load:pg needs PostgreSQL: set BENCH_DATABASE_URL (or PG_TEST_URL, e.g. eval "$(bash .ci/postgres.sh start)")');
  process.exit(2);
}
const schema = `bench_${randomBytes(4).toString('hex')}`;
const dirs: string[] = [];
const started: Child[] = [];
const stopAll = async () => {
  for (const child of started.reverse()) await child.stop();
  dirs.forEach((d) => rmSync(d, { recursive: true, force: true }));
  const pool = new pg.Pool({ connectionString: DATABASE, max: 1 });
  await pool.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`).catch(() => undefined);
  await pool.end();
};
process.on('SIGINT', () => void stopAll().then(() => process.exit(130)));

const common = { LOG_LEVEL: 'warn', NODE_ENV: 'development', TRUST_PROXY: 'loopback', SESSION_SECRET: 'bench secret shared by every instance, 32+ chars' };
async function instance(name: string, env: Record<string, string>): Promise<Child> {
  const dir = mkdtempSync(join(tmpdir(), 'deal-bench-pg-'));
  dirs.push(dir);
  const child = await startChild(name, 'app/main.ts', await freePort(), { ...common, DATA_DIR: dir, ...env });
  started.push(child);
  return child;
}
/** A balancer in front of `targets`, as a Child whose pid (for RSS and CPU) is the first target's. */
async function balanced(name: string, targets: Child[]): Promise<Child & { echo: false }> {
  const balancer = await startChild(`${name} balancer`, 'bench/round-robin-main.ts', await freePort(), { TARGETS: targets.map((t) => t.url).join(',') });
  started.push(balancer);
  return { ...balancer, name, pid: targets[0]!.pid, echo: false };
}

const ms = (x: number) => (Number.isFinite(x) ? x.toFixed(1) : '-').padStart(8);
const line = (label: string, r: Pick<LoadResult, 'turnsPerSecond' | 'p50' | 'p95' | 'p99'>, errors: number, extra = '') =>
  `${label.padEnd(34)}${r.turnsPerSecond.toFixed(0).padStart(8)}${ms(r.p50)}${ms(r.p95)}${ms(r.p99)}${String(errors).padStart(8)}${extra}`;
const loadErrors = (r: LoadResult) => r.errors + r.non2xx + r.badReplies;
const dlErrors = (r: DirectLineResult) => r.errors + r.badReplies;

try {
  const sqlite = await balanced('1 x SQLite', [await instance('sqlite', {})]);
  const pgEnv = { DATABASE_URL: DATABASE, DATABASE_SCHEMA: schema };
  const [a, b] = await Promise.all([instance('pg-a', pgEnv), instance('pg-b', pgEnv)]); // both migrate the empty schema at once
  const twoPg = await balanced('2 x PostgreSQL', [a, b]);
  console.log(`Load on one instance on SQLite and on two on PostgreSQL (schema ${schema}), each behind a round-robin balancer;`);
  console.log(`${SECONDS} s per stage, servers and balancers in child processes, load from this process (${process.version}).\n`);
  for (const target of [sqlite, twoPg]) await runAutocannon(target, { connections: 10, seconds: 2 }); // warm up, not reported

  const header = `${'setup, stage'.padEnd(34)}${'turns/s'.padStart(8)}${'p50 ms'.padStart(8)}${'p95 ms'.padStart(8)}${'p99 ms'.padStart(8)}${'errors'.padStart(8)}`;
  console.log(header);
  for (const target of [sqlite, twoPg]) {
    const closed = await runAutocannon(target, { connections: 50, seconds: SECONDS });
    console.log(line(`${target.name}, 50 connections`, closed, loadErrors(closed), `   ${closed.handovers} handovers`));
    const paced = await runOpenLoop(target, { rate: 200, seconds: SECONDS });
    console.log(line(`${target.name}, 200 turns/s paced`, paced, loadErrors(paced)));
    const dl = await runDirectLine(target, { users: 200, seconds: SECONDS });
    console.log(line(`${target.name}, Direct Line 200 users`, dl, dlErrors(dl), `   ${dl.conversations} conversations, post-to-reply`));
  }
  console.log('\n/api/messages turns are closed loop (50 connections) and a paced open loop (one turn every 5 ms);');
  console.log('Direct Line is token, start, post and poll with watermarks, each request to the next instance.');
} finally {
  await stopAll();
}
