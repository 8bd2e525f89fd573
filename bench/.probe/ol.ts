import { startChild } from '../processes.js';
import { activityBody, sessionScript, SESSION_TURNS } from '../traffic.js';
import { Agent, request } from 'node:http';
const c = await startChild('ours', 'bot/main.ts', 3998, { DATA_DIR: '/tmp/olprobe', LOG_LEVEL: 'warn' });
const agent = new Agent({ keepAlive: true, maxSockets: 512 });
const byLabel = new Map<string, number[]>();
function post(body: string): Promise<void> { return new Promise((res, rej) => { const r = request(c.url + '/api/messages', { method: 'POST', agent, headers: { 'content-type': 'application/json' } }, (s) => { s.resume(); s.on('end', () => res()); }); r.on('error', rej); r.end(body); }); }
// warm
for (let n = 0; n < 20; n++) { const s = sessionScript(n); for (let i = 0; i < s.length; i++) await post(activityBody(`w${n}`, i, s[i]!)); }
// sequential, no concurrency: measure per turn label
for (let n = 100; n < 300; n++) { const s = sessionScript(n); for (let i = 0; i < s.length; i++) { const t = s[i]!; const label = t.kind === 'question' ? 'question' : `${t.kind}:${t.text ? 'text' : JSON.stringify(t.value).slice(0, 40)}`; const t0 = performance.now(); await post(activityBody(`s${n}`, i, t)); const d = performance.now() - t0; (byLabel.get(label) ?? byLabel.set(label, []).get(label)!).push(d); } }
const rows = [...byLabel.entries()].map(([k, v]) => { v.sort((a, b) => a - b); return [k, v.length, v[Math.floor(v.length / 2)]!, v[Math.floor(v.length * 0.95)]!, v[v.length - 1]!] as const; }).sort((a, b) => b[3] - a[3]);
for (const r of rows) console.log(String(r[0]).padEnd(50), String(r[1]).padStart(5), r[2].toFixed(2).padStart(7), r[3].toFixed(2).padStart(7), r[4].toFixed(1).padStart(7));
await c.stop();
