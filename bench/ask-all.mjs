// Sends each line of a JSONL file ({"id","text","audience","kind","expectTopic"} or {"q"}) as the first message of a new
// conversation to a running bot's /api/messages (web chat; a professional's line as a Teams personal chat) and prints one
// JSON line per question with what came back, read from channelData.deal: "kind:safety[articles]{step}" per reply,
// joined with " + ". How the held-out question sets are measured once, as families would meet them:
//   node bench/ask-all.mjs http://127.0.0.1:3990 FILE.jsonl > OUT.jsonl
import { readFileSync } from 'node:fs';

const [base, file] = process.argv.slice(2);
if (!base || !file) throw new Error('usage: node bench/ask-all.mjs URL FILE.jsonl');
let seq = 0;

function conversation(i, professional) {
  const id = `ask-${Date.now().toString(36)}-${i}`;
  return professional
    ? {
        channelId: 'msteams', serviceUrl: 'https://smba.trafficmanager.net/uk/',
        from: { id: `29:${id}`, name: 'Staff member', aadObjectId: '00000000-0000-4000-8000-000000000001' },
        recipient: { id: '28:deal-bot', name: 'DEAL' },
        conversation: { id: `a:${id}`, conversationType: 'personal', tenantId: 'eval-tenant' },
        channelData: { tenant: { id: 'eval-tenant' } }, locale: 'en-GB',
      }
    : {
        channelId: 'webchat', serviceUrl: `${base}/`, from: { id: `dl_${id}`, name: 'You', role: 'user' },
        recipient: { id: 'deal-bot', name: 'DEAL', role: 'bot' }, conversation: { id }, locale: 'en-GB',
      };
}

async function post(conv, extra) {
  const activity = { type: 'message', id: `ask-${++seq}`, timestamp: new Date().toISOString(), deliveryMode: 'expectReplies', ...conv, ...extra };
  const res = await fetch(`${base}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(activity) });
  if (res.status !== 200) throw new Error(`HTTP ${res.status}: ${(await res.text()).slice(0, 300)}`);
  const body = await res.json().catch(() => ({}));
  return (body.activities ?? []).filter((a) => a.type === 'message');
}

const lines = readFileSync(file, 'utf8').split('\n').filter((l) => l.trim() && !l.startsWith('//'));
for (const [i, line] of lines.entries()) {
  const q = JSON.parse(line);
  const text = q.text ?? q.q;
  const aud = q.audience ?? 'family';
  const conv = conversation(i, aud === 'professional');
  await post(conv, { type: 'conversationUpdate', membersAdded: [{ id: conv.recipient.id, name: 'DEAL' }] });
  const replies = await post(conv, { text });
  const got = replies
    .map((r) => r.channelData?.deal)
    .filter(Boolean)
    .map((d) => `${d.kind}${d.safety ? `:${d.safety}` : ''}${d.articles?.length ? `[${d.articles.join(',')}]` : ''}${d.step ? `{${d.step}}` : ''}`)
    .join(' + ');
  console.log(JSON.stringify({ id: q.id, kind: q.kind, aud, expect: q.expectTopic ?? q.expect, got, text }));
}
