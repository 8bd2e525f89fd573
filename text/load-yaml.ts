/**
 * Reads one YAML data file and checks it with a zod schema, so a mistake in a vocabulary
 * stops start-up with the file and the field named ("understanding/vocabulary/ehcp.yaml:
 * ehcp.2.phrases.0: not a valid regular expression") instead of misreading families quietly.
 *
 * `loadYaml(file, schema)` returns the parsed value typed by the schema, or throws a
 * `DataFileError`. `file` is a path or a `file:` URL; the message shows it from the project
 * folder (e.g. `understanding/vocabulary/needs.yaml`).
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import type { z } from 'zod';

export class DataFileError extends Error {
  override name = 'DataFileError';
}

/** The file as people know it: from the first project folder in its path. */
function shown(file: string): string {
  return file.replace(/^.*?\/((understanding|triage|knowledge|handover|tests|bench)\/)/, '$1');
}

export function loadYaml<S extends z.ZodTypeAny>(file: string | URL, schema: S): z.output<S> {
  const path = typeof file === 'string' ? file : fileURLToPath(file);
  const where = shown(path);
  let raw: unknown;
  try {
    raw = parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new DataFileError(`${where}: cannot read: ${(error as Error).message}`);
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
    throw new DataFileError(`${where}: ${problems.join('; ')}`);
  }
  return parsed.data;
}
