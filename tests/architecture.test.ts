/**
 * The layers, checked over the source tree (what `farm-studio look` draws):
 * - only `bot/` imports the channel SDKs (botbuilder, Teams AI), so a move to the
 *   Microsoft 365 Agents SDK rewrites one folder;
 * - the core folders never import the channel, the composition root, the web pages or the
 *   staff pages (arrows run from the edge inwards);
 * - `bench/` stands alone from `tests/` (tests may use bench's builders, not the reverse).
 * Static imports, `export … from` and dynamic `import()` all count.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, posix, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..');
const SKIP = new Set(['node_modules', '.git', 'data', 'dist', 'docs']);
const CORE = ['knowledge', 'triage', 'safety', 'handover', 'conversation', 'text', 'understanding'];
const EDGE = ['bot', 'app', 'web', 'staff'];
/** The bot SDKs. `botframework-directlinejs` (bench/ and tests/) is Microsoft's Direct Line client, not the bot SDK. */
const SDK = /^(botbuilder(-[a-z-]+)?|@microsoft\/teams-ai|botframework-connector|botframework-schema)(\/|$)/;

function sources(dir = ROOT): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    if (SKIP.has(entry.name) || entry.name.startsWith('.')) return [];
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sources(path);
    return /\.(ts|mts|mjs|js)$/.test(entry.name) ? [relative(ROOT, path).split('\\').join('/')] : [];
  });
}

type Edge = { file: string; spec: string; target: string | null };

function importsOf(file: string): Edge[] {
  const text = readFileSync(join(ROOT, file), 'utf8');
  const specs = [...text.matchAll(/(?:^|\n)\s*(?:import|export)[^'"`;]*?from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)|^\s*import\s+['"]([^'"]+)['"]/gm)].map(
    (m) => m[1] ?? m[2] ?? m[3]!,
  );
  return specs.map((spec) => ({
    file,
    spec,
    target: spec.startsWith('.') ? posix.normalize(posix.join(posix.dirname(file), spec)) : null,
  }));
}

const top = (path: string) => path.split('/')[0]!;
const ALL = sources().flatMap(importsOf);

describe('the layers of the house', () => {
  it('reads the tree (a broken scan would pass every rule below)', () => {
    expect(ALL.length).toBeGreaterThan(300);
    expect(ALL.some((e) => e.file.startsWith('bot/') && SDK.test(e.spec))).toBe(true);
    expect(ALL.some((e) => e.file.startsWith('conversation/') && e.target?.startsWith('triage/'))).toBe(true);
  });

  it('nothing outside bot/ imports botbuilder or Teams AI', () => {
    const outside = ALL.filter((e) => SDK.test(e.spec) && top(e.file) !== 'bot' && top(e.file) !== 'tests');
    expect(outside.map((e) => `${e.file} imports ${e.spec}`)).toEqual([]);
  });

  it('tests reach the SDK only through bot/ too, except the storage adapter contract that speaks its types', () => {
    const tests = ALL.filter((e) => SDK.test(e.spec) && top(e.file) === 'tests' && !e.file.endsWith('state-storage.test.ts'));
    expect(tests.map((e) => `${e.file} imports ${e.spec}`)).toEqual([]);
  });

  it('no core folder imports the channel, the composition root, the web pages or the staff pages', () => {
    const upward = ALL.filter((e) => CORE.includes(top(e.file)) && e.target && EDGE.includes(top(e.target)));
    expect(upward.map((e) => `${e.file} imports ${e.spec}`)).toEqual([]);
  });

  it('bench/ imports nothing from tests/', () => {
    const fromTests = ALL.filter((e) => top(e.file) === 'bench' && e.target && top(e.target) === 'tests');
    expect(fromTests.map((e) => `${e.file} imports ${e.spec}`)).toEqual([]);
  });
});

describe('rooms of a readable size', () => {
  it('no source file over 300 lines without a reason in its header ("Over 300 lines: …")', () => {
    const files = sources().filter((file) => top(file) !== 'tests' && top(file) !== 'bench' && !file.startsWith('bin/'));
    expect(files.length, 'a broken scan would pass this rule').toBeGreaterThan(150);
    const long = files.map((file) => ({ file, text: readFileSync(join(ROOT, file), 'utf8') })).filter(({ text }) => text.split('\n').length > 300);
    const unexplained = long.filter(({ text }) => !/^\s*\*\s*Over 300 lines: \S/m.test(text.split('*/')[0]!)).map(({ file }) => file);
    expect(unexplained).toEqual([]);
  });
});
