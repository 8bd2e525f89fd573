/**
 * Tools for checking the triage from outside: run a file of acceptance cases, or triage one
 * case given as JSON text. Wired into the `deal` CLI elsewhere.
 *
 * A case file has one JSON object per line:
 *   {"name": "...", "case": <TriageCase>, "expect": {"primary"?, "includes"?, "urgency"?, "handover"?, "locality"?}}
 * `primary` is one route id, or a list of route ids that are equally right (any of them passes).
 * Blank lines and lines starting with // are skipped. A line that cannot be read or whose
 * case is not a valid TriageCase counts as a miss, with the reason in `got.error`.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { triage } from './engine.js';
import { RouteId, TriageCase, Urgency, type TriageResult } from './schema.js';

const Expectation = z
  .object({
    /** The route that must come first, or a list of routes any of which may (cases where two are equally right). */
    primary: z.union([RouteId, z.array(RouteId).min(1)]).optional(),
    /** Route ids that must all be somewhere in `routes`. */
    includes: z.array(RouteId).optional(),
    urgency: Urgency.optional(),
    handover: z.boolean().optional(),
    locality: z.string().nullable().optional(),
  })
  .strict();
export type Expectation = z.infer<typeof Expectation>;

const CaseLine = z.object({ name: z.string().min(1), case: z.unknown(), expect: Expectation });

/** What the triage decided, in the shape of an expectation (routes listed as `includes`). */
export interface Got {
  primary?: RouteId;
  includes?: RouteId[];
  urgency?: Urgency;
  handover?: boolean;
  locality?: string | null;
  /** Set when the line could not be run. */
  error?: string;
}

export interface Miss {
  name: string;
  expected: Expectation | unknown;
  got: Got;
  /** Each expectation that failed, e.g. "primary: expected ehcna, got graduated-approach". */
  problems: string[];
}

export interface EvalReport {
  total: number;
  passed: number;
  misses: Miss[];
}

/** "path: message" for each problem zod found (unknown keys are listed one by one). */
export function zodErrors(error: z.ZodError): string[] {
  return error.issues.flatMap((issue) => {
    const at = issue.path.join('.');
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => `${at ? `${at}.` : ''}${key}: is not a field we know`);
    }
    return [`${at || '(root)'}: ${issue.message}`];
  });
}

function compare(expect: Expectation, result: TriageResult): string[] {
  const problems: string[] = [];
  const ids = result.routes.map((r) => r.id);
  const acceptable = expect.primary === undefined ? undefined : [expect.primary].flat();
  if (acceptable !== undefined && !acceptable.includes(result.primary)) {
    problems.push(`primary: expected ${acceptable.join(' or ')}, got ${result.primary}`);
  }
  const missing = (expect.includes ?? []).filter((id) => !ids.includes(id));
  if (missing.length > 0) problems.push(`includes: ${missing.join(', ')} not in routes (${ids.join(', ')})`);
  if (expect.urgency !== undefined && expect.urgency !== result.urgency) {
    problems.push(`urgency: expected ${expect.urgency}, got ${result.urgency}`);
  }
  if (expect.handover !== undefined && expect.handover !== result.handover) {
    problems.push(`handover: expected ${expect.handover}, got ${result.handover}`);
  }
  if (expect.locality !== undefined && expect.locality !== result.locality) {
    problems.push(`locality: expected ${expect.locality}, got ${result.locality}`);
  }
  return problems;
}

/** Runs every case in a JSON-lines file through `triage` and reports the misses. */
export function evalTriageFile(path: string | URL): EvalReport {
  const lines = readFileSync(path, 'utf8').split(/\r?\n/);
  const misses: Miss[] = [];
  let total = 0;
  lines.forEach((text, index) => {
    if (text.trim() === '' || text.trim().startsWith('//')) return;
    total++;
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch (error) {
      misses.push({ name: `line ${index + 1}`, expected: null, got: { error: `not valid JSON: ${(error as Error).message}` }, problems: ['line: not valid JSON'] });
      return;
    }
    const rawName = (raw as { name?: unknown } | null)?.name;
    const name = typeof rawName === 'string' && rawName ? rawName : `line ${index + 1}`;
    const line = CaseLine.safeParse(raw);
    if (!line.success) {
      const errors = zodErrors(line.error);
      misses.push({ name, expected: (raw as { expect?: unknown })?.expect ?? null, got: { error: errors.join('; ') }, problems: errors });
      return;
    }
    const run = runTriage(line.data.case);
    if (!run.ok) {
      const errors = run.errors.map((e) => `case.${e}`);
      misses.push({ name, expected: line.data.expect, got: { error: errors.join('; ') }, problems: errors });
      return;
    }
    const problems = compare(line.data.expect, run.result);
    if (problems.length > 0) {
      const { primary, urgency, handover, locality } = run.result;
      misses.push({
        name,
        expected: line.data.expect,
        got: { primary, includes: run.result.routes.map((r) => r.id), urgency, handover, locality },
        problems,
      });
    }
  });
  return { total, passed: total - misses.length, misses };
}

export type RunResult = { ok: true; result: TriageResult } | { ok: false; errors: string[] };

function runTriage(raw: unknown): RunResult {
  const parsed = TriageCase.safeParse(raw);
  if (!parsed.success) return { ok: false, errors: zodErrors(parsed.error) };
  return { ok: true, result: triage(parsed.data) };
}

/** Triage one case given as JSON text; each bad field comes back as "path: message". */
export function runTriageJson(text: string): RunResult {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    return { ok: false, errors: [`(root): not valid JSON: ${(error as Error).message}`] };
  }
  return runTriage(raw);
}
