import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../bot/config.js';
import { createService } from '../../bot/server.js';
import { sessionScript, activityBody, replyOk } from '../traffic.js';
const dir = mkdtempSync(join(tmpdir(), 'probe-'));
const svc = createService(loadConfig({ DATA_DIR: dir, LOG_LEVEL: 'silent', PORT: '3990', HOST: '127.0.0.1' }));
await svc.listen(3990);
for (let n = 0; n < 10; n++) {
  const s = sessionScript(n);
  const conv = `probe-${n}`;
  for (let i = 0; i < s.length; i++) {
    const t0 = performance.now();
    const res = await fetch('http://127.0.0.1:3990/api/messages', { method: 'POST', headers: { 'content-type': 'application/json' }, body: activityBody(conv, i, s[i]!) });
    const body = await res.text();
    const dt = performance.now() - t0;
    if (res.status !== 200 || !replyOk(s[i]!, body, false)) console.log('BAD', n, i, JSON.stringify(s[i]), res.status, body.slice(0, 600));
    if (n === 3 && i > 12) console.log(n, i, dt.toFixed(1), body.slice(0, 200));
  }
}
await svc.close();
