/**
 * Groups unanswered questions that ask the same thing, so the content owner sees "respite
 * for twins" once with its count instead of twelve near-copies.
 *
 * Why token overlap and not a model: the questions are short, the groups must be explainable
 * and stable from one period to the next (a marker is stored against a group's signature),
 * and it runs in milliseconds. Two questions join when their index terms (the search's own
 * stemming and stop words) overlap by at least two thirds of the smaller set.
 */
import { terms } from '../knowledge/text.js';

const PLACEHOLDERS = new Set(['name', 'phone', 'email', 'postcod', 'postcode', 'date', 'refer', 'reference']);
export const MIN_OVERLAP = 2 / 3;

export type Cluster<T> = {
  /** The representative question's sorted terms: stable, and what markers are stored against. */
  signature: string;
  /** The most frequent question of the group. */
  example: string;
  count: number;
  items: T[];
};

export function termsOf(question: string): string[] {
  return [...new Set(terms(question).filter((t) => !PLACEHOLDERS.has(t)))].sort();
}

/** Overlap coefficient of two term sets. */
export function overlap(a: readonly string[], b: readonly string[]): number {
  if (a.length === 0 || b.length === 0) return a.length === b.length ? 1 : 0;
  const set = new Set(a);
  const shared = b.filter((t) => set.has(t)).length;
  return shared / Math.min(a.length, b.length);
}

/** Clusters of `items` by `textOf`, most frequent first (ties: by example text). */
export function cluster<T>(items: readonly T[], textOf: (item: T) => string): Cluster<T>[] {
  const byText = new Map<string, T[]>();
  for (const item of items) {
    const key = textOf(item).trim().toLowerCase();
    byText.set(key, [...(byText.get(key) ?? []), item]);
  }
  const distinct = [...byText.entries()].sort((a, b) => b[1].length - a[1].length || a[0].localeCompare(b[0]));
  const groups: { terms: string[]; cluster: Cluster<T> }[] = [];
  for (const [text, group] of distinct) {
    const t = termsOf(text);
    const home = groups.find((g) => overlap(g.terms, t) >= MIN_OVERLAP);
    if (home) {
      home.cluster.count += group.length;
      home.cluster.items.push(...group);
    } else {
      groups.push({ terms: t, cluster: { signature: t.join(' ') || '(no words)', example: textOf(group[0]!), count: group.length, items: [...group] } });
    }
  }
  return groups.map((g) => g.cluster).sort((a, b) => b.count - a.count || a.example.localeCompare(b.example));
}
