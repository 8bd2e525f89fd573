/**
 * The lean turn (bot/app.ts) and the plain-JavaScript start (bin/build.js), through real
 * surfaces: web chat turns over HTTP keep their state under the storage key and shape the Teams
 * AI `Application` used before (so conversations stored before the change carry on), Teams turns
 * still go through it, and `npm run build` gives a server that starts and answers without tsx.
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SqliteStorage } from '../bot/state-storage.js';
import { freePort, startService } from './helpers/service.js';

const ROOT = join(import.meta.dirname, '..');
const dirs: string[] = [];
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'deal-lean-'));
  dirs.push(dir);
  return dir;
};
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

const message = (conversation: string, text: string, channelId = 'webchat') => ({
  type: 'message',
  channelId,
  serviceUrl: 'http://127.0.0.1:9/',
  conversation: { id: conversation },
  from: { id: `user-${conversation}`, role: 'user' },
  recipient: { id: 'bot', role: 'bot' },
  deliveryMode: 'expectReplies',
  text,
});

async function post(url: string, body: unknown): Promise<{ status: number; activities: { type: string; channelData?: { deal?: { kind: string; step?: string } } }[] }> {
  const res = await fetch(`${url}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: res.status, ...((await res.json()) as { activities: [] }) };
}
const steps = (r: Awaited<ReturnType<typeof post>>) => r.activities.map((a) => a.channelData?.deal?.step).filter(Boolean);

describe('a web chat turn without Teams AI', () => {
  it('stores its state under the key and in the shape Teams AI used, and carries on from a conversation stored that way', { timeout: 60_000 }, async () => {
    const dataDir = tempDir();
    // A conversation mid-triage, written as the Teams AI Application wrote it: { deal: ConversationData } under channel/bot/conversations/id.
    const before = new SqliteStorage(join(dataDir, 'conversations.sqlite'));
    await before.write({ 'webchat/bot/conversations/old-conv': { deal: { mode: 'triage', step: 'place', history: ['concern'], triage: { concern: 'he is struggling with reading and writing at school' } } } });
    before.close();

    const service = await startService({}, dataDir);
    try {
      const old = await post(service.url, message('old-conv', 'Weymouth'));
      expect(old.status).toBe(200);
      expect(old.activities[0]!.type).toBe('typing');
      expect(steps(old)).not.toContain('place'); // the town answered the question asked before: triage moved on
      expect(old.activities.some((a) => a.channelData?.deal?.kind === 'question')).toBe(true);

      const fresh = await post(service.url, message('new-conv', 'what should I do next'));
      expect(steps(fresh)).toContain('concern');
    } finally {
      await service.stop();
    }
    const after = new SqliteStorage(join(dataDir, 'conversations.sqlite'));
    const items = await after.read(['webchat/bot/conversations/old-conv', 'webchat/bot/conversations/new-conv']);
    after.close();
    const old = items['webchat/bot/conversations/old-conv'] as { deal: { triage: { town?: string }; history: string[] } };
    expect(old.deal.triage.town).toBe('Weymouth');
    expect(old.deal.history).toContain('place');
    expect((items['webchat/bot/conversations/new-conv'] as { deal: { mode: string } }).deal.mode).toBe('triage');
  });

  it('Teams turns go through the Teams AI Application (loaded on the first one): answered, with no typing activity', { timeout: 60_000 }, async () => {
    const service = await startService();
    try {
      const teams = await post(service.url, {
        ...message('teams-conv', '<at>DEAL</at> what is an ehcp', 'msteams'),
        entities: [{ type: 'mention', text: '<at>DEAL</at>', mentioned: { id: 'bot', name: 'DEAL' } }],
      });
      expect(teams.activities.map((a) => a.type)).not.toContain('typing');
      expect(teams.activities.some((a) => a.channelData?.deal?.kind === 'answer')).toBe(true);
    } finally {
      await service.stop();
    }
  });
});

describe('npm run build', () => {
  it('builds a server that starts and answers with plain Node (no tsx), as npm start runs it', { timeout: 120_000 }, async () => {
    execFileSync(process.execPath, ['bin/build.js', '--quiet'], { cwd: ROOT });
    const port = await freePort();
    const child = spawn(process.execPath, ['dist/app/main.js', '--dev'], {
      cwd: ROOT,
      env: { ...process.env, NODE_ENV: '', DATA_DIR: tempDir(), PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout!.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr!.on('data', (c: Buffer) => (output += c.toString()));
    try {
      const url = `http://127.0.0.1:${port}`;
      for (let i = 0; !(await fetch(`${url}/healthz`).then((r) => r.ok, () => false)); i++) {
        if (child.exitCode !== null || i > 600) throw new Error(`server did not start: ${output}`);
        await new Promise((r) => setTimeout(r, 100));
      }
      const answer = await post(url, message('built-conv', 'what is an ehcp'));
      expect(answer.activities.some((a) => a.channelData?.deal?.kind === 'answer')).toBe(true);
      const page = await fetch(`${url}/`); // the web chat page and its files were copied beside the code
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('<html');
    } finally {
      child.kill('SIGTERM');
    }
  });
});
