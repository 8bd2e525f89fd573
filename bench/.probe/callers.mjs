import { readFileSync } from 'node:fs';
const p = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const re = new RegExp(process.argv[3]);
const byId = new Map(p.nodes.map(n => [n.id, n]));
const parent = new Map();
for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
const selfT = new Map();
for (let i = 0; i < p.samples.length; i++) selfT.set(p.samples[i], (selfT.get(p.samples[i]) ?? 0) + (p.timeDeltas[i] ?? 0));
const total = [...selfT.values()].reduce((a, b) => a + b, 0);
const name = (id) => { const cf = byId.get(id).callFrame; return `${cf.functionName || '(anon)'} ${cf.url.replace(/.*node_modules\//, 'nm/').replace(/.*\/work\/main\//, '')}:${cf.lineNumber}`; };
// stacks through matching frame: aggregate the path from root to first matching frame
const agg = new Map();
for (const [id, t] of selfT) {
  const stack = []; let cur = id; while (cur !== undefined) { stack.push(cur); cur = parent.get(cur); }
  stack.reverse();
  const idx = stack.findIndex(s => re.test(name(s)));
  if (idx < 0) continue;
  const key = stack.slice(Math.max(0, idx - 6), idx + 4).map(name).join('\n   > ');
  agg.set(key, (agg.get(key) ?? 0) + t);
}
for (const [k, v] of [...agg.entries()].sort((a, b) => b[1] - a[1]).slice(0, 6)) console.log((100*v/total).toFixed(1)+'%\n   ' + k + '\n');
