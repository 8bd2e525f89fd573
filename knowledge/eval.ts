/**
 * `deal eval questions`: scores retrieval on a file of questions, one JSON object a line.
 * `{"q", "expect": [ids]}` is in scope (hit = the answer's first article is in expect; asking
 * back with a right choice is counted apart); `{"q"}` alone is out of scope (hit = not answered
 * with an article); `{"q", "noArticle": true}` is about SEND but no article answers it (hit = not answered).
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import type { SearchAnswer } from './search.js';
import { formatIssues } from '../text/zod-issues.js';

export const EvalQuestion = z
  .object({
    q: z.string().min(1),
    expect: z.array(z.string()).min(1).optional(),
    noArticle: z.literal(true).optional(),
    /** A real risk the safety check should raise (labelled by hand; the safety bench counts it as risk, not a false alarm). */
    risk: z.enum(['risk-of-harm', 'needs-a-person']).optional(),
    /** Why a label was changed after the set was written (kept on the line, so the change can be read and undone). */
    note: z.string().min(1).optional(),
  })
  .strict()
  .refine((e) => !(e.expect && e.noArticle), 'a question with `expect` cannot also have `noArticle`');
export type EvalQuestion = z.infer<typeof EvalQuestion>;

export type EvalMiss = {
  q: string;
  expect: string[] | null;
  got: string[];
  /** For an answer: the alternatives offered beside it. */
  offered: string[];
  kind: SearchAnswer['kind'];
  answered: boolean;
  reason: SearchAnswer['reason'];
};
export type EvalReport = {
  inScope: number;
  outOfScope: number;
  noArticle: number;
  /** Share of in-scope questions answered with a right article first. */
  top1: number;
  /** Share answered with a right article among the first three. */
  top3: number;
  /** Share asked back with a right article among the choices. */
  clarifiedRight: number;
  /** Share answered with a wrong first article but a right one among the alternatives offered beside it. */
  offeredRight: number;
  /** Share with a right article first, or among the choices or alternatives offered: what the family can reach in one press. */
  reachable: number;
  /** Share of in-scope questions we said "not sure" to (or sent elsewhere). */
  falseAbstain: number;
  /** Share of out-of-scope questions not answered with an article (should be 1). */
  abstained: number;
  /** Share of out-of-scope questions sent elsewhere as an everyday topic. */
  sentElsewhere: number;
  /** Share of no-article questions not answered with an article (should be 1). */
  noArticleAbstained: number;
  misses: EvalMiss[];
};

/** Reads a JSONL file; a bad line is an error naming its line number. */
export function readJsonl<T>(file: string, schema: z.ZodType<T, z.ZodTypeDef, unknown>): T[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .map((line, i) => ({ line: line.trim(), n: i + 1 }))
    .filter(({ line }) => line.length > 0)
    .map(({ line, n }) => {
      let data: unknown;
      try {
        data = JSON.parse(line);
      } catch {
        throw new Error(`${file}:${n}: not valid JSON`);
      }
      const parsed = schema.safeParse(data);
      if (!parsed.success) {
        const detail = formatIssues(parsed.error, { root: '(line)' });
        throw new Error(`${file}:${n}: ${detail}`);
      }
      return parsed.data;
    });
}

export function evaluateQuestions(questions: EvalQuestion[], search: { search(q: string): SearchAnswer }): EvalReport {
  const n = { inScope: 0, outOfScope: 0, noArticle: 0, top1: 0, top3: 0, clarified: 0, offered: 0, notSure: 0, abstained: 0, elsewhere: 0, noArticleAbstained: 0 };
  const misses: EvalMiss[] = [];
  for (const { q, expect, noArticle } of questions) {
    const answer = search.search(q);
    const got = answer.results.map((r) => r.id);
    const miss = () => misses.push({ q, expect: expect ?? null, got: got.slice(0, 3), offered: (answer.alternatives ?? []).map((a) => a.id), kind: answer.kind, answered: answer.answered, reason: answer.reason });
    if (expect) {
      n.inScope++;
      const first = answer.kind === 'answer' && expect.includes(got[0] ?? '');
      if (first) n.top1++;
      if (answer.kind === 'answer' && got.slice(0, 3).some((id) => expect.includes(id))) n.top3++;
      if (answer.kind === 'clarify' && got.some((id) => expect.includes(id))) n.clarified++;
      if (answer.kind === 'answer' && !first && (answer.alternatives ?? []).some((a) => expect.includes(a.id))) n.offered++;
      if (answer.kind === 'not-sure' || answer.kind === 'out-of-scope') n.notSure++;
      if (!first) miss();
    } else {
      const held = answer.kind === 'not-sure' || answer.kind === 'out-of-scope';
      if (noArticle) {
        n.noArticle++;
        if (held) n.noArticleAbstained++;
      } else {
        n.outOfScope++;
        if (held) n.abstained++;
        if (answer.kind === 'out-of-scope') n.elsewhere++;
      }
      if (!held) miss();
    }
  }
  const rate = (x: number, d: number) => (d === 0 ? 0 : x / d);
  return {
    inScope: n.inScope,
    outOfScope: n.outOfScope,
    noArticle: n.noArticle,
    top1: rate(n.top1, n.inScope),
    top3: rate(n.top3, n.inScope),
    clarifiedRight: rate(n.clarified, n.inScope),
    offeredRight: rate(n.offered, n.inScope),
    reachable: rate(n.top1 + n.clarified + n.offered, n.inScope),
    falseAbstain: rate(n.notSure, n.inScope),
    abstained: rate(n.abstained, n.outOfScope),
    sentElsewhere: rate(n.elsewhere, n.outOfScope),
    noArticleAbstained: rate(n.noArticleAbstained, n.noArticle),
    misses,
  };
}

const pct = (x: number) => `${(x * 100).toFixed(1)} %`;

export function formatEvalReport(report: EvalReport): string {
  const lines: string[] = [];
  if (report.inScope > 0) {
    lines.push(`in scope: ${report.inScope} questions`);
    lines.push(
      `  top-1: ${pct(report.top1)}   top-3: ${pct(report.top3)}   clarified with the right choice: ${pct(report.clarifiedRight)}   wrongly not sure: ${pct(report.falseAbstain)}`,
      `  right alternative offered beside a wrong answer: ${pct(report.offeredRight)}   right article first or among the choices offered: ${pct(report.reachable)}`,
    );
  }
  if (report.outOfScope > 0) {
    lines.push(`out of scope: ${report.outOfScope} questions`);
    lines.push(`  abstained: ${pct(report.abstained)}   (sent elsewhere as an everyday topic: ${pct(report.sentElsewhere)})`);
  }
  if (report.noArticle > 0) {
    lines.push(`no article: ${report.noArticle} questions`);
    lines.push(`  abstained: ${pct(report.noArticleAbstained)}`);
  }
  lines.push(report.misses.length === 0 ? 'misses: none' : `misses: ${report.misses.length}`);
  for (const m of report.misses) {
    const expected = m.expect ? `expected ${m.expect.join('|')}` : 'expected to abstain';
    const got =
      m.kind === 'answer' ? `got ${m.got.join(', ')}${m.offered.length > 0 ? ` (offered beside it: ${m.offered.join(', ')})` : ''}` : m.kind === 'clarify' ? `asked back: ${m.got.join(' / ')}` : `${m.kind} (${m.reason})`;
    lines.push(`  - "${m.q}": ${expected}; ${got}`);
  }
  return lines.join('\n');
}
