/**
 * Builds the Microsoft Teams app package for the DEAL front door: manifest.json (from
 * manifest.template.json and validated settings), plus the two icons, zipped at the root.
 *
 * Everything is generated here with node:zlib only: a small PNG encoder draws the icons
 * (a speech bubble with a "D") and a small zip writer packs them. The output is
 * byte-for-byte reproducible for the same settings (fixed timestamps, no randomness).
 *
 * No secret goes into the package: only the Teams app id, the bot's Microsoft App ID
 * (both public identifiers) and public URLs.
 */
import { readFileSync } from 'node:fs';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { deflateRawSync, deflateSync } from 'node:zlib';
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
// CRC-32 (ISO-HDLC, as used by both PNG and zip)
// ---------------------------------------------------------------------------------------

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

export function crc32(data: Uint8Array, initial = 0): number {
  let crc = ~initial >>> 0;
  for (let i = 0; i < data.length; i++) crc = CRC_TABLE[(crc ^ data[i]!) & 0xff]! ^ (crc >>> 8);
  return ~crc >>> 0;
}

// ---------------------------------------------------------------------------------------
// PNG encoder (8-bit truecolour or truecolour with alpha, no interlace)
// ---------------------------------------------------------------------------------------

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

function pngChunk(type: string, data: Buffer): Buffer {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, 'latin1');
  data.copy(out, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
  return out;
}

/**
 * Encodes pixels as a PNG. `pixels` is row-major, 3 bytes a pixel (RGB, colour type 2)
 * or 4 bytes a pixel (RGBA, colour type 6).
 */
export function encodePng(width: number, height: number, pixels: Uint8Array, colourType: 2 | 6): Buffer {
  const bpp = colourType === 6 ? 4 : 3;
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
    throw new Error(`bad PNG size ${width}x${height}`);
  }
  if (pixels.length !== width * height * bpp) {
    throw new Error(`PNG pixel data is ${pixels.length} bytes; expected ${width * height * bpp}`);
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = colourType;
  ihdr[10] = 0; // deflate
  ihdr[11] = 0; // adaptive filtering
  ihdr[12] = 0; // no interlace
  const stride = width * bpp;
  const raw = Buffer.alloc((stride + 1) * height);
  for (let y = 0; y < height; y++) {
    raw[y * (stride + 1)] = 0; // filter: none
    raw.set(pixels.subarray(y * stride, (y + 1) * stride), y * (stride + 1) + 1);
  }
  return Buffer.concat([
    PNG_SIGNATURE,
    pngChunk('IHDR', ihdr),
    pngChunk('IDAT', deflateSync(raw, { level: 9 })),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
}

// ---------------------------------------------------------------------------------------
// Icons: a speech bubble with a "D", drawn from simple shapes with 8x8 supersampling
// ---------------------------------------------------------------------------------------

export const ACCENT: readonly [number, number, number] = [0x00, 0x5a, 0x9c]; // #005A9C

interface Box {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

/** Inside a rectangle whose corners have radii [top-left, top-right, bottom-right, bottom-left]. */
function inRoundedRect(x: number, y: number, b: Box, radii: readonly [number, number, number, number]): boolean {
  if (x < b.x0 || x > b.x1 || y < b.y0 || y > b.y1) return false;
  const corners: [number, number, number][] = [
    [b.x0 + radii[0], b.y0 + radii[0], radii[0]],
    [b.x1 - radii[1], b.y0 + radii[1], radii[1]],
    [b.x1 - radii[2], b.y1 - radii[2], radii[2]],
    [b.x0 + radii[3], b.y1 - radii[3], radii[3]],
  ];
  for (const [i, [cx, cy, r]] of corners.entries()) {
    if (r <= 0) continue;
    const left = i === 0 || i === 3;
    const top = i === 0 || i === 1;
    const inCornerX = left ? x < cx : x > cx;
    const inCornerY = top ? y < cy : y > cy;
    if (inCornerX && inCornerY && (x - cx) ** 2 + (y - cy) ** 2 > r * r) return false;
  }
  return true;
}

function inTriangle(x: number, y: number, a: readonly [number, number], b: readonly [number, number], c: readonly [number, number]): boolean {
  const side = (p: readonly [number, number], q: readonly [number, number]) => (q[0] - p[0]) * (y - p[1]) - (q[1] - p[1]) * (x - p[0]);
  const d1 = side(a, b);
  const d2 = side(b, c);
  const d3 = side(c, a);
  const hasNeg = d1 < 0 || d2 < 0 || d3 < 0;
  const hasPos = d1 > 0 || d2 > 0 || d3 > 0;
  return !(hasNeg && hasPos);
}

type Part = 'background' | 'bubble' | 'letter';

/** The icon design in unit coordinates (0..1 each way, y down). */
function iconPart(x: number, y: number, stroke: number): Part {
  const body: Box = { x0: 0, y0: 0, x1: 1, y1: 0.8 };
  const inBubble = inRoundedRect(x, y, body, [0.22, 0.22, 0.22, 0.22]) || inTriangle(x, y, [0.16, 0.7], [0.48, 0.7], [0.1, 1]);
  if (!inBubble) return 'background';
  // A "D": a box with round right-hand corners, minus the same shape inset by the stroke.
  const outer: Box = { x0: 0.33, y0: 0.16, x1: 0.7, y1: 0.64 };
  const outerR = (outer.y1 - outer.y0) / 2;
  const inner: Box = { x0: outer.x0 + stroke, y0: outer.y0 + stroke, x1: outer.x1 - stroke, y1: outer.y1 - stroke };
  const innerR = Math.max(0, outerR - stroke);
  const inD =
    inRoundedRect(x, y, outer, [0, outerR, outerR, 0]) && !inRoundedRect(x, y, inner, [0, innerR, innerR, 0]);
  return inD ? 'letter' : 'bubble';
}

const SAMPLES = 8;

/** Fraction of each sub-sample of pixel (px, py) that falls in each part. */
function coverage(px: number, py: number, size: number, margin: number, stroke: number): Record<Part, number> {
  const counts: Record<Part, number> = { background: 0, bubble: 0, letter: 0 };
  const span = size - 2 * margin;
  for (let sy = 0; sy < SAMPLES; sy++) {
    for (let sx = 0; sx < SAMPLES; sx++) {
      const x = (px + (sx + 0.5) / SAMPLES - margin) / span;
      const y = (py + (sy + 0.5) / SAMPLES - margin) / span;
      counts[iconPart(x, y, stroke)]++;
    }
  }
  const n = SAMPLES * SAMPLES;
  return { background: counts.background / n, bubble: counts.bubble / n, letter: counts.letter / n };
}

const iconCache = new Map<string, Buffer>();
/** The icons are fixed, so each is drawn once per process; callers get their own copy. */
function cached(key: string, draw: () => Buffer): Buffer {
  let png = iconCache.get(key);
  if (!png) iconCache.set(key, (png = draw()));
  return Buffer.from(png);
}

/** color.png: 192x192, opaque RGB: white speech bubble with an accent-coloured "D" on the accent colour. */
export function renderColorIcon(): Buffer {
  return cached('color', drawColorIcon);
}

/** outline.png: 32x32 RGBA, white speech bubble with the "D" cut out, on transparent. */
export function renderOutlineIcon(): Buffer {
  return cached('outline', drawOutlineIcon);
}

function drawColorIcon(): Buffer {
  const size = 192;
  const margin = 36;
  const pixels = new Uint8Array(size * size * 3);
  for (let py = 0; py < size; py++) {
    for (let px = 0; px < size; px++) {
      const c = coverage(px, py, size, margin, 0.095);
      const white = c.bubble;
      for (let ch = 0; ch < 3; ch++) {
        pixels[(py * size + px) * 3 + ch] = Math.round(255 * white + ACCENT[ch]! * (1 - white));
      }
    }
  }
  return encodePng(size, size, pixels, 2);
}

function drawOutlineIcon(): Buffer {
  const size = 32;
  const margin = 2;
  const pixels = new Uint8Array(size * size * 4);
  for (let py = 0; py < size; py++) {
    for (let px = 0; px < size; px++) {
      const c = coverage(px, py, size, margin, 0.12);
      const i = (py * size + px) * 4;
      pixels[i] = 255;
      pixels[i + 1] = 255;
      pixels[i + 2] = 255;
      pixels[i + 3] = Math.round(255 * c.bubble);
    }
  }
  return encodePng(size, size, pixels, 6);
}

// ---------------------------------------------------------------------------------------
// Zip writer (PKZIP 2.0: stored or deflated entries, no data descriptors, no zip64)
// ---------------------------------------------------------------------------------------

export interface ZipInput {
  name: string;
  data: Buffer;
  /** Deflate the entry (kept stored if deflating does not make it smaller). */
  deflate?: boolean;
}

/** 1980-01-01 00:00:00 in MS-DOS format: fixed so that the package is reproducible. */
const DOS_TIME = 0;
const DOS_DATE = (0 << 9) | (1 << 5) | 1;

export function createZip(entries: readonly ZipInput[]): Buffer {
  const seen = new Set<string>();
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const entry of entries) {
    if (!/^[\x21-\x7e]+( [\x21-\x7e]+)*$/.test(entry.name) || entry.name.includes('\\') || entry.name.startsWith('/')) {
      throw new Error(`bad zip entry name ${JSON.stringify(entry.name)}`);
    }
    if (seen.has(entry.name)) throw new Error(`duplicate zip entry ${entry.name}`);
    seen.add(entry.name);
    const name = Buffer.from(entry.name, 'ascii');
    const crc = crc32(entry.data);
    const deflated = entry.deflate ? deflateRawSync(entry.data, { level: 9 }) : undefined;
    const useDeflate = deflated !== undefined && deflated.length < entry.data.length;
    const body = useDeflate ? deflated : entry.data;
    const method = useDeflate ? 8 : 0;

    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4); // version needed: 2.0
    local.writeUInt16LE(0, 6); // flags
    local.writeUInt16LE(method, 8);
    local.writeUInt16LE(DOS_TIME, 10);
    local.writeUInt16LE(DOS_DATE, 12);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(body.length, 18);
    local.writeUInt32LE(entry.data.length, 22);
    local.writeUInt16LE(name.length, 26);
    local.writeUInt16LE(0, 28); // extra length
    locals.push(local, name, body);

    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4); // version made by: MS-DOS, 2.0
    central.writeUInt16LE(20, 6); // version needed
    central.writeUInt16LE(0, 8);
    central.writeUInt16LE(method, 10);
    central.writeUInt16LE(DOS_TIME, 12);
    central.writeUInt16LE(DOS_DATE, 14);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(body.length, 20);
    central.writeUInt32LE(entry.data.length, 24);
    central.writeUInt16LE(name.length, 28);
    // extra length, comment length, disk number, internal and external attributes: 0
    central.writeUInt32LE(offset, 42);
    centrals.push(central, name);

    offset += local.length + name.length + body.length;
  }
  const centralDir = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(centralDir.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, centralDir, end]);
}

// ---------------------------------------------------------------------------------------
// Package
// ---------------------------------------------------------------------------------------

/** The files in the app package, all at the root of the zip. */
export const PACKAGE_FILES = ['manifest.json', 'color.png', 'outline.png'] as const;

/** The app package as bytes: manifest.json, color.png and outline.png at the root. */
export function buildPackageBytes(config: TeamsAppConfig): Buffer {
  const manifest = buildManifest(config);
  return createZip([
    { name: 'manifest.json', data: Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`, 'utf8'), deflate: true },
    { name: 'color.png', data: renderColorIcon() },
    { name: 'outline.png', data: renderOutlineIcon() },
  ]);
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
