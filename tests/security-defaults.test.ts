/**
 * Issue 15, finding 6: safe defaults. Unset NODE_ENV is production; development binds
 * 127.0.0.1; production needs an https PUBLIC_URL, SESSION_SECRET and METRICS_TOKEN (unless
 * METRICS_PUBLIC=true) and posts only to Bot Framework hosts; `npm start` still runs on a fresh
 * machine with no settings (it passes --dev).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig, trustedServiceUrl } from '../app/config.js';
import { startService } from './helpers/service.js';

const CREDENTIALS = { MicrosoftAppId: '0b5c7d1e-7a55-4f0e-9a61-3c2f8e9d1a44', MicrosoftAppPassword: 'secret', MicrosoftAppTenantId: '6f1c2b6e-3d2a-4c55-9a0e-1f2e3d4c5b6a' };
const PRODUCTION = { ...CREDENTIALS, PUBLIC_URL: 'https://deal.example.org', SESSION_SECRET: 'k'.repeat(40), METRICS_TOKEN: 'metrics-token' };

describe('configuration defaults', () => {
  it('unset NODE_ENV is production, and refuses to start unauthenticated', () => {
    expect(() => loadConfig({})).toThrow(/Refusing to start: NODE_ENV=production needs MicrosoftAppId/);
    expect(loadConfig(PRODUCTION).production).toBe(true);
  });

  it('development binds 127.0.0.1 unless HOST is set; production binds 0.0.0.0', () => {
    expect(loadConfig({ NODE_ENV: 'development' }).HOST).toBe('127.0.0.1');
    expect(loadConfig({ NODE_ENV: 'development', HOST: '0.0.0.0' }).HOST).toBe('0.0.0.0');
    expect(loadConfig(PRODUCTION).HOST).toBe('0.0.0.0');
  });

  it('production needs an https PUBLIC_URL, SESSION_SECRET and METRICS_TOKEN (or METRICS_PUBLIC=true), naming each', () => {
    const error = () => {
      try {
        loadConfig({ NODE_ENV: 'production', ...CREDENTIALS });
        return '';
      } catch (e) {
        return (e as Error).message;
      }
    };
    expect(error()).toMatch(/PUBLIC_URL: must be set[\s\S]*SESSION_SECRET: must be set[\s\S]*METRICS_TOKEN: must be set/);
    expect(() => loadConfig({ ...PRODUCTION, PUBLIC_URL: 'http://deal.example.org' })).toThrow(/PUBLIC_URL/);
    expect(() => loadConfig({ ...PRODUCTION, METRICS_TOKEN: '', METRICS_PUBLIC: 'true' })).not.toThrow();
  });

  it('MicrosoftAppType defaults to SingleTenant, which needs the tenant id', () => {
    expect(loadConfig({ NODE_ENV: 'development' }).MicrosoftAppType).toBe('SingleTenant');
    const { MicrosoftAppTenantId: _t, ...noTenant } = PRODUCTION;
    expect(() => loadConfig(noTenant)).toThrow(/MicrosoftAppTenantId: is required with MicrosoftAppType=SingleTenant/);
  });

  it('only Bot Framework hosts are trusted serviceUrls in production', () => {
    for (const ok of ['https://smba.trafficmanager.net/uk/', 'https://directline.botframework.com/', 'https://webchat.botframework.com/']) expect(trustedServiceUrl(ok, true), ok).toBe(true);
    for (const bad of ['https://attacker.example/', 'http://smba.trafficmanager.net/uk/', 'https://botframework.com.attacker.example/', 'not a url']) expect(trustedServiceUrl(bad, true), bad).toBe(false);
    expect(trustedServiceUrl('http://127.0.0.1:9/', false)).toBe(true);
  });

  it('in production an activity naming another serviceUrl is refused before the bot posts anywhere', async () => {
    const service = await startService({ NODE_ENV: 'production', ...PRODUCTION, HOST: '127.0.0.1' });
    try {
      const res = await fetch(`${service.url}/api/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ type: 'message', id: '1', channelId: 'msteams', serviceUrl: 'https://attacker.example/', conversation: { id: 'c' }, from: { id: 'u' }, recipient: { id: 'b' }, text: 'hi' }),
      });
      expect(res.status).toBe(400);
      expect(await res.json()).toMatchObject({ message: expect.stringMatching(/serviceUrl/) });
    } finally {
      await service.stop();
    }
  });
});

/** Runs app/main.ts with no settings at all (as on a fresh machine) and returns how it ended or what it logged first. */
async function runMain(args: string[]): Promise<{ listening: boolean; output: string; code: number | null }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'deal-fresh-'));
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: process.env.HOME, PORT: '0', DATA_DIR: dataDir };
  const child = spawn(process.execPath, ['--import', 'tsx', 'app/main.ts', ...args], { cwd: join(import.meta.dirname, '..'), env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const onData = (chunk: Buffer) => (output += String(chunk));
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  try {
    return await new Promise((resolve) => {
      const timer = setTimeout(() => resolve({ listening: false, output, code: null }), 30_000);
      child.stdout.on('data', () => {
        if (/DEAL front door listening/.test(output)) {
          clearTimeout(timer);
          resolve({ listening: true, output, code: null });
        }
      });
      child.on('exit', (code) => {
        clearTimeout(timer);
        resolve({ listening: false, output, code });
      });
    });
  } finally {
    if (child.exitCode === null) {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    }
    rmSync(dataDir, { recursive: true, force: true });
  }
}

describe('starting with no settings', () => {
  it('`npm start` (app/main.ts --dev) runs in development on 127.0.0.1; without --dev it refuses, as production', { timeout: 70_000 }, async () => {
    const dev = await runMain(['--dev']);
    expect(dev.listening, dev.output).toBe(true);
    expect(dev.output).toMatch(/"host":"127\.0\.0\.1"/);
    const prod = await runMain([]);
    expect(prod.code, prod.output).toBe(1);
    expect(prod.output).toMatch(/Refusing to start/);
  });
});
