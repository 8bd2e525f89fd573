import { openSync, writeSync, fsyncSync, fdatasyncSync } from 'node:fs';
const fd = openSync('/tmp/fsync-probe', 'w');
const t: number[] = [];
for (let i = 0; i < 50; i++) { writeSync(fd, 'x'.repeat(4096)); const s = performance.now(); fdatasyncSync(fd); t.push(performance.now() - s); }
t.sort((a,b)=>a-b); console.log('fdatasync ms p50', t[25]!.toFixed(2), 'max', t[49]!.toFixed(2));
