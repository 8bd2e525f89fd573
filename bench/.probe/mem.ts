import { startChild, rssMb } from '../processes.js';
import { runAutocannon } from '../autocannon-run.js';
const script = process.env.TARGET ?? 'bench/echo-bot.ts';
const c = { ...(await startChild('x', script, 3996, { DATA_DIR: '/tmp/memprobe', LOG_LEVEL: 'warn' })), echo: script.includes('echo') };
console.log('start rss', rssMb(c.pid).toFixed(0));
for (let i = 0; i < 4; i++) {
  const r = await runAutocannon(c, { connections: 50, seconds: 5 });
  console.log(i, r.turnsPerSecond.toFixed(0), 'p99', r.p99.toFixed(0), 'peak', r.peakRssMb.toFixed(0), 'now', rssMb(c.pid).toFixed(0));
}
await c.stop();
