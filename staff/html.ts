/**
 * Safe HTML building for the staff pages.
 *
 * Handovers hold text typed by families (names, "best time", transcripts, triage reasons)
 * and must never be able to run script in a staff member's browser. So every value put in a
 * page goes through the `html` tagged template, which escapes it unless it is itself
 * `SafeHtml` built the same way. There is no other way to add markup to a page, no innerHTML
 * and no inline script (the service's CSP is `script-src 'self'`).
 *
 * Escaping itself is text/html.ts, shared with the family pages; this module adds only what
 * the staff pages build on it.
 */

import { escapeHtml } from '../text/html.js';

export { escapeHtml };

/** Markup that was built by `html` (so everything in it is already escaped). */
export class SafeHtml {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

type Part = SafeHtml | string | number | boolean | null | undefined | readonly Part[];

function render(part: Part): string {
  if (part === null || part === undefined || part === false) return '';
  if (part instanceof SafeHtml) return part.value;
  if (Array.isArray(part)) return (part as readonly Part[]).map(render).join('');
  return escapeHtml(String(part));
}

/**
 * Builds markup: the literal template text is trusted, every interpolated value is escaped
 * (arrays are joined; `null`, `undefined` and `false` render as nothing).
 */
export function html(strings: TemplateStringsArray, ...values: Part[]): SafeHtml {
  let out = strings[0] ?? '';
  values.forEach((value, i) => {
    out += render(value) + (strings[i + 1] ?? '');
  });
  return new SafeHtml(out);
}

/** Joins fragments into one. */
export function joinHtml(parts: readonly Part[], separator = ''): SafeHtml {
  return new SafeHtml(parts.map(render).join(separator));
}
