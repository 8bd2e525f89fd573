import { runAutocannon } from '../autocannon-run.js';
const r = await runAutocannon({ name: 'x', url: 'http://127.0.0.1:3997', pid: process.pid, process: null as any, output: () => '', stop: async () => null, echo: false }, { connections: 50, seconds: 5 });
console.log(r.turnsPerSecond.toFixed(0), r.p99.toFixed(0), r.badReplies);
