import { readFileSync } from 'node:fs';
const p = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const byId = new Map(p.nodes.map(n => [n.id, n]));
const parent = new Map();
for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
const selfT = new Map();
for (let i = 0; i < p.samples.length; i++) selfT.set(p.samples[i], (selfT.get(p.samples[i]) ?? 0) + (p.timeDeltas[i] ?? 0));
const total = [...selfT.values()].reduce((a, b) => a + b, 0);
const incl = new Map();
for (const [id, t] of selfT) {
  const seen = new Set();
  let cur = id;
  while (cur !== undefined) {
    const cf = byId.get(cur).callFrame;
    const key = `${cf.functionName || '(anon)'} ${cf.url.replace(/.*node_modules\//, 'nm/').replace(/.*\/work\/main\//, '')}`;
    if (!seen.has(key)) { seen.add(key); incl.set(key, (incl.get(key) ?? 0) + t); }
    cur = parent.get(cur);
  }
}
const filter = process.argv[3] ? new RegExp(process.argv[3]) : /./;
console.log([...incl.entries()].filter(([k]) => filter.test(k)).sort((a, b) => b[1] - a[1]).slice(0, 60).map(([k, v]) => `${(100 * v / total).toFixed(1).padStart(5)}% ${k}`).join('\n'));
