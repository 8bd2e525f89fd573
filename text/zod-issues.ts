/**
 * One way to say what is wrong with data zod rejected: "field: message", the field written as
 * its path ("holidays.0.date"). Every loader, the settings check and the HTTP 400 replies use
 * it, so a person fixing a file or a request reads the same kind of sentence everywhere.
 */
import type { z } from 'zod';

export type IssueOptions = {
  /** What to call the whole value when the path is empty: "(top level)" unless said ("activity", "(draft)"). */
  readonly root?: string;
  /**
   * The YAML or JSON that was checked: when given, a list item with an `id` is named by it,
   * `categories[0] (id "suicide").kind`, so a long file's entry can be found by its id.
   */
  readonly raw?: unknown;
};

type Path = readonly PropertyKey[];

/** The path of one issue as people read it. */
export function issuePath(path: Path, options: IssueOptions = {}): string {
  if (path.length === 0) return options.root ?? '(top level)';
  if (options.raw === undefined) return path.map(String).join('.');
  const parts: string[] = [];
  let node: unknown = options.raw;
  for (const key of path) {
    node = node !== null && typeof node === 'object' ? (node as Record<PropertyKey, unknown>)[key] : undefined;
    if (typeof key === 'number') {
      const id = node !== null && typeof node === 'object' ? (node as { id?: unknown }).id : undefined;
      const index = typeof id === 'string' ? `[${key}] (id "${id}")` : `[${key}]`;
      if (parts.length === 0) parts.push(index);
      else parts[parts.length - 1] += index;
    } else parts.push(String(key));
  }
  return parts.join('.');
}

/** Each issue as "field: message". */
export function issueLines(error: z.ZodError, options: IssueOptions = {}): string[] {
  return error.issues.map((i) => `${issuePath(i.path, options)}: ${i.message}`);
}

/** All issues in one line, "a: Required; b.0: Expected number, received string". */
export function formatIssues(error: z.ZodError, options: IssueOptions = {}): string {
  return issueLines(error, options).join('; ');
}
