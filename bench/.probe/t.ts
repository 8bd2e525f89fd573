import { triage } from '../../triage/engine.js';
import { readFileSync } from 'node:fs';
for (const line of readFileSync('../shared/eval/dev-triage.jsonl','utf8').split('\n').filter(Boolean)) {
  const c = JSON.parse(line);
  const r = triage(c.case);
  console.log(c.name, r.primary, r.urgency, r.handover, r.locality);
}
