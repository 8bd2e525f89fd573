/**
 * Builds the Microsoft Teams app package for the DEAL front door: manifest.json (from
 * manifest.template.json and validated settings), plus the two icons, zipped at the root.
 *
 * The icons are committed files beside this one (color.png 192x192 RGB, outline.png 32x32
 * RGBA white on transparent, as Teams requires). They were drawn once, a white speech bubble
 * with a "D" on #005A9C, by the small rasteriser and PNG encoder this file used to carry
 * (git history: manifest/build.ts before the commit that added them); to change them, edit
 * the PNGs with any image editor and keep the sizes. The zip is written by fflate (see
 * README, libraries) with a fixed timestamp, so the output is byte-for-byte reproducible
 * for the same settings.
 *
 * No secret goes into the package: only the Teams app id, the bot's Microsoft App ID
 * (both public identifiers) and public URLs.
 */
import { readFileSync } from 'node:fs';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { zipSync } from 'fflate';
import { z } from 'zod';

// ---------------------------------------------------------------------------------------
// Settings
// ---------------------------------------------------------------------------------------

export interface TeamsAppConfig {
  /** The Teams app id (a GUID of your choosing, stable across versions). */
  appId: string;
  /** The bot's MicrosoftAppId from the Azure Bot registration (a GUID). */
  botId: string;
  /** The public https address of the DEAL service; its host goes into validDomains. */
  publicUrl: string;
  privacyUrl: string;
  termsUrl: string;
  /** App version (x.y.z). Defaults to package.json's version. Bump it for every upload. */
  version?: string;
}

/** One bad setting: the config field and what is wrong with it. */
export interface ConfigIssue {
  field: string;
  message: string;
}

/** Thrown when the settings are not usable; `issues` lists every bad field. */
export class TeamsAppConfigError extends Error {
  readonly issues: readonly ConfigIssue[];
  constructor(issues: readonly ConfigIssue[]) {
    super(`Invalid Teams app settings:\n${issues.map((i) => `  - ${i.field}: ${i.message}`).join('\n')}`);
    this.name = 'TeamsAppConfigError';
    this.issues = issues;
  }
}

const GUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
const NIL_GUID = /^0{8}-0{4}-0{4}-0{4}-0{12}$/;
/** The manifest schema's own semver pattern (three numbers, no leading zeros). */
const VERSION = /^(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)$/;

const text = (what: string) => z.string({ required_error: 'is required', invalid_type_error: `must be ${what}` }).trim();

const guid = text('a GUID')
  .refine((v) => GUID.test(v), { message: 'must be a GUID like 3f2504e0-4f89-41d3-9a0c-0305e82c3301' })
  .refine((v) => !NIL_GUID.test(v), { message: 'must not be the all-zero GUID' });

const httpsUrl = text('an https:// URL')
  .max(2048, { message: 'must be at most 2048 characters' })
  .superRefine((v, ctx) => {
    let url: URL;
    try {
      url = new URL(v);
    } catch {
      ctx.addIssue({ code: z.ZodIssueCode.custom, message: 'must be a full URL starting with https://' });
      return;
    }
    if (url.protocol !== 'https:') {
      ctx.addIssue({ code: z.ZodIssueCode.custom, message: `must use https:// (got ${url.protocol}//)` });
    } else if (!url.hostname) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, message: 'must include a host name' });
    }
    if (url.username || url.password) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, message: 'must not contain a user name or password' });
    }
  });

const ConfigSchema = z
  .object({
    appId: guid,
    botId: guid,
    publicUrl: httpsUrl,
    privacyUrl: httpsUrl,
    termsUrl: httpsUrl,
    version: text('a version like 1.0.0')
      .refine((v) => VERSION.test(v), { message: 'must be a version like 1.0.0 (three whole numbers)' })
      .optional(),
  })
  .strict();

function parseConfig(config: TeamsAppConfig): z.infer<typeof ConfigSchema> {
  const parsed = ConfigSchema.safeParse(config);
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues.map((i): ConfigIssue => {
    if (i.code === z.ZodIssueCode.unrecognized_keys) {
      return { field: i.keys.join(', '), message: 'is not a known setting' };
    }
    return { field: i.path.length ? i.path.join('.') : '(settings)', message: i.message === 'Required' ? 'is required' : i.message };
  });
  throw new TeamsAppConfigError(issues);
}

// ---------------------------------------------------------------------------------------
// Manifest
// ---------------------------------------------------------------------------------------

export type Json = string | number | boolean | null | Json[] | { [key: string]: Json };
export type TeamsManifest = { [key: string]: Json };

const TEMPLATE_URL = new URL('./manifest.template.json', import.meta.url);
const PACKAGE_JSON_URL = new URL('../package.json', import.meta.url);
const PLACEHOLDER = /\$\{\{([A-Z0-9_]+)\}\}/g;

let templateCache: TeamsManifest | undefined;
function template(): TeamsManifest {
  templateCache ??= JSON.parse(readFileSync(TEMPLATE_URL, 'utf8')) as TeamsManifest;
  return templateCache;
}

function defaultVersion(): string {
  try {
    const version = (JSON.parse(readFileSync(PACKAGE_JSON_URL, 'utf8')) as { version?: unknown }).version;
    if (typeof version === 'string' && VERSION.test(version)) return version;
  } catch {
    // fall through
  }
  return '1.0.0';
}

/** Returns a copy of `value` with every ${{NAME}} placeholder in its strings replaced. */
function fill(value: Json, vars: Readonly<Record<string, string>>): Json {
  if (typeof value === 'string') {
    return value.replace(PLACEHOLDER, (_, name: string) => {
      const replacement = vars[name];
      if (replacement === undefined) throw new Error(`manifest.template.json uses an unknown placeholder \${{${name}}}`);
      return replacement;
    });
  }
  if (Array.isArray(value)) return value.map((v) => fill(v, vars));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, fill(v, vars)]));
  }
  return value;
}

/**
 * The Teams app manifest for these settings. Throws TeamsAppConfigError (listing every
 * bad field) if a GUID or URL is not valid.
 */
export function buildManifest(config: TeamsAppConfig): TeamsManifest {
  const c = parseConfig(config);
  const vars: Record<string, string> = {
    TEAMS_APP_ID: c.appId,
    BOT_ID: c.botId,
    PUBLIC_URL: c.publicUrl,
    PUBLIC_HOST: new URL(c.publicUrl).hostname,
    PRIVACY_URL: c.privacyUrl,
    TERMS_URL: c.termsUrl,
    APP_VERSION: c.version ?? defaultVersion(),
  };
  return fill(template(), vars) as TeamsManifest;
}

// ---------------------------------------------------------------------------------------
// Package
// ---------------------------------------------------------------------------------------

const COLOR_ICON_URL = new URL('./color.png', import.meta.url);
const OUTLINE_ICON_URL = new URL('./outline.png', import.meta.url);
/** 1980-01-01 00:00 local time (the zip format's earliest date): fixed so the package is reproducible. */
const FIXED_MTIME = new Date(1980, 0, 1);

/** The files in the app package, all at the root of the zip. */
export const PACKAGE_FILES = ['manifest.json', 'color.png', 'outline.png'] as const;

/** The app package as bytes: manifest.json, color.png and outline.png at the root. */
export function buildPackageBytes(config: TeamsAppConfig): Buffer {
  const manifest = buildManifest(config);
  const zip = zipSync(
    {
      'manifest.json': [Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`, 'utf8'), { level: 9 }],
      // PNGs are already deflated: stored as they are.
      'color.png': [readFileSync(COLOR_ICON_URL), { level: 0 }],
      'outline.png': [readFileSync(OUTLINE_ICON_URL), { level: 0 }],
    },
    { mtime: FIXED_MTIME },
  );
  return Buffer.from(zip.buffer, zip.byteOffset, zip.byteLength);
}

/** Writes the Teams app package (a zip) to `outFile`, creating its folder if needed. */
export async function buildPackage(config: TeamsAppConfig, outFile: string): Promise<void> {
  const bytes = buildPackageBytes(config);
  const target = resolve(outFile);
  await mkdir(dirname(target), { recursive: true });
  const partial = `${target}.${process.pid}.partial`;
  try {
    await writeFile(partial, bytes);
    await rename(partial, target);
  } catch (error) {
    await rm(partial, { force: true });
    throw error;
  }
}
