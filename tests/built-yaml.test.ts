/**
 * The YAML parsed at build time (bin/build.js, dist/text/yaml-parsed.json) is what parsing the
 * text at start-up gave: every data file and article front matter is there, each value equal to
 * `yaml`'s own parse, the built server loads the same knowledge base, rules and vocabularies as
 * the sources, and an edited text is parsed afresh, never given the old value.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { loadKnowledgeBase } from '../knowledge/load.js';
import { loadRules } from '../triage/rules.js';
import { loadVocabulary } from '../understanding/vocabulary.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const OUT = join(ROOT, '.tmp', `built-yaml-${process.pid}`);
const FRONT_MATTER = /^---\r?\n([\s\S]*?)\r?\n---\r?\n?([\s\S]*)$/;

function* files(dir: string): Generator<string> {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (e.isDirectory()) yield* files(join(dir, e.name));
    else yield join(dir, e.name);
  }
}
/** Every YAML text of the data folders, as the loaders read them. */
const yamlTexts = ['knowledge', 'safety', 'triage', 'understanding', 'conversation', 'handover']
  .flatMap((folder) => [...files(join(ROOT, folder))])
  .flatMap((file) => {
    const text = readFileSync(file, 'utf8');
    if (/\.ya?ml$/.test(file)) return [text];
    const front = file.endsWith('.md') ? FRONT_MATTER.exec(text)?.[1] : undefined;
    return front === undefined ? [] : [front];
  });

type LoadYaml = typeof import('../text/load-yaml.js');
let built: LoadYaml;

beforeAll(async () => {
  execFileSync(process.execPath, ['bin/build.js', '--quiet', '--out', OUT], { cwd: ROOT });
  built = (await import(pathToFileURL(join(OUT, 'text', 'load-yaml.js')).href)) as LoadYaml;
}, 120_000);
afterAll(() => rmSync(OUT, { recursive: true, force: true }));

describe('YAML parsed at build time', () => {
  it('gives the built server the same knowledge base, rules and vocabularies as the sources', async () => {
    const load = async <T>(path: string) => (await import(pathToFileURL(join(OUT, path)).href)) as T;
    const kb = (await load<typeof import('../knowledge/load.js')>('knowledge/load.js')).loadKnowledgeBase();
    const withoutFiles = (k: ReturnType<typeof loadKnowledgeBase>) => k.articles.map(({ file: _file, ...a }) => a);
    expect(withoutFiles(kb)).toEqual(withoutFiles(loadKnowledgeBase()));
    expect(kb.glossary).toEqual(loadKnowledgeBase().glossary);
    const rules = (await load<typeof import('../triage/rules.js')>('triage/rules.js')).loadRules();
    expect(JSON.stringify(rules)).toBe(JSON.stringify(loadRules()));
    const vocabulary = (await load<typeof import('../understanding/vocabulary.js')>('understanding/vocabulary.js')).loadVocabulary();
    expect(String(vocabulary.ehcp.entries.map((e) => e.phrases))).toBe(String(loadVocabulary().ehcp.entries.map((e) => e.phrases)));
  });

  it('holds every data file and front matter, each as yaml parses it', () => {
    const stored = JSON.parse(readFileSync(join(OUT, 'text', 'yaml-parsed.json'), 'utf8')) as Record<string, unknown>;
    expect(yamlTexts.length).toBeGreaterThan(60);
    for (const text of yamlTexts) expect(stored[createHash('sha1').update(text).digest('base64')]).toEqual(parse(text));
  });

  it('parses an edited text afresh, and gives a fresh value the second time', () => {
    const text = yamlTexts.find((t) => t.includes('version:'))!;
    const edited = text.replace('version: 1', 'version: 2');
    expect(edited).not.toBe(text);
    expect(built.parseYamlText(edited)).toEqual(parse(edited));
    const again = built.parseYamlText(text) as Record<string, unknown>;
    again.version = 99;
    expect(built.parseYamlText(text)).toEqual(parse(text));
  });

});

describe('the safety net trained at build time', () => {
  it('is the net the sources train, kept under the key of exactly its examples, and scores as it does in the built modules', async () => {
    const source = await import('../safety/safety-net.js');
    const stored = JSON.parse(readFileSync(join(OUT, 'safety', 'safety-net.json'), 'utf8')) as { key: string; net: unknown };
    const kb = loadKnowledgeBase();
    const { readSafetyLines, SAFETY_DATA } = await import('../safety/safety-examples.js');
    const risk = readSafetyLines(SAFETY_DATA.risk);
    const ordinary = [...readSafetyLines(SAFETY_DATA.ordinary), ...kb.articles.flatMap((a) => [a.title, ...a.questions])];
    expect(stored.key).toBe(source.trainingKey(risk, ordinary, {}));
    expect(source.trainingKey(risk, [...ordinary, 'one more ordinary line'], {})).not.toBe(stored.key);
    const trained = source.SafetyNet.train(risk, ordinary);
    expect(stored.net).toEqual(JSON.parse(JSON.stringify(trained.toData())));
    const built = (await import(pathToFileURL(join(OUT, 'safety', 'safety-net.js')).href)) as typeof source;
    const net = built.standardSafetyNet();
    for (const text of ['can someone call me', 'i found cuts on her arms last night', 'my son is 9 and struggles with reading']) {
      expect(net.score(text), text).toBeCloseTo(trained.score(text), 10);
    }
  });
});

describe('the patterns\' prefilters worked out at build time', () => {
  it('hold, for every safety pattern and vocabulary phrase, exactly what the analysis gives its source, and the built modules use them', async () => {
    const source = await import('../safety/prefilter.js');
    const table = JSON.parse(readFileSync(join(OUT, 'safety', 'prefilter-sets.json'), 'utf8')) as [string, string[][]][];
    const { loadSafetyPatterns } = await import('../safety/safety.js');
    const patterns = loadSafetyPatterns(undefined, { breadthChecks: false });
    const sources = new Set(table.map(([s]) => s));
    for (const p of patterns.compiled) expect(sources.has(p.regex.source), p.id).toBe(true);
    expect(table.length).toBeGreaterThan(patterns.compiled.length); // the understander's phrases too
    for (const [regex, sets] of table) expect(source.prefilterFor(regex) ?? [], regex).toEqual(sets);
    // The built safety check compiles to the same prefilters as the sources (where the table is used).
    const built = (await import(pathToFileURL(join(OUT, 'safety', 'safety.js')).href)) as typeof import('../safety/safety.js');
    const fromTable = built.loadSafetyPatterns(undefined, { breadthChecks: false });
    expect(fromTable.compiled.map((p) => p.prefilter?.map((set) => [...set]) ?? null)).toEqual(patterns.compiled.map((p) => p.prefilter?.map((set) => [...set]) ?? null));
    // A source the table does not hold (an edited pattern) is analysed afresh.
    const edited = `${patterns.compiled[0]!.regex.source}|brand new words`;
    const builtPrefilter = (await import(pathToFileURL(join(OUT, 'safety', 'prefilter.js')).href)) as typeof source;
    expect(builtPrefilter.prefilterFor(edited)).toEqual(source.prefilterFor(edited));
  });
});
