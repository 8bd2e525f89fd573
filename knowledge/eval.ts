/**
 * `deal eval questions`: scores retrieval on a file of questions, one JSON object a line.
 * `{"q", "expect": [ids]}` is in scope (hit = top result in expect);
 * `{"q"}` alone is out of scope (hit = we abstained).
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import type { KnowledgeSearch, SearchAnswer } from './search.js';

export const EvalQuestion = z.object({ q: z.string().min(1), expect: z.array(z.string()).min(1).optional() }).strict();
export type EvalQuestion = z.infer<typeof EvalQuestion>;

export type EvalMiss = { q: string; expect: string[] | null; got: string[]; answered: boolean; reason: SearchAnswer['reason'] };
export type EvalReport = {
  inScope: number;
  outOfScope: number;
  top1: number;
  top3: number;
  /** Share of in-scope questions we wrongly abstained on. */
  falseAbstain: number;
  /** Share of out-of-scope questions we abstained on (should be 1). */
  abstained: number;
  misses: EvalMiss[];
};

/** Reads a JSONL file; a bad line is an error naming its line number. */
export function readJsonl<T>(file: string, schema: z.ZodType<T>): T[] {
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
        const detail = parsed.error.issues.map((i) => `${i.path.join('.') || '(line)'}: ${i.message}`).join('; ');
        throw new Error(`${file}:${n}: ${detail}`);
      }
      return parsed.data;
    });
}

export function evaluateQuestions(questions: EvalQuestion[], search: KnowledgeSearch): EvalReport {
  let inScope = 0, outOfScope = 0, top1 = 0, top3 = 0, falseAbstain = 0, abstained = 0;
  const misses: EvalMiss[] = [];
  for (const { q, expect } of questions) {
    const answer = search.search(q);
    const got = answer.results.map((r) => r.id);
    if (expect) {
      inScope++;
      const first = answer.answered && expect.includes(got[0] ?? '');
      if (first) top1++;
      if (answer.answered && got.slice(0, 3).some((id) => expect.includes(id))) top3++;
      if (!answer.answered) falseAbstain++;
      if (!first) misses.push({ q, expect, got: got.slice(0, 3), answered: answer.answered, reason: answer.reason });
    } else {
      outOfScope++;
      if (!answer.answered) abstained++;
      else misses.push({ q, expect: null, got: got.slice(0, 3), answered: true, reason: answer.reason });
    }
  }
  const rate = (n: number, d: number) => (d === 0 ? 0 : n / d);
  return {
    inScope,
    outOfScope,
    top1: rate(top1, inScope),
    top3: rate(top3, inScope),
    falseAbstain: rate(falseAbstain, inScope),
    abstained: rate(abstained, outOfScope),
    misses,
  };
}

const pct = (x: number) => `${(x * 100).toFixed(1)} %`;

export function formatEvalReport(report: EvalReport): string {
  const lines: string[] = [];
  if (report.inScope > 0) {
    lines.push(`in scope: ${report.inScope} questions`);
    lines.push(`  top-1: ${pct(report.top1)}   top-3: ${pct(report.top3)}   abstained wrongly: ${pct(report.falseAbstain)}`);
  }
  if (report.outOfScope > 0) {
    lines.push(`out of scope: ${report.outOfScope} questions`);
    lines.push(`  abstained: ${pct(report.abstained)}`);
  }
  lines.push(report.misses.length === 0 ? 'misses: none' : `misses: ${report.misses.length}`);
  for (const m of report.misses) {
    const expected = m.expect ? `expected ${m.expect.join('|')}` : 'expected to abstain';
    const got = m.answered ? `got ${m.got.join(', ')}` : `abstained (${m.reason})`;
    lines.push(`  - "${m.q}": ${expected}; ${got}`);
  }
  return lines.join('\n');
}
