import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { loadConfig } from '../../bot/config.js';
import { createService } from '../../bot/server.js';
import { KnowledgeSearch } from '../../knowledge/search.js';
import { FrontDoor } from '../../conversation/front-door.js';
import { SqliteStorage } from '../../bot/state-storage.js';
import { SqliteHandoverStore } from '../../handover/sqlite-store.js';
import { TriageFlow } from '../../conversation/triage-flow.js';
import { HandoverFlow } from '../../conversation/handover-flow.js';
const stats = new Map<string, number[]>();
function wrap(proto: any, name: string, label: string) {
  const orig = proto[name];
  proto[name] = function (...args: unknown[]) {
    const s = performance.now();
    const r = orig.apply(this, args);
    const rec = () => { const d = performance.now() - s; (stats.get(label) ?? stats.set(label, []).get(label)!).push(d); };
    if (r && typeof r.then === 'function') return r.finally(rec); rec(); return r;
  };
}
wrap(KnowledgeSearch.prototype, 'search', 'search');
wrap(FrontDoor.prototype, 'handle', 'frontdoor.handle(async)');
wrap(SqliteStorage.prototype, 'read', 'storage.read');
wrap(SqliteStorage.prototype, 'write', 'storage.write');
wrap(SqliteHandoverStore.prototype, 'createHandover', 'createHandover');
wrap(TriageFlow.prototype, 'continue', 'triage.continue');
wrap(HandoverFlow.prototype, 'continue', 'handover.continue');
const origStringify = JSON.stringify;
const dir = mkdtempSync(join(tmpdir(), 'tim-'));
const svc = createService(loadConfig({ DATA_DIR: dir, LOG_LEVEL: 'silent', PORT: '3997', HOST: '127.0.0.1' }));
await svc.listen(3997);
let last = performance.now(); const stalls: number[] = [];
const iv = setInterval(() => { const now = performance.now(); if (now - last > 40) stalls.push(now - last); last = now; }, 5);
await new Promise((resolve) => spawn(process.execPath, ['--import', 'tsx', 'bench/.probe/drive.ts'], { stdio: 'inherit' }).on('exit', resolve));
clearInterval(iv);
for (const [k, v] of stats) { v.sort((a, b) => a - b); console.log(k.padEnd(26), 'n', String(v.length).padStart(6), 'mean', (v.reduce((a,b)=>a+b,0)/v.length).toFixed(3), 'p99', v[Math.floor(v.length*0.99)]!.toFixed(2), 'max', v[v.length-1]!.toFixed(1)); }
console.log('stalls>40ms', stalls.length, stalls.slice(0, 30).map(x=>x.toFixed(0)).join(','));
await svc.close();
