/**
 * /api/messages with the bot's credentials configured: botbuilder checks every token against
 * the Bot Framework's OpenID keys (served here by nock). Plus the start-up guards: production
 * refuses to run without credentials, and development warns loudly.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import nock from 'nock';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../app/config.js';
import { channelClaims, forgetCachedBotFrameworkKeys, jwk, serveBotFrameworkKeys, signingKey, signJwt } from './helpers/jwt.js';
import { startService, type TestService } from './helpers/service.js';
import { OFFICER, TEAMS_SERVICE_URL, TENANT_ID, teamsActivity, teamsChannel } from './helpers/teams.js';

const APP_ID = '5d3c1b2a-8e7f-4a6b-9c0d-1e2f3a4b5c6d';
const OTHER_APP_ID = 'a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d';

// One trusted key, published with endorsements like the real ones; the others are not published.
const trusted = signingKey();
const stranger = signingKey();
const impostor = { kid: trusted.kid, privateKey: signingKey().privateKey };

let service: TestService;
let fetched: { metadata: number; keys: number };

beforeAll(async () => {
  nock.disableNetConnect();
  nock.enableNetConnect('127.0.0.1');
  service = await startService({ MicrosoftAppId: APP_ID, MicrosoftAppPassword: 'test-secret', MicrosoftAppType: 'MultiTenant' });
});
afterAll(async () => {
  await service?.stop();
  nock.cleanAll();
  nock.enableNetConnect();
});
beforeEach(() => {
  forgetCachedBotFrameworkKeys();
  fetched = serveBotFrameworkKeys([jwk(trusted, ['msteams', 'webchat'])]);
});
afterEach(() => {
  nock.cleanAll();
});

/** A Teams message that expects its replies in the HTTP response, so no connector call is needed. */
const message = (text = 'how do i apply for an ehcp') => teamsActivity({ text, personal: true, deliveryMode: 'expectReplies' });

async function post(activity: Record<string, unknown>, authorization?: string) {
  const res = await fetch(`${service.url}/api/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) },
    body: JSON.stringify(activity),
  });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    // botbuilder answers errors in plain text
  }
  return { status: res.status, body };
}

const bearer = (token: string) => `Bearer ${token}`;
const goodClaims = (over: Record<string, unknown> = {}) => ({ ...channelClaims({ appId: APP_ID, serviceUrl: TEAMS_SERVICE_URL }), ...over });

describe('/api/messages with credentials', () => {
  it('accepts a token signed by a Bot Framework key for this bot, and answers', async () => {
    const { status, body } = await post(message(), bearer(signJwt(trusted, goodClaims())));
    expect(status).toBe(200);
    const activities = (body as { activities: { attachments?: { content: { body: { text: string }[] } }[] }[] }).activities;
    expect(activities).toHaveLength(1);
    expect(activities[0]!.attachments![0]!.content.body[0]!.text).toBe(service.kb.byId.get('ehcna-request')!.title);
    expect(fetched).toEqual({ metadata: 1, keys: 1 });
  });

  it('refuses a request without an Authorization header (401)', async () => {
    const { status } = await post(message());
    expect(status).toBe(401);
  });

  it.each([
    ['a header that is not a bearer token', 'Basic dXNlcjpwYXNz'],
    ['a bearer token that is not a JWT', 'Bearer not-a-jwt'],
  ])('refuses %s (401)', async (_label, header) => {
    const { status } = await post(message(), header);
    expect(status).toBe(401);
  });

  it('refuses a token signed by a key the Bot Framework does not publish (401)', async () => {
    const { status } = await post(message(), bearer(signJwt(stranger, goodClaims())));
    expect(status).toBe(401);
    expect(fetched.keys).toBe(1); // it looked
  });

  it("refuses a token that names a published key but was signed by someone else's key (401)", async () => {
    const { status } = await post(message(), bearer(signJwt(impostor, goodClaims())));
    expect(status).toBe(401);
  });

  it('refuses a token for another bot (wrong audience) (401)', async () => {
    const { status, body } = await post(message(), bearer(signJwt(trusted, goodClaims({ aud: OTHER_APP_ID }))));
    expect(status).toBe(401);
    expect(String(body)).toMatch(/Invalid AppId/);
  });

  it('refuses a token from another issuer (401)', async () => {
    const { status } = await post(message(), bearer(signJwt(trusted, goodClaims({ iss: 'https://sts.example.com/' }))));
    expect(status).toBe(401);
  });

  it('refuses an expired token (401)', async () => {
    const past = Math.floor(Date.now() / 1000) - 7200;
    const { status } = await post(message(), bearer(signJwt(trusted, goodClaims({ nbf: past - 3600, exp: past }))));
    expect(status).toBe(401);
  });

  it('refuses a token that is not valid yet (401)', async () => {
    const later = Math.floor(Date.now() / 1000) + 3600;
    const { status } = await post(message(), bearer(signJwt(trusted, goodClaims({ nbf: later, exp: later + 3600 }))));
    expect(status).toBe(401);
  });

  it('refuses a token issued for another serviceUrl (401)', async () => {
    const claims = goodClaims({ serviceurl: 'https://smba.attacker.example/' });
    const { status } = await post(message(), bearer(signJwt(trusted, claims)));
    expect(status).toBe(401);
  });

  it('refuses a token whose key is not endorsed for the channel (401)', async () => {
    const activity = { ...message(), channelId: 'slack' };
    const { status } = await post(activity, bearer(signJwt(trusted, goodClaims())));
    expect(status).toBe(401);
  });

  it('refuses an unsigned token (alg none) (401)', async () => {
    const head = Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT', kid: trusted.kid })).toString('base64url');
    const body = Buffer.from(JSON.stringify(goodClaims())).toString('base64url');
    const { status } = await post(message(), `Bearer ${head}.${body}.`);
    expect(status).toBe(401);
  });
});

describe('linking a Teams channel checks the signed token\'s tenant (issue 15, finding 1)', () => {
  it("refuses a link whose token names another tenant, and accepts our tenant's", async () => {
    const links = join(mkdtempSync(join(tmpdir(), 'deal-links-')), 'links.yaml');
    writeFileSync(links, `localities:\n  north:\n    people: ['${OFFICER.aadObjectId}']\n`);
    const linked = await startService({ MicrosoftAppId: APP_ID, MicrosoftAppPassword: 'test-secret', MicrosoftAppTenantId: TENANT_ID, MicrosoftAppType: 'MultiTenant', TEAMS_LINKS_FILE: links });
    const channel = teamsChannel('North signed');
    const link = teamsActivity({ text: 'link locality north', mention: true, channel, deliveryMode: 'expectReplies' });
    const send = async (tid: string) => {
      const res = await fetch(`${linked.url}/api/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: bearer(signJwt(trusted, goodClaims({ tid }))) },
        body: JSON.stringify(link),
      });
      return JSON.stringify(await res.json());
    };
    try {
      expect(await send('11111111-2222-4333-8444-555555555555')).toMatch(/token's tenant is not ours/);
      expect(await linked.store.getChannelReference('north')).toBeNull();
      expect(await send(TENANT_ID)).toMatch(/will now get a card/);
      expect(await linked.store.getChannelReference('north')).not.toBeNull();
    } finally {
      await linked.stop();
    }
  });
});

describe('start-up without credentials', () => {
  it('refuses to run in production without credentials, saying why', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/Refusing to start: NODE_ENV=production needs MicrosoftAppId and MicrosoftAppPassword/);
    const production = { PUBLIC_URL: 'https://deal.example.org', SESSION_SECRET: 'x'.repeat(32), METRICS_TOKEN: 'metrics-token' };
    expect(() => loadConfig({ NODE_ENV: 'production', MicrosoftAppId: APP_ID, MicrosoftAppPassword: 'x', MicrosoftAppType: 'MultiTenant', ...production })).not.toThrow();
  });

  it('warns "Running UNAUTHENTICATED" at start-up in development', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'deal-main-'));
    const env: NodeJS.ProcessEnv = { ...process.env, NODE_ENV: 'development', PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir, LOG_LEVEL: 'info' };
    delete env.MicrosoftAppId;
    delete env.MicrosoftAppPassword;
    delete env.VITEST; // run as a plain process
    const child = spawn(process.execPath, ['--import', 'tsx', 'app/main.ts'], { cwd: join(import.meta.dirname, '..'), env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stderr.on('data', (chunk: Buffer) => (err += String(chunk)));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no start-up warning in 20 s; stdout: ${out}; stderr: ${err}`)), 20_000);
        child.stdout.on('data', (chunk: Buffer) => {
          out += String(chunk);
          if (/DEAL front door listening/.test(out)) {
            clearTimeout(timer);
            resolve();
          }
        });
        child.on('exit', (code) => {
          clearTimeout(timer);
          reject(new Error(`exited with ${code}; stdout: ${out}; stderr: ${err}`));
        });
      });
      const lines = out.trim().split('\n').map((l) => JSON.parse(l) as { level: number; msg: string });
      const warning = lines.find((l) => /Running UNAUTHENTICATED/.test(l.msg));
      expect(warning).toBeDefined();
      expect(warning!.level).toBe(40); // pino's warn
      expect(warning!.msg).toMatch(/local development only/);
      // Said before the server starts listening.
      expect(lines.indexOf(warning!)).toBeLessThan(lines.findIndex((l) => /listening/.test(l.msg)));
    } finally {
      child.kill('SIGTERM');
      await exited;
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
