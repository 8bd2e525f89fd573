/**
 * The Microsoft Teams app package: manifest.json checked against Microsoft's own JSON schema
 * (tests/helpers/teams-schema.ts), the commands in every scope, settings validation, the zip
 * read back with fflate, and the committed icons parsed byte by byte.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { unzipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildManifest, buildPackage, TeamsAppConfigError, type TeamsAppConfig } from '../manifest/build.js';
import { readPng, type Png } from './helpers/png.js';
import { loadSchema, schemaErrors, type Manifest } from './helpers/teams-schema.js';

const CONFIG: TeamsAppConfig = {
  appId: '6f1c2d3e-4a5b-4c6d-8e7f-9a0b1c2d3e4f',
  botId: 'a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d',
  publicUrl: 'https://deal.dorsetcouncil.example/',
  privacyUrl: 'https://www.dorsetcouncil.example/deal/privacy',
  termsUrl: 'https://www.dorsetcouncil.example/deal/terms',
  version: '1.2.3',
};

const SCOPES = ['personal', 'team', 'groupChat'] as const;
const COMMANDS = [
  { title: 'ask', description: 'Ask a question about SEND in Dorset' },
  { title: 'triage', description: 'Find the right route for a child' },
  { title: 'check my reference', description: 'Check the status of a DEAL reference' },
  { title: 'help' },
];


interface ZipEntry {
  name: string;
  data: Buffer;
}

/** Every entry of a zip, in the archive's order, read with fflate. */
function readZip(zip: Buffer): ZipEntry[] {
  return Object.entries(unzipSync(zip)).map(([name, data]) => ({ name, data: Buffer.from(data) }));
}


function buildError(config: unknown): TeamsAppConfigError {
  try {
    buildManifest(config as TeamsAppConfig);
  } catch (error) {
    expect(error).toBeInstanceOf(TeamsAppConfigError);
    return error as TeamsAppConfigError;
  }
  throw new Error('expected buildManifest to throw');
}

describe('Teams app manifest', () => {
  const manifest = buildManifest(CONFIG) as unknown as Manifest;

  it('is valid against the official schema for its manifestVersion', () => {
    expect(manifest.$schema).toBe(`https://developer.microsoft.com/json-schemas/teams/v${manifest.manifestVersion}/MicrosoftTeams.schema.json`);
    const schema = loadSchema(manifest.manifestVersion);
    expect(schemaErrors(manifest, schema)).toEqual([]);
  });

  it('is checked by a validator that does catch mistakes', () => {
    const schema = loadSchema(manifest.manifestVersion);
    const broken = structuredClone(manifest) as unknown as Record<string, unknown> & Manifest;
    broken.accentColor = 'blue';
    broken.bots[0]!.botId = 'not-a-guid';
    delete (broken as Partial<Manifest>).icons;
    const errors = schemaErrors(broken, schema).join('\n');
    expect(errors).toMatch(/accentColor/);
    expect(errors).toMatch(/botId/);
    expect(errors).toMatch(/icons/);
  });

  it('fills in the ids, URLs, version and domain from the settings', () => {
    expect(manifest.id).toBe(CONFIG.appId);
    expect(manifest.version).toBe('1.2.3');
    expect(manifest.bots).toHaveLength(1);
    expect(manifest.bots[0]!.botId).toBe(CONFIG.botId);
    expect(manifest.developer).toEqual({
      name: 'Dorset Council (DEAL front door)',
      websiteUrl: CONFIG.publicUrl,
      privacyUrl: CONFIG.privacyUrl,
      termsOfUseUrl: CONFIG.termsUrl,
    });
    expect(manifest.validDomains).toEqual(['deal.dorsetcouncil.example']);
    expect(manifest.accentColor).toBe('#005A9C');
    expect(manifest.icons).toEqual({ color: 'color.png', outline: 'outline.png' });
    expect(JSON.stringify(manifest)).not.toContain('${{');
  });

  it('defaults the version to package.json', () => {
    const { version: _, ...rest } = CONFIG;
    const pkg = JSON.parse(readFileSync(fileURLToPath(new URL('../package.json', import.meta.url)), 'utf8')) as { version: string };
    expect((buildManifest(rest) as unknown as Manifest).version).toBe(pkg.version);
  });

  it('is a conversational bot in personal, team and group chat, without files', () => {
    const bot = manifest.bots[0]!;
    expect([...bot.scopes].sort()).toEqual([...SCOPES].sort());
    expect(bot.supportsFiles).toBe(false);
    expect(bot.isNotificationOnly).toBe(false);
  });

  it.each(SCOPES)('offers every command in the %s scope', (scope) => {
    const lists = manifest.bots[0]!.commandLists.filter((l) => l.scopes.includes(scope));
    expect(lists).toHaveLength(1);
    const commands = lists[0]!.commands;
    expect(commands.map((c) => c.title)).toEqual(COMMANDS.map((c) => c.title));
    for (const expected of COMMANDS) {
      const command = commands.find((c) => c.title === expected.title)!;
      if (expected.description) expect(command.description).toBe(expected.description);
      else expect(command.description?.length).toBeGreaterThan(0);
    }
  });

  it('describes the bot in plain English: who it is for, not for emergencies, handover with consent', () => {
    const { short, full } = manifest.description;
    expect(short.length).toBeLessThanOrEqual(80);
    expect(full.length).toBeLessThanOrEqual(4000);
    for (const audience of ['SENCOs', 'health visitors', 'social workers', 'early years practitioners', 'Dorset']) {
      expect(full).toContain(audience);
    }
    expect(full).toMatch(/not for emergencies/i);
    expect(full).toContain('999');
    expect(full).toMatch(/locality SEND team/);
    expect(full).toMatch(/consent/);
  });
});

describe('Teams app settings', () => {
  it('refuses a bad GUID, naming the field', () => {
    const error = buildError({ ...CONFIG, appId: 'not-a-guid' });
    expect(error.issues).toEqual([{ field: 'appId', message: expect.stringMatching(/GUID/) }]);
    expect(error.message).toMatch(/appId: must be a GUID/);
  });

  it('refuses an http:// URL, naming the field', () => {
    const error = buildError({ ...CONFIG, privacyUrl: 'http://www.dorsetcouncil.example/privacy' });
    expect(error.issues).toEqual([{ field: 'privacyUrl', message: expect.stringMatching(/https/) }]);
    expect(error.message).toMatch(/privacyUrl: must use https:\/\//);
  });

  it('lists every bad field at once', () => {
    const error = buildError({
      appId: '00000000-0000-0000-0000-000000000000',
      botId: '{a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d}',
      publicUrl: 'http://localhost:3978',
      privacyUrl: 'privacy',
      termsUrl: 'https://user:pass@example.org/terms',
      version: '1.0',
      extra: 'x',
    });
    const fields = error.issues.map((i) => i.field).sort();
    expect(fields).toEqual(['appId', 'botId', 'extra', 'privacyUrl', 'publicUrl', 'termsUrl', 'version']);
    for (const field of fields) expect(error.message).toContain(`- ${field}: `);
    expect(error.message).not.toContain('pass@');
  });

  it('says which fields are missing', () => {
    const error = buildError({ appId: CONFIG.appId });
    expect(error.issues.map((i) => i.field).sort()).toEqual(['botId', 'privacyUrl', 'publicUrl', 'termsUrl']);
    expect(error.issues.every((i) => i.message === 'is required')).toBe(true);
  });
});

describe('Teams app package (zip)', () => {
  let dir: string;
  let zipFile: string;
  let entries: ZipEntry[];
  let color: Png;
  let outline: Png;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'deal-teams-'));
    zipFile = join(dir, 'nested', 'deal-teams-app.zip');
    await buildPackage(CONFIG, zipFile);
    entries = readZip(readFileSync(zipFile));
    color = readPng(entries.find((e) => e.name === 'color.png')!.data);
    outline = readPng(entries.find((e) => e.name === 'outline.png')!.data);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('holds exactly manifest.json, color.png and outline.png at the root', () => {
    expect(entries.map((e) => e.name).sort()).toEqual(['color.png', 'manifest.json', 'outline.png']);
    for (const entry of entries) expect(entry.name).not.toMatch(/[\\/]/);
  });

  it('packs the committed icons unchanged', () => {
    for (const name of ['color.png', 'outline.png']) {
      const committed = readFileSync(fileURLToPath(new URL(`../manifest/${name}`, import.meta.url)));
      expect(entries.find((e) => e.name === name)!.data.equals(committed), name).toBe(true);
    }
  });

  it('contains the same manifest as buildManifest', () => {
    const inside = JSON.parse(entries.find((e) => e.name === 'manifest.json')!.data.toString('utf8')) as unknown;
    expect(inside).toEqual(buildManifest(CONFIG));
  });

  it('is byte-for-byte reproducible', async () => {
    const again = join(dir, 'again.zip');
    await buildPackage(CONFIG, again);
    expect(readFileSync(again).equals(readFileSync(zipFile))).toBe(true);
  });

  it('has a 192x192 full-colour icon using the accent colour', () => {
    expect([color.width, color.height]).toEqual([192, 192]);
    expect([2, 6]).toContain(color.colourType);
    const at = (x: number, y: number) => [...color.pixels.subarray((y * 192 + x) * color.channels, (y * 192 + x) * color.channels + color.channels)];
    const opaque = color.channels === 3 ? [] : [255];
    expect(at(0, 0)).toEqual([0x00, 0x5a, 0x9c, ...opaque]); // accent background
    expect(at(96, 40)).toEqual([255, 255, 255, ...opaque]); // the bubble
    if (color.channels === 4) for (let i = 3; i < color.pixels.length; i += 4) expect(color.pixels[i]).toBe(255);
  });

  it('has a 32x32 outline icon: RGBA, white on transparent', () => {
    expect([outline.width, outline.height]).toEqual([32, 32]);
    expect(outline.colourType).toBe(6);
    let transparent = 0;
    let solid = 0;
    for (let i = 0; i < outline.pixels.length; i += 4) {
      const [r, g, b, a] = [outline.pixels[i]!, outline.pixels[i + 1]!, outline.pixels[i + 2]!, outline.pixels[i + 3]!];
      if (a === 0) transparent++;
      else expect([r, g, b], `pixel ${i / 4}`).toEqual([255, 255, 255]);
      if (a === 255) solid++;
    }
    expect(transparent).toBeGreaterThan(32 * 32 * 0.2);
    expect(solid).toBeGreaterThan(32 * 32 * 0.2);
    // The "D" is cut out of the bubble: transparent pixels inside the bubble's middle.
    const alphaAt = (x: number, y: number) => outline.pixels[(y * 32 + x) * 4 + 3];
    expect(alphaAt(3, 12)).toBe(255);
    expect(alphaAt(13, 12)).toBe(0);
  });
});

describe('package-teams CLI', () => {
  const exec = promisify(execFile);
  const cli = fileURLToPath(new URL('../manifest/package-teams.ts', import.meta.url));
  const run = (args: string[], env: Record<string, string>) =>
    exec(process.execPath, ['--import', 'tsx', cli, ...args], { env: { PATH: process.env.PATH ?? '', ...env } }).then(
      (r) => ({ code: 0, ...r }),
      (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, stdout: e.stdout, stderr: e.stderr }),
    );

  it('names every missing environment variable', async () => {
    const r = await run([], {});
    expect(r.code).toBe(1);
    for (const name of ['MicrosoftAppId', 'TEAMS_APP_ID', 'PUBLIC_URL', 'PRIVACY_URL', 'TERMS_URL']) expect(r.stderr).toContain(`- ${name}:`);
    expect(r.stderr).toContain('--example');
  });

  it('reports bad values by environment variable name', async () => {
    const r = await run([], {
      MicrosoftAppId: 'nope',
      TEAMS_APP_ID: CONFIG.appId,
      PUBLIC_URL: 'http://deal.example',
      PRIVACY_URL: CONFIG.privacyUrl,
      TERMS_URL: CONFIG.termsUrl,
    });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/- MicrosoftAppId: must be a GUID/);
    expect(r.stderr).toMatch(/- PUBLIC_URL: must use https/);
  });

  it('builds an example package with --example, and says so', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'deal-teams-cli-'));
    try {
      const out = join(dir, 'example.zip');
      const r = await run(['--example', '--out', out], {});
      expect(r.code).toBe(0);
      expect(r.stderr).toMatch(/placeholder/);
      expect(r.stdout).toMatch(/EXAMPLE/);
      const manifest = JSON.parse(readZip(readFileSync(out)).find((e) => e.name === 'manifest.json')!.data.toString('utf8')) as Manifest;
      expect(manifest.developer.websiteUrl).toBe('https://example.org');
      expect(manifest.validDomains).toEqual(['example.org']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
