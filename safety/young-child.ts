/**
 * A young child's behaviour ("he's 2 and bangs his head on the floor when he's frustrated"): the
 * gentle check-in, not the safety card. The words live in `safety/young-child.yaml`, whose header
 * gives the test and why; this module runs it over the patterns that fired.
 */
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { DataFileError, loadYaml, shownPath } from '../text/load-yaml.js';
import { joinRegexList } from '../text/regex-list.js';

const YoungChildFile = z
  .object({
    version: z.literal(1),
    patterns: z.array(z.string().regex(/^[a-z][a-z0-9-]*\.[a-z0-9-]+$/, 'must be a pattern id, "category-id.short-name"')).min(1),
    young: z.array(z.string().min(1)).min(1),
    serious: z.array(z.string().min(1)).min(1),
  })
  .strict();

export type YoungChild = { file: string; patterns: ReadonlySet<string>; young: RegExp; serious: RegExp };

export const DEFAULT_YOUNG_CHILD_FILE = fileURLToPath(new URL('./young-child.yaml', import.meta.url));

/** Reads and compiles the file; `knownPatterns` are the safety patterns' ids (an unknown one is named). */
export function loadYoungChild(knownPatterns: readonly string[], file: string = DEFAULT_YOUNG_CHILD_FILE): YoungChild {
  const data = loadYaml(file, YoungChildFile);
  const fail = (where: string, message: string): never => {
    throw new DataFileError(`${shownPath(file)}: ${where}: ${message}`);
  };
  data.patterns.forEach((id, i) => {
    if (!knownPatterns.includes(id)) fail(`patterns[${i}]`, `no safety pattern has the id "${id}"`);
  });
  return { file, patterns: new Set(data.patterns), young: joinRegexList(file, 'young', data.young), serious: joinRegexList(file, 'serious', data.serious) };
}

/** True when every pattern that fired is a behaviour shape, the child is under five, and nothing says it is serious. */
export function isYoungChildBehaviour(norm: string, matched: readonly string[], rule: YoungChild): boolean {
  return matched.length > 0 && matched.every((id) => rule.patterns.has(id)) && rule.young.test(norm) && !rule.serious.test(norm);
}
