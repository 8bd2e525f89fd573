import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_KNOWLEDGE_DIR, KnowledgeError, loadKnowledgeBase } from '../knowledge/load.js';
import { lintKnowledgeBase } from '../knowledge/lint.js';

const REQUIRED_IDS = [
  'deal', 'local-offer', 'graduated-approach', 'ehcna-request', 'ehcna-process', 'ehc-plan', 'annual-review',
  'disagreements-and-appeals', 'sendiass', 'parent-carer-council', 'development-behaviour-pathway',
  'neurodevelopmental-assessment', 'speech-language-communication', 'hearing-and-vision', 'emotional-wellbeing',
  'early-years', 'family-hubs', 'preparing-for-adulthood', 'key-worker', 'disabled-children-social-care',
  'school-travel', 'suspensions-and-exclusions', 'attendance', 'elective-home-education', 'alternative-provision',
  'specialist-provision', 'safeguarding', 'bcp-and-other-areas', 'money-and-benefits', 'health-therapies',
  'choosing-a-school', 'localities', 'professional-support',
];

let dirs: string[] = [];
afterEach(() => {
  dirs.forEach((d) => rmSync(d, { recursive: true, force: true }));
  dirs = [];
});

/** A copy of the shipped knowledge base that a test may break. */
function copyKnowledge(): string {
  const dir = mkdtempSync(join(tmpdir(), 'deal-kb-'));
  dirs.push(dir);
  cpSync(DEFAULT_KNOWLEDGE_DIR, dir, { recursive: true, filter: (src) => !src.endsWith('.ts') });
  return dir;
}

function problemsOf(dir: string): string[] {
  try {
    loadKnowledgeBase(dir);
    return [];
  } catch (error) {
    expect(error).toBeInstanceOf(KnowledgeError);
    return (error as KnowledgeError).problems;
  }
}

describe('knowledge base', () => {
  it('ships every required article, valid and cross-referenced', () => {
    const kb = loadKnowledgeBase();
    for (const id of REQUIRED_IDS) expect(kb.byId.has(id), id).toBe(true);
    for (const article of kb.articles) {
      expect(article.professionalBody, `${article.id} has a For professionals section`).not.toBeNull();
      expect(article.summary.length).toBeLessThanOrEqual(320);
    }
    expect(kb.glossary.length).toBeGreaterThanOrEqual(30);
  });

  it('passes kb lint with no errors', () => {
    const report = lintKnowledgeBase();
    expect(report.errors).toEqual([]);
    expect(report.warnings.some((w) => w.includes('unconfirmed'))).toBe(true);
  });

  it('names the file and field of a bad article', () => {
    const dir = copyKnowledge();
    const file = join(dir, 'articles', 'sendiass.md');
    writeFileSync(file, readFileSync(file, 'utf8').replace(/^summary: .*$/m, 'summary: 42').replace(/^reviewDue: .*$/m, 'reviewDue: soon'));
    const problems = problemsOf(dir);
    expect(problems).toContainEqual(expect.stringMatching(/sendiass\.md: summary: Expected string/));
    expect(problems).toContainEqual(expect.stringMatching(/sendiass\.md: reviewDue: must be a date/));
  });

  it('rejects unknown fields, missing front matter, and broken references', () => {
    const dir = copyKnowledge();
    const articles = join(dir, 'articles');
    writeFileSync(join(articles, 'deal.md'), readFileSync(join(articles, 'deal.md'), 'utf8').replace('---\n', '---\nsecret: yes\n'));
    writeFileSync(join(articles, 'attendance.md'), 'no front matter here');
    const ehc = join(articles, 'ehc-plan.md');
    writeFileSync(ehc, readFileSync(ehc, 'utf8').replace(/^related: \[/m, 'related: [no-such-article, '));
    const problems = problemsOf(dir);
    expect(problems).toContainEqual(expect.stringMatching(/deal\.md: \(top level\): Unrecognized key\(s\) in object: 'secret'/));
    expect(problems).toContainEqual(expect.stringMatching(/attendance\.md: front matter/));
    expect(problems).toContainEqual(expect.stringMatching(/ehc-plan\.md: related\.0: no article has id "no-such-article"/));
  });

  it('lint catches a phone number written into an article instead of a contact id', () => {
    const dir = copyKnowledge();
    const file = join(dir, 'articles', 'family-hubs.md');
    writeFileSync(file, `${readFileSync(file, 'utf8')}\n\nCall us on 01234 567890.\n`);
    const report = lintKnowledgeBase(dir);
    expect(report.errors).toContainEqual(expect.stringMatching(/family-hubs\.md: body: phone number "01234 567890"/));
  });

  it('lint catches a professional next step written to a parent', () => {
    const dir = copyKnowledge();
    const file = join(dir, 'articles', 'parent-carer-council.md');
    writeFileSync(file, readFileSync(file, 'utf8').replace(/^professionalNextSteps:\n/m, "professionalNextSteps:\n  - Talk to your child's SENCO about their support.\n"));
    const report = lintKnowledgeBase(dir);
    expect(report.errors).toContainEqual(expect.stringMatching(/parent-carer-council\.md: professionalNextSteps\.0: speaks to a parent/));
  });

  it('every article has 2 to 4 professional next steps, none addressed to a parent', () => {
    for (const article of loadKnowledgeBase().articles) {
      expect(article.professionalNextSteps.length, article.id).toBeGreaterThanOrEqual(2);
      expect(article.professionalNextSteps.length, article.id).toBeLessThanOrEqual(4);
      for (const step of article.professionalNextSteps) expect(step, article.id).not.toMatch(/\byour (child|son|daughter)/i);
    }
  });

  it('lint fails when a review date has passed', () => {
    const report = lintKnowledgeBase(undefined, new Date('2031-01-01'));
    expect(report.errors.some((e) => /reviewDue: .* has passed/.test(e))).toBe(true);
  });
});

describe('out-of-scope.yaml', () => {
  it('has no doubled backslash in a pattern (single-quoted YAML keeps both, so "\\\\b" never matches a word edge)', () => {
    const kb = loadKnowledgeBase();
    const doubled = kb.outOfScope.flatMap((t) => [...t.patterns, ...t.unless].filter((p) => p.includes('\\\\')).map((p) => `${t.id}: ${p}`));
    expect(doubled).toEqual([]);
  });
});
