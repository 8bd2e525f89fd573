/**
 * Reads one YAML data file and checks it with a zod schema, so a mistake in a vocabulary
 * stops start-up with the file and the field named ("understanding/vocabulary/ehcp.yaml:
 * ehcp.2.phrases.0: not a valid regular expression") instead of misreading families quietly.
 * Every YAML loader in the project goes through here (vocabularies, safety patterns, triage
 * rules and routes, localities, knowledge files, the Teams allow-list, bank holidays).
 *
 * - `loadYaml(file, schema)` returns the parsed value typed by the schema, or throws a
 *   `DataFileError`. `file` is a path or a `file:` URL; the message shows it from the project
 *   folder (e.g. `understanding/vocabulary/needs.yaml`), a file elsewhere by its full path.
 * - `parseYaml(text, schema, where)` does the same for text already in hand.
 * - `parseYamlText(text)` only parses (the triage rules check their file their own way).
 * A built server (bin/build.js) finds the YAML already parsed, by a hash of its text.
 * - `checkYaml` / `checkYamlFile` return the problems instead of throwing, for loaders that
 *   report every problem of many files at once (the knowledge base).
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type { z } from 'zod';
import { issueLines, type IssueOptions } from './zod-issues.js';

export class DataFileError extends Error {
  override name = 'DataFileError';
}

/** How problems are worded: `ids` names list items by their `id` ("categories[0] (id "suicide")"). */
export type YamlOptions = Pick<IssueOptions, 'root'> & { readonly ids?: boolean };

/** Each problem is "where: field: message" (or "where: cannot read: …"). */
export type Checked<T> = { ok: true; data: T } | { ok: false; problems: string[] };

const PROJECT = fileURLToPath(new URL('..', import.meta.url));

/** The file as people know it: from the project folder when it is inside it, else as given. */
export function shownPath(file: string | URL): string {
  const path = typeof file === 'string' ? file : fileURLToPath(file);
  return path.startsWith(PROJECT) ? path.slice(PROJECT.length) : path;
}

/** The YAML parser, loaded on first use: a built server may never need it (below). */
let yamlParse: ((text: string) => unknown) | undefined;
const parse = (text: string): unknown => (yamlParse ??= (createRequire(import.meta.url)('yaml') as typeof import('yaml')).parse)(text);

/** YAML that `npm run build` parsed already (bin/build.js), by the sha1 of its text. Absent when running the sources. */
const BUILT_FILE = new URL('./yaml-parsed.json', import.meta.url);
const built = new Map<string, unknown>(existsSync(BUILT_FILE) ? Object.entries(JSON.parse(readFileSync(BUILT_FILE, 'utf8')) as Record<string, unknown>) : []);
/** YAML text as `yaml`'s `parse` reads it (the built value when there is one): for loaders with checks of their own. */
export function parseYamlText(text: string): unknown {
  if (built.size === 0) return parse(text);
  const key = createHash('sha1').update(text).digest('base64');
  const value = built.get(key);
  if (value === undefined) return parse(text);
  // Each load gets its own copy (a loader may change what it is given), so a second load of the
  // same text (the knowledge base, loaded again for the safety net) costs a copy, not a parse.
  return structuredClone(value);
}

type Found<T> = { ok: true; data: T } | { ok: false; where: string; lines: string[] };

function check<S extends z.ZodTypeAny>(text: string, schema: S, where: string, options: YamlOptions): Found<z.output<S>> {
  let raw: unknown;
  try {
    raw = parseYamlText(text);
  } catch (error) {
    return { ok: false, where, lines: [`cannot read: ${firstLine(error)}`] };
  }
  const parsed = schema.safeParse(raw);
  if (parsed.success) return { ok: true, data: parsed.data };
  return { ok: false, where, lines: issueLines(parsed.error, { root: options.root, raw: options.ids ? raw : undefined }) };
}

function checkFile<S extends z.ZodTypeAny>(file: string | URL, schema: S, options: YamlOptions): Found<z.output<S>> {
  const where = shownPath(file);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    return { ok: false, where, lines: [`cannot read: ${firstLine(error)}`] };
  }
  return check(text, schema, where, options);
}

const firstLine = (error: unknown): string => (error as Error).message.split('\n')[0]!;

const asChecked = <T>(found: Found<T>): Checked<T> =>
  found.ok ? found : { ok: false, problems: found.lines.map((line) => `${found.where}: ${line}`) };

function orThrow<T>(found: Found<T>): T {
  if (found.ok) return found.data;
  throw new DataFileError(`${found.where}: ${found.lines.join('; ')}`);
}

/** Parses YAML text and checks it; problems name `where` and the field. */
export function checkYaml<S extends z.ZodTypeAny>(text: string, schema: S, where: string, options: YamlOptions = {}): Checked<z.output<S>> {
  return asChecked(check(text, schema, where, options));
}

/** Reads and checks one file; a file that cannot be read is a problem, not an exception. */
export function checkYamlFile<S extends z.ZodTypeAny>(file: string | URL, schema: S, options: YamlOptions = {}): Checked<z.output<S>> {
  return asChecked(checkFile(file, schema, options));
}

export function loadYaml<S extends z.ZodTypeAny>(file: string | URL, schema: S, options: YamlOptions = {}): z.output<S> {
  return orThrow(checkFile(file, schema, options));
}

export function parseYaml<S extends z.ZodTypeAny>(text: string, schema: S, where: string, options: YamlOptions = {}): z.output<S> {
  return orThrow(check(text, schema, where, options));
}
