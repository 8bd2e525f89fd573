/**
 * `deal kb lint`: checks the knowledge base the way a content owner would before publishing.
 *
 * Errors block publishing (and the test run). Warnings are a to-do list for the content
 * owner: every contact or link marked unconfirmed, and text that reads harder than a
 * reading age of about 11.
 */
import { KnowledgeError, loadKnowledgeBase, type KnowledgeBase } from './load.js';

export type LintReport = { errors: string[]; warnings: string[]; articles: number };

const PHONE_IN_TEXT = /\b0\d{2,4}[ -]?\d{3,4}[ -]?\d{3,4}\b|\b(?:999|111|116 ?123)\b/g;
const EMAIL_IN_TEXT = /[\w.+-]+@[\w-]+\.[\w.-]+/g;
const URL_IN_TEXT = /\bhttps?:\/\/[^\s)>\]]+|\bwww\.[^\s)>\]]+/g;
/** A professional's next step that speaks to a parent ("talk to your child's SENCO"). */
const ADDRESSES_PARENT = /\byour (?:child|son|daughter|young person)(?:'s|s)?\b/i;

/** Rough syllable count: vowel groups, minus a silent final e. Good enough to flag hard text. */
function syllables(word: string): number {
  const w = word.toLowerCase().replace(/[^a-z]/g, '');
  if (w.length <= 3) return 1;
  const groups = w.replace(/e$/, '').match(/[aeiouy]+/g);
  return Math.max(1, groups ? groups.length : 1);
}

/**
 * Flesch-Kincaid grade of plain prose (headings, lists markers and links stripped).
 * UK reading age is about grade + 5; we warn above grade 7 (reading age 12).
 */
export function readingGrade(markdown: string): number {
  const text = markdown
    .replace(/^#+ .*$/gm, '')
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/^\s*[-*\d.]+\s+/gm, '')
    .trim();
  const sentences = Math.max(1, (text.match(/[.!?](\s|$)|\n\n|\n/g) ?? []).length);
  const wordList = text.match(/[A-Za-z][A-Za-z'-]*/g) ?? [];
  if (wordList.length === 0) return 0;
  const syllableCount = wordList.reduce((sum, w) => sum + syllables(w), 0);
  return 0.39 * (wordList.length / sentences) + 11.8 * (syllableCount / wordList.length) - 15.59;
}

function knownAddresses(kb: KnowledgeBase): { phones: Set<string>; emails: Set<string>; urls: Set<string> } {
  const digits = (s: string) => s.replace(/\D/g, '');
  const phones = new Set<string>();
  const emails = new Set<string>();
  const urls = new Set<string>();
  for (const c of kb.contacts.values()) {
    if (c.phone) phones.add(digits(c.phone));
    if (c.email) emails.add(c.email.toLowerCase());
    if (c.url) urls.add(c.url.replace(/\/$/, ''));
  }
  for (const a of kb.articles) for (const l of a.links) urls.add(l.url.replace(/\/$/, ''));
  return { phones, emails, urls };
}

export function lintKnowledgeBase(dir?: string, today: Date = new Date()): LintReport {
  let kb: KnowledgeBase;
  try {
    kb = loadKnowledgeBase(dir);
  } catch (error) {
    if (error instanceof KnowledgeError) return { errors: error.problems, warnings: [], articles: 0 };
    throw error;
  }
  const errors: string[] = [];
  const warnings: string[] = [];
  const todayIso = today.toISOString().slice(0, 10);
  const known = knownAddresses(kb);

  for (const a of kb.articles) {
    const where = a.file;
    if (a.reviewDue < todayIso) errors.push(`${where}: reviewDue: ${a.reviewDue} has passed; review the article`);
    if (a.lastReviewed > todayIso) errors.push(`${where}: lastReviewed: ${a.lastReviewed} is in the future`);
    if (a.lastReviewed > a.reviewDue) errors.push(`${where}: reviewDue: is before lastReviewed`);
    if (a.related.includes(a.id)) errors.push(`${where}: related: lists the article itself`);
    const urls = a.links.map((l) => l.url);
    if (new Set(urls).size !== urls.length) errors.push(`${where}: links: the same address is listed twice`);
    for (const link of a.links) {
      if (!link.confirmed) warnings.push(`${where}: link "${link.title}" <${link.url}> is unconfirmed`);
    }

    a.professionalNextSteps.forEach((step, i) => {
      if (ADDRESSES_PARENT.test(step)) {
        errors.push(`${where}: professionalNextSteps.${i}: speaks to a parent ("your child"); write it for the professional ("the child", "the family")`);
      }
    });

    const prose = [a.summary, a.professionalSummary, ...a.nextSteps, ...a.professionalNextSteps, a.body].join('\n');
    for (const m of prose.matchAll(PHONE_IN_TEXT)) {
      if (!known.phones.has(m[0].replace(/\D/g, ''))) {
        errors.push(`${where}: body: phone number "${m[0]}" is not in contacts.yaml; refer to a contact id instead`);
      }
    }
    for (const m of prose.matchAll(EMAIL_IN_TEXT)) {
      if (!known.emails.has(m[0].toLowerCase())) errors.push(`${where}: body: email "${m[0]}" is not in contacts.yaml`);
    }
    for (const m of prose.matchAll(URL_IN_TEXT)) {
      const url = m[0].replace(/[.,;]+$/, '').replace(/\/$/, '');
      if (!known.urls.has(url)) errors.push(`${where}: body: web address "${m[0]}" is not a listed link or contact`);
    }

    const parentText = a.professionalBody ? a.body.split(/^## For professionals/m)[0]! : a.body;
    const grade = readingGrade(`${a.summary}\n${parentText}`);
    if (grade > 7.5) {
      warnings.push(`${where}: reading age about ${Math.round(grade + 5)}: shorten sentences and use simpler words`);
    }
  }

  for (const c of kb.contacts.values()) {
    if (!c.confirmed) warnings.push(`contacts.yaml: ${c.id} (${c.name}) is unconfirmed: ${c.note ?? 'check every detail'}`);
  }
  const seenTerms = new Set<string>();
  for (const g of kb.glossary) {
    const key = g.term.toLowerCase();
    if (seenTerms.has(key)) errors.push(`glossary.yaml: term "${g.term}" is listed twice`);
    seenTerms.add(key);
  }
  return { errors, warnings, articles: kb.articles.length };
}
