import { it } from 'vitest';
import pino from 'pino';
import { mkdtempSync } from 'node:fs'; import { tmpdir } from 'node:os'; import { join } from 'node:path';
import { createFlows } from '/work/main/bot/flows.js';
import { createHandoverPort } from '/work/main/bot/handover-service.js';
import { FrontDoor } from '/work/main/conversation/front-door.js';
import { freshConversation } from '/work/main/conversation/state.js';
import { SqliteHandoverStore } from '/work/main/handover/sqlite-store.js';
import { Glossary } from '/work/main/knowledge/glossary.js';
import { loadKnowledgeBase } from '/work/main/knowledge/load.js';
import { KnowledgeSearch } from '/work/main/knowledge/search.js';
import { checkSafety } from '/work/main/triage/safety.js';
it('dbg', async () => {
  const kb = loadKnowledgeBase();
  const store = new SqliteHandoverStore({ dataDir: mkdtempSync(join(tmpdir(), 'x')) });
  const flows = createFlows({ kb, publicUrl: 'x', handovers: createHandoverPort({ store, retentionDays: 90, logger: pino({ level: 'silent' }) }) });
  const door = new FrontDoor({ kb, search: new KnowledgeSearch(kb), glossary: new Glossary(kb.glossary), checkSafety: (t) => checkSafety(t), publicUrl: 'x', ...flows });
  const state = freshConversation();
  for (const m of (process.env.MSGS ?? '').split('|')) {
    const r = await door.handle({ text: m, channel: 'webchat', audience: 'family' }, state);
    console.log('>>', m, '\n', r.map((x) => JSON.stringify(x).slice(0, 300)).join('\n '), '\n   state:', state.mode, state.step, JSON.stringify(state.triage));
  }
});
