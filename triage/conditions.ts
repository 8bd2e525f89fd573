/**
 * Rule conditions in json-rules-engine's format (all / any / not and
 * { fact, path, operator, value }, with its operator names and semantics), checked against
 * the fact catalogue and compiled to a plain test function. Why our own evaluator rather
 * than the library: see triage/engine.ts.
 */
import { z } from 'zod';
import { OBJECT_FACTS, type TriageFacts } from './fact-catalogue.js';

export const OPERATORS = [
  'equal',
  'notEqual',
  'in',
  'notIn',
  'contains',
  'doesNotContain',
  'lessThan',
  'lessThanInclusive',
  'greaterThan',
  'greaterThanInclusive',
] as const;
export type Operator = (typeof OPERATORS)[number];

export type Condition =
  | { all: Condition[] }
  | { any: Condition[] }
  | { not: Condition }
  | { fact: string; path?: string; operator: Operator; value: unknown };

/** json-rules-engine's numeric validator: the fact must read as a number. */
const numeric = (a: unknown): boolean => Number.parseFloat(a as string).toString() !== 'NaN';

const OPERATE: Record<Operator, (factValue: unknown, value: unknown) => boolean> = {
  equal: (a, b) => a === b,
  notEqual: (a, b) => a !== b,
  in: (a, b) => (b as unknown[]).includes(a),
  notIn: (a, b) => !(b as unknown[]).includes(a),
  contains: (a, b) => Array.isArray(a) && a.includes(b),
  doesNotContain: (a, b) => Array.isArray(a) && !a.includes(b),
  lessThan: (a, b) => numeric(a) && (a as number) < (b as number),
  lessThanInclusive: (a, b) => numeric(a) && (a as number) <= (b as number),
  greaterThan: (a, b) => numeric(a) && (a as number) > (b as number),
  greaterThanInclusive: (a, b) => numeric(a) && (a as number) >= (b as number),
};

export type Test = (facts: TriageFacts) => boolean;

/** A mistake in a triage data file, naming the file and the rule. */
export class RuleError extends Error {
  override name = 'TriageRulesError';
}

export const isRecord = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);

/** Checks one condition tree and turns it into a test; throws with `where` on any mistake. */
export function compileCondition(node: unknown, where: string, catalogue: Record<string, z.ZodTypeAny>): Test {
  const fail = (what: string): never => {
    throw new RuleError(`${where}: ${what}`);
  };
  if (!isRecord(node)) return fail('a condition must be a mapping');
  const keys = Object.keys(node);
  for (const combinator of ['all', 'any'] as const) {
    if (combinator in node) {
      if (keys.length !== 1) fail(`'${combinator}' must be the only key here (found ${keys.join(', ')})`);
      const list = node[combinator];
      if (!Array.isArray(list) || list.length === 0) return fail(`'${combinator}' needs a list of conditions`);
      const tests = list.map((child, i) => compileCondition(child, `${where}.${combinator}.${i}`, catalogue));
      return combinator === 'all' ? (f) => tests.every((t) => t(f)) : (f) => tests.some((t) => t(f));
    }
  }
  if ('not' in node) {
    if (keys.length !== 1) fail(`'not' must be the only key here (found ${keys.join(', ')})`);
    const inner = compileCondition(node.not, `${where}.not`, catalogue);
    return (f) => !inner(f);
  }
  const extra = keys.filter((k) => !['fact', 'path', 'operator', 'value'].includes(k));
  if (extra.length > 0) fail(`unknown key(s) ${extra.join(', ')} (a condition has fact, path, operator, value, or all/any/not)`);
  const { fact, path, operator, value } = node;
  if (typeof fact !== 'string') return fail("missing 'fact'");
  if (path !== undefined && (typeof path !== 'string' || !/^\$(\.[A-Za-z]\w*)+$/.test(path))) {
    return fail(`path must look like $.name, not ${JSON.stringify(path)}`);
  }
  if (OBJECT_FACTS.has(fact) && path === undefined) fail(`fact '${fact}' needs a path, e.g. $.status or $.kind`);
  const key = path ? `${fact}${path.slice(1)}` : fact;
  const schema = catalogue[key];
  if (!schema) return fail(`unknown fact '${key}' (known: ${Object.keys(catalogue).join(', ')})`);
  if (typeof operator !== 'string' || !(OPERATORS as readonly string[]).includes(operator)) {
    return fail(`unknown operator ${JSON.stringify(operator)} (known: ${OPERATORS.join(', ')})`);
  }
  const op = operator as Operator;
  const isArrayFact = schema instanceof z.ZodArray;
  const bad = (v: unknown): boolean => !schema.safeParse(v).success;
  if (op === 'equal' || op === 'notEqual') {
    if (isArrayFact) fail(`'${key}' is a list: use contains or doesNotContain`);
    if (bad(value)) fail(`${JSON.stringify(value)} is not a value '${key}' can take`);
  } else if (op === 'in' || op === 'notIn') {
    if (!Array.isArray(value) || value.length === 0) fail(`'${op}' needs a list of values`);
    for (const v of value as unknown[]) if (bad(v)) fail(`${JSON.stringify(v)} is not a value '${key}' can take`);
  } else if (op === 'contains' || op === 'doesNotContain') {
    if (!isArrayFact) fail(`'${op}' only works on a list fact, and '${key}' is not one`);
    if (!(schema as z.ZodArray<z.ZodTypeAny>).element.safeParse(value).success) {
      fail(`${JSON.stringify(value)} is not a value '${key}' can hold`);
    }
  } else if (typeof value !== 'number' || bad(value)) {
    fail(`'${op}' needs a number, and '${key}' must be a number fact`);
  }
  const steps = path ? path.split('.').slice(1) : [];
  const compare = OPERATE[op];
  return (facts) => {
    let v: unknown = (facts as unknown as Record<string, unknown>)[fact];
    for (const step of steps) v = isRecord(v) ? v[step] : undefined;
    return compare(v, value);
  };
}
