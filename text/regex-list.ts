/**
 * A data file's list of regular expressions, checked and joined: one place that names the file,
 * the field and the entry when a pattern does not compile, for every small YAML file of patterns
 * (safety/past-risk.yaml, safety/young-child.yaml, conversation/help-requests.yaml).
 */
import { DataFileError, shownPath } from './load-yaml.js';

/** Throws a DataFileError ("file: field[i]: not a valid regular expression: ...") for the first entry that does not compile. */
export function checkRegexList(file: string, field: string, sources: readonly string[]): void {
  sources.forEach((source, i) => {
    try {
      new RegExp(source);
    } catch (err) {
      throw new DataFileError(`${shownPath(file)}: ${field}[${i}]: not a valid regular expression: ${(err as Error).message}`);
    }
  });
}

/**
 * The checked list as one pattern, any entry matching at a word start; `wholeWords`: at a word
 * end too (an entry cannot stop inside a word).
 */
export function joinRegexList(file: string, field: string, sources: readonly string[], wholeWords = false): RegExp {
  checkRegexList(file, field, sources);
  return new RegExp(`\\b(?:${sources.join('|')})${wholeWords ? '\\b' : ''}`);
}
