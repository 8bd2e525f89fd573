/**
 * Phone numbers as `tel:` links, so a parent on a phone can tap 999, Childline or DEAL to call.
 *
 * UK numbers as our contacts and articles write them: 999, 111, 116 123, numbers starting 0
 * with 10 or 11 digits in groups ("0808 800 5000", "01305 221000"), and 8-digit 0800 numbers
 * ("0800 1111", Childline). A number inside a word, a reference or a web address ("DEAL-0123",
 * "/0800"), or already inside a markdown link, is left alone. Web chat only: Teams cards keep
 * plain text.
 */
import type { Attachment } from 'botbuilder';

const PHONE = /(?<![\w\-/.:@[\]#])(999|111|116 ?\d{3}|0\d{2,4}(?: ?\d){6,8}|0800 ?\d{4})(?![\w\-/@])/g;
/** Markdown links (and their text) already written: `[title](url)`. */
const MARKDOWN_LINK = /\[[^\]]*\]\([^)]*\)/g;

const telOf = (number: string) => `tel:${number.replace(/ /g, '')}`;

/** Markdown with each phone number as a link: `0800 1111` -> `[0800 1111](tel:08001111)`. */
export function telLinks(markdown: string): string {
  let out = '';
  let last = 0;
  for (const link of markdown.matchAll(MARKDOWN_LINK)) {
    out += markdown.slice(last, link.index).replace(PHONE, (n) => `[${n}](${telOf(n)})`) + link[0];
    last = link.index + link[0].length;
  }
  return out + markdown.slice(last).replace(PHONE, (n) => `[${n}](${telOf(n)})`);
}

/** Escaped HTML text with each phone number as an `<a href="tel:...">` (for the article pages). */
export function telLinksHtml(escapedText: string): string {
  return escapedText.replace(PHONE, (n) => `<a href="${telOf(n)}">${n}</a>`);
}

/** The same for a card: every TextBlock's text and every FactSet value (both are markdown in Adaptive Cards). */
export function cardWithTelLinks(attachment: Attachment): Attachment {
  const walk = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(walk);
    if (!node || typeof node !== 'object') return node;
    const element = node as Record<string, unknown>;
    const copy: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(element)) copy[key] = walk(value);
    if (element.type === 'TextBlock' && typeof element.text === 'string') copy.text = telLinks(element.text);
    if (element.type === 'FactSet' && Array.isArray(element.facts)) {
      copy.facts = (element.facts as { title?: unknown; value?: unknown }[]).map((f) => (typeof f.value === 'string' ? { ...f, value: telLinks(f.value) } : f));
    }
    return copy;
  };
  return { ...attachment, content: walk(attachment.content) };
}
