/**
 * Escaping text for HTML: the one function every page uses (staff pages, family pages), so
 * that a fix to what is escaped reaches every place text typed by a family is shown.
 */

/** Escapes text for use in HTML content and in double- or single-quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}
