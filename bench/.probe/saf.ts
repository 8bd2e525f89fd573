import { readFileSync } from 'node:fs';
import { checkSafety } from '../../triage/safety.js';
for (const f of ['calibration-questions.jsonl', 'calibration-out-of-scope.jsonl']) for (const l of readFileSync('bench/data/' + f, 'utf8').split('\n').filter(Boolean)) { const q = JSON.parse(l).q; const r = checkSafety(q); if (r.flagged) console.log(r.kind, q); }
