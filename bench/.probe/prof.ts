import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runAutocannon } from '../autocannon-run.js';
const dir = mkdtempSync(join(tmpdir(), 'prof-'));
const profDir = process.env.PROF_DIR!;
const target = process.env.TARGET ?? 'bot/main.ts';
const child = spawn(process.execPath, ['--cpu-prof', `--cpu-prof-dir=${profDir}`, '--import', 'tsx', target], { env: { ...process.env, PORT: '3995', HOST: '127.0.0.1', DATA_DIR: dir, LOG_LEVEL: 'warn' }, stdio: 'inherit' });
for (;;) { try { if ((await fetch('http://127.0.0.1:3995/healthz')).ok) break; } catch {} await new Promise(r => setTimeout(r, 100)); }
const t = { name: 'ours', url: 'http://127.0.0.1:3995', pid: child.pid!, process: child, output: () => '', stop: async () => null, echo: target !== 'bot/main.ts' };
await runAutocannon(t, { connections: 10, seconds: 2 });
const r = await runAutocannon(t, { connections: Number(process.env.CONNS ?? 50), seconds: 10 });
console.log(JSON.stringify(r));
child.kill('SIGTERM');
await new Promise(r => child.once('exit', r));
