import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import v8 from 'node:v8';
import { loadConfig } from '../../bot/config.js';
import { createService } from '../../bot/server.js';
const dir = mkdtempSync(join(tmpdir(), 'heap-'));
const svc = createService(loadConfig({ DATA_DIR: dir, LOG_LEVEL: 'silent', PORT: '3997', HOST: '127.0.0.1' }));
await svc.listen(3997);
const mem = (l: string) => { (globalThis as any).gc(); const m = process.memoryUsage(); console.log(l, 'rss', (m.rss/1e6).toFixed(0), 'heapUsed', (m.heapUsed/1e6).toFixed(0), 'ext', (m.external/1e6).toFixed(0), 'ab', (m.arrayBuffers/1e6).toFixed(0)); };
mem('start');
for (let i = 0; i < 3; i++) {
  await new Promise((resolve) => spawn(process.execPath, ['--import', 'tsx', 'bench/.probe/drive.ts'], { stdio: 'inherit' }).on('exit', resolve));
  mem(`after ${i}`);
}
if (process.env.SNAP) v8.writeHeapSnapshot('/tmp/heap.heapsnapshot');
await svc.close();
