import { readFileSync } from 'node:fs';
const p = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const byId = new Map(p.nodes.map(n => [n.id, n]));
const self = new Map();
const dt = p.timeDeltas; const samples = p.samples;
const counts = new Map();
for (let i = 0; i < samples.length; i++) counts.set(samples[i], (counts.get(samples[i]) ?? 0) + (dt[i] ?? 0));
const total = [...counts.values()].reduce((a, b) => a + b, 0);
const fileAgg = new Map(); const fnAgg = new Map();
for (const [id, t] of counts) {
  const n = byId.get(id); const cf = n.callFrame;
  const file = cf.url.replace(/.*node_modules\//, 'nm/').replace(/.*\/work\/main\//, '') || cf.functionName;
  const key = `${cf.functionName || '(anon)'} ${file}:${cf.lineNumber}`;
  fnAgg.set(key, (fnAgg.get(key) ?? 0) + t);
  const pkg = file.startsWith('nm/') ? file.split('/').slice(0, file.startsWith('nm/@') ? 3 : 2).join('/') : file;
  fileAgg.set(pkg, (fileAgg.get(pkg) ?? 0) + t);
}
const top = (m, k) => [...m.entries()].sort((a, b) => b[1] - a[1]).slice(0, k).map(([k2, v]) => `${(100 * v / total).toFixed(1).padStart(5)}% ${k2}`).join('\n');
console.log('total ms', (total / 1000).toFixed(0));
console.log(top(fileAgg, 30)); console.log('---'); console.log(top(fnAgg, 40));
