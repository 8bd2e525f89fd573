import { readFileSync } from 'node:fs';
const p = JSON.parse(readFileSync('/tmp/stall.cpuprofile', 'utf8'));
const stalls = JSON.parse(readFileSync('/tmp/stalls.json', 'utf8')).slice(1);
const byId = new Map(p.nodes.map(n => [n.id, n]));
const parent = new Map();
for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
const name = (id) => { const cf = byId.get(id).callFrame; return `${cf.functionName || '(anon)'} ${cf.url.replace(/.*node_modules\//, 'nm/').replace(/.*\/work\/main\//, '')}`; };
let t = p.startTime; const incl = new Map(); let total = 0; let allTotal = 0; const inclAll = new Map();
for (let i = 0; i < p.samples.length; i++) {
  t += p.timeDeltas[i]; const d = p.timeDeltas[i + 1] ?? 0;
  const inStall = stalls.some(([a, b]) => t >= a && t <= b);
  const seen = new Set(); let cur = p.samples[i];
  const m = inStall ? incl : inclAll;
  while (cur !== undefined) { const k = name(cur); if (!seen.has(k)) { seen.add(k); m.set(k, (m.get(k) ?? 0) + d); } cur = parent.get(cur); }
  if (inStall) total += d; else allTotal += d;
}
console.log('in stalls ms', (total/1000).toFixed(0), 'outside', (allTotal/1000).toFixed(0));
console.log([...incl.entries()].sort((a, b) => b[1] - a[1]).slice(0, 45).map(([k, v]) => `${(100 * v / total).toFixed(1).padStart(5)}% ${k}`).join('\n'));
