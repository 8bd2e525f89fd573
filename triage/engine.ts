/**
 * The triage engine: turns a `TriageCase` into a `TriageResult` using the rules in
 * `triage/rules.yaml` (the algorithm is written out at the top of that file).
 *
 * Why a small evaluator of our own rather than running json-rules-engine:
 * - json-rules-engine is asynchronous all the way down (every fact goes through a Promise
 *   in its Almanac), so `triage()` would have to be async. The bot, the eval tools and the
 *   property tests are all much simpler with a synchronous, pure function.
 * - We need none of what the library adds on top of matching conditions: all facts are
 *   known up front (no dynamic or remote facts), and the ordering and conflict rules are
 *   our own either way (json-rules-engine's `priority` only orders evaluation; it does not
 *   choose a primary route or resolve conflicts).
 * - The evaluator is about 40 lines, has no dependencies, and runs in microseconds.
 * The rules keep json-rules-engine's condition format (all / any / not and
 * { fact, path, operator, value } with its operator names and semantics), and
 * tests/triage-engine.test.ts runs every rule through json-rules-engine too and checks that
 * the same rules fire, so we can switch to the library at any time without touching the data.
 *
 * Rules are checked when first loaded: zod for shape, then every condition for known facts,
 * operators that fit the fact and values the fact can take (so a typo such as
 * `value: mainstream-schol` is an error naming the file and the rule, not a silent miss).
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { z } from 'zod';
import { resolveLocality, type LocalityResolution } from './locality.js';
import { checkSafety, safetyCategories } from '../safety/safety.js';
import { standardSafetyNet } from '../safety/safety-net.js';
import {
  Diagnosis,
  EhcpStatus,
  Need,
  Requester,
  RouteId,
  SenSupport,
  Setting,
  TriageCase,
  TriageResult,
  Urgency,
} from './schema.js';

const RULES_PATH = new URL('./rules.yaml', import.meta.url);
const ROUTES_PATH = new URL('./routes.yaml', import.meta.url);

// ---------------------------------------------------------------------------------------
// Facts

/** Everything a rule condition can look at. */
export interface TriageFacts {
  requester: Requester;
  childAge: number | null;
  setting: Setting;
  needs: Need[];
  senSupport: z.infer<typeof SenSupport>;
  externalAdvice: boolean;
  ehcp: z.infer<typeof EhcpStatus>;
  diagnosis: z.infer<typeof Diagnosis>;
  safetyConcern: boolean;
  underFive: boolean;
  safety: { flagged: boolean; kind: 'risk-of-harm' | 'needs-a-person' | null; categories: string[]; possibleRisk: boolean };
  locality: { status: LocalityResolution['status']; id: string | null; council: string | null };
  /** `textMentions…` signals from rules.yaml. */
  [signal: `textMentions${string}`]: boolean;
}

/** Facts rules may name, by `fact` or `fact.path` (for `{ fact: safety, path: $.kind }`). */
const FACT_CATALOGUE: Record<string, z.ZodTypeAny> = {
  requester: Requester,
  childAge: z.number().nullable(),
  setting: Setting,
  needs: z.array(Need),
  senSupport: SenSupport,
  externalAdvice: z.boolean(),
  ehcp: EhcpStatus,
  diagnosis: Diagnosis,
  safetyConcern: z.boolean(),
  underFive: z.boolean(),
  'safety.flagged': z.boolean(),
  'safety.kind': z.enum(['risk-of-harm', 'needs-a-person']).nullable(),
  'safety.categories': z.array(z.string()),
  'safety.possibleRisk': z.boolean(),
  'locality.status': z.enum(['dorset', 'out-of-area', 'ambiguous', 'unknown']),
  'locality.id': z.string().nullable(),
  'locality.council': z.string().nullable(),
};
const OBJECT_FACTS = new Set(['safety', 'locality']);

// ---------------------------------------------------------------------------------------
// Conditions (json-rules-engine's format and operator semantics)

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

type Test = (facts: TriageFacts) => boolean;

class RuleError extends Error {
  override name = 'TriageRulesError';
}

const isRecord = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);

/** Checks one condition tree and turns it into a test; throws with `where` on any mistake. */
function compileCondition(node: unknown, where: string, catalogue: Record<string, z.ZodTypeAny>): Test {
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

// ---------------------------------------------------------------------------------------
// The rules file

const Id = z.string().regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, 'must be lower-case words joined by hyphens');
const Reason = z.string().min(10, 'must be a sentence of plain English');

const RuleShape = z
  .object({
    id: Id,
    /** The route this rule adds, or null for a modifier (its reason goes to the primary route). */
    route: RouteId.nullable(),
    /** Higher wins when choosing the primary route. Required when `route` is set. */
    priority: z.number().int().min(0).max(1000).optional(),
    urgency: Urgency,
    handover: z.boolean(),
    reason: Reason,
    /** The reason as a professional reads it: about the child and the family, not "you". */
    professionalReason: Reason.optional(),
    /** The reason as the officer who receives the handover reads it: the facts, never "you". */
    officerReason: Reason.optional(),
    conditions: z.unknown(),
  })
  .strict()
  .refine((r) => (r.route === null) === (r.priority === undefined), {
    message: 'a rule with a route needs a priority; a modifier (route: null) has none',
    path: ['priority'],
  });

const RulesFile = z
  .object({
    version: z.literal(1),
    textSignals: z.record(
      z.string().regex(/^textMentions[A-Z]\w*$/, 'signal names start with textMentions'),
      z.array(z.string().min(2)).min(1),
    ),
    routeNotes: z.record(z.string(), Reason).default({}),
    /** Route notes as a professional reads them; a route without one uses its routeNote. */
    professionalRouteNotes: z.record(z.string(), Reason).default({}),
    fallback: z
      .object({ route: RouteId, urgency: Urgency, handover: z.boolean(), reason: Reason, professionalReason: Reason.optional(), officerReason: Reason.optional() })
      .strict(),
    conflicts: z
      .array(
        z
          .object({ id: Id, when: RouteId, explanation: z.string().min(10), removes: z.array(RouteId).min(1) })
          .strict(),
      )
      .default([]),
    rules: z.array(z.unknown()).min(1),
  })
  .strict();

export const TEMPLATE_VALUES = ['age', 'settingName', 'council', 'whereToGo', 'localityReason', 'safetyCategories'] as const;
type TemplateValues = Record<(typeof TEMPLATE_VALUES)[number], string>;

export interface Rule {
  id: string;
  route: RouteId | null;
  priority: number;
  urgency: Urgency;
  handover: boolean;
  reason: string;
  /** Shown instead of `reason` when the result is for a professional. */
  professionalReason?: string;
  /** Shown instead of `reason` to the officer who receives the handover (staff page, `deal handovers show`). */
  officerReason?: string;
  /** The conditions as written (json-rules-engine format). */
  conditions: Condition;
  test: Test;
}

export interface Conflict {
  id: string;
  when: RouteId;
  explanation: string;
  removes: RouteId[];
}

export interface RuleSet {
  textSignals: { name: string; patterns: RegExp[] }[];
  routeNotes: Partial<Record<RouteId, string>>;
  professionalRouteNotes: Partial<Record<RouteId, string>>;
  fallback: Omit<Rule, 'conditions' | 'test'>;
  conflicts: Conflict[];
  rules: Rule[];
}

/** Words that speak to a parent, never right in what a professional reads. */
export const PARENT_WORDS = /\byour (child|son|daughter|home|council|locality team|health visitor|GP)\b|\byou told us\b|\byou mentioned\b|\byou are (worried|waiting)\b|\bwhere you live\b/i;

/** Who a result is for: reasons for a professional speak about the child and the family. */
export type TriageAudience = 'family' | 'professional' | 'officer';

/** An officer's reason states facts about the child and family: it never speaks to anyone as "you". */
export const SPEAKS_TO_READER = /\byou(r|rs|rself)?\b/i;

function issues(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
}

/** Loads and checks a rules file; throws an error naming the file and rule at fault. */
export function loadRules(path: string | URL = RULES_PATH): RuleSet {
  const file = typeof path === 'string' ? path : fileURLToPath(path);
  const name = file.replace(/^.*?(triage\/)/, '$1');
  const fail = (what: string): never => {
    throw new RuleError(`${name}: ${what}`);
  };
  let raw: unknown;
  try {
    raw = parse(readFileSync(file, 'utf8'));
  } catch (error) {
    fail(`cannot read: ${(error as Error).message}`);
  }
  const top = RulesFile.safeParse(raw);
  if (!top.success) return fail(issues(top.error));
  const data = top.data;

  const textSignals = Object.entries(data.textSignals).map(([signal, patterns]) => ({
    name: signal,
    patterns: patterns.map((p, i) => {
      try {
        return new RegExp(p, 'i');
      } catch (error) {
        return fail(`textSignals.${signal}.${i}: not a valid pattern: ${(error as Error).message}`);
      }
    }),
  }));
  const catalogue: Record<string, z.ZodTypeAny> = { ...FACT_CATALOGUE };
  for (const s of textSignals) catalogue[s.name] = z.boolean();

  const checkTemplate = (text: string, where: string): void => {
    for (const [, key] of text.matchAll(/\{(\w*)\}/g)) {
      if (!(TEMPLATE_VALUES as readonly string[]).includes(key!)) {
        fail(`${where}: unknown template value {${key}} (known: ${TEMPLATE_VALUES.join(', ')})`);
      }
    }
  };

  /** A professional reason is checked like a reason, and must not speak to a parent. */
  const checkProfessional = (text: string, where: string): void => {
    checkTemplate(text, where);
    const parent = PARENT_WORDS.exec(text);
    if (parent) fail(`${where}: speaks to a parent ("${parent[0]}"); say "the child" or "the family"`);
  };

  /** An officer reason is checked like a professional one, and never says "you". */
  const checkOfficer = (text: string, where: string): void => {
    checkProfessional(text, where);
    const you = SPEAKS_TO_READER.exec(text);
    if (you) fail(`${where}: speaks to the reader ("${you[0]}"); state the facts about the child and the family`);
  };

  const rules: Rule[] = [];
  data.rules.forEach((entry, index) => {
    const label = isRecord(entry) && typeof entry.id === 'string' ? `rule '${entry.id}'` : `rule #${index + 1}`;
    const parsed = RuleShape.safeParse(entry);
    if (!parsed.success) fail(`${label}: ${issues(parsed.error)}`);
    const r = parsed.data!;
    if (rules.some((x) => x.id === r.id)) fail(`${label}: the id is used twice`);
    checkTemplate(r.reason, `${label}: reason`);
    if (r.professionalReason !== undefined) checkProfessional(r.professionalReason, `${label}: professionalReason`);
    if (r.officerReason !== undefined) checkOfficer(r.officerReason, `${label}: officerReason`);
    if (!isRecord(r.conditions) || !['all', 'any', 'not'].some((k) => k in (r.conditions as object))) {
      fail(`${label}: conditions must start with all, any or not`);
    }
    const test = compileCondition(r.conditions, `${name}: ${label}: conditions`, catalogue);
    rules.push({ ...r, priority: r.priority ?? 0, conditions: r.conditions as Condition, test });
  });

  const routeNotes: Partial<Record<RouteId, string>> = {};
  for (const [route, note] of Object.entries(data.routeNotes)) {
    const id = RouteId.safeParse(route);
    if (!id.success) fail(`routeNotes: '${route}' is not a route id`);
    checkTemplate(note, `routeNotes.${route}`);
    routeNotes[id.data!] = note;
  }
  const professionalRouteNotes: Partial<Record<RouteId, string>> = {};
  for (const [route, note] of Object.entries(data.professionalRouteNotes)) {
    const id = RouteId.safeParse(route);
    if (!id.success) fail(`professionalRouteNotes: '${route}' is not a route id`);
    checkProfessional(note, `professionalRouteNotes.${route}`);
    professionalRouteNotes[id.data!] = note;
  }
  checkTemplate(data.fallback.reason, 'fallback: reason');
  if (data.fallback.professionalReason !== undefined) checkProfessional(data.fallback.professionalReason, 'fallback: professionalReason');
  if (data.fallback.officerReason !== undefined) checkOfficer(data.fallback.officerReason, 'fallback: officerReason');

  // Safety beats everything: these are the invariants that guarantee it.
  const safety = rules.filter((r) => r.route === 'urgent-safeguarding');
  if (safety.length === 0) fail('no rule adds urgent-safeguarding');
  for (const r of safety) {
    if (r.urgency !== 'immediate' || !r.handover) fail(`rule '${r.id}': urgent-safeguarding must be urgency immediate with handover true`);
    const rival = rules.find((x) => x.route !== null && x.route !== 'urgent-safeguarding' && x.priority >= r.priority);
    if (rival) fail(`rule '${rival.id}': priority ${rival.priority} must be below urgent-safeguarding (${r.priority})`);
  }
  for (const c of data.conflicts) {
    if (c.removes.includes('urgent-safeguarding')) fail(`conflict '${c.id}': urgent-safeguarding can never be removed`);
    if (c.removes.includes(c.when)) fail(`conflict '${c.id}': a route cannot remove itself`);
  }
  if (data.fallback.route === 'urgent-safeguarding' || data.fallback.route === 'out-of-area') {
    fail(`fallback: route cannot be ${data.fallback.route}`);
  }

  return {
    textSignals,
    routeNotes,
    professionalRouteNotes,
    fallback: { id: 'fallback', priority: 0, ...data.fallback },
    conflicts: data.conflicts,
    rules,
  };
}

let cachedRules: RuleSet | undefined;
/** The rules from triage/rules.yaml, loaded and checked once. */
export function ruleSet(): RuleSet {
  cachedRules ??= loadRules();
  return cachedRules;
}

// ---------------------------------------------------------------------------------------
// Triage

/** `{settingName}` in reasons: "There is no SEN support in place yet at the school." */
const SETTING_NAMES: Record<Setting, string> = {
  none: 'the school or setting',
  'early-years': 'the nursery or early years setting',
  'mainstream-school': 'the school',
  'special-school': 'the special school',
  college: 'the college',
  'home-educated': 'the school or setting',
  'alternative-provision': 'the setting',
  'not-attending': 'the school or setting',
};

export interface FactsAndContext {
  facts: TriageFacts;
  locality: LocalityResolution;
  values: TemplateValues;
}

/** Works out every fact the rules can use (see the top of rules.yaml). */
/**
 * The safety check of the last concern text seen: the conversation asks the engine about the
 * same case with one answer changed (which question could still change the route?), and the
 * check is most of the cost of a triage.
 */
type ConcernCheck = ReturnType<typeof checkSafety> & { possibleRisk: boolean };
let lastSafety: { concern: string; check: ConcernCheck } | null = null;
function safetyOfConcern(concern: string): ConcernCheck {
  if (lastSafety?.concern !== concern) {
    const check = checkSafety(concern);
    // The same second net as every message in the chat, so `deal triage` and the Teams form agree with it.
    const possibleRisk = !check.flagged && concern.trim().length > 0 && standardSafetyNet().flags(concern);
    lastSafety = { concern, check: { ...check, possibleRisk } };
  }
  return lastSafety.check;
}

export function computeFacts(c: TriageCase, rules: RuleSet = ruleSet(), audience: TriageAudience = 'family'): FactsAndContext {
  const safety = safetyOfConcern(c.concern);
  const locality = resolveLocality({ postcode: c.postcode, town: c.town });
  const facts = {
    requester: c.requester,
    childAge: c.childAge,
    setting: c.setting,
    needs: c.needs,
    senSupport: c.senSupport,
    externalAdvice: c.externalAdvice,
    ehcp: c.ehcp,
    diagnosis: c.diagnosis,
    safetyConcern: c.safetyConcern,
    underFive: c.childAge !== null && c.childAge < 5,
    safety: { flagged: safety.flagged, kind: safety.kind, categories: safety.categories, possibleRisk: safety.possibleRisk },
    locality: {
      status: locality.status,
      id: locality.status === 'dorset' ? locality.locality.id : null,
      council: locality.status === 'out-of-area' ? locality.council : null,
    },
  } as TriageFacts;
  for (const signal of rules.textSignals) {
    facts[signal.name as `textMentions${string}`] = signal.patterns.some((p) => p.test(c.concern));
  }
  // "suicidal thoughts; a child who is missing": the safety categories' plain labels.
  const labels = safety.categories.length > 0 ? new Map(safetyCategories().map((x) => [x.id, x.label])) : undefined;
  const categories = safety.categories
    .map((id) => labels?.get(id) ?? id.replace(/-/g, ' '))
    .map((label) => label.charAt(0).toLowerCase() + label.slice(1))
    .join('; ');
  const values: TemplateValues = {
    age: c.childAge === null ? 'this age' : String(Math.floor(c.childAge)),
    settingName: SETTING_NAMES[c.setting],
    council: locality.status === 'out-of-area' ? locality.council : 'another council',
    whereToGo: locality.status === 'out-of-area' ? locality.whereToGo : '',
    localityReason:
      locality.status === 'ambiguous' || locality.status === 'unknown'
        ? audience !== 'family'
          ? locality.professionalReason
          : locality.reason
        : '',
    safetyCategories: categories || 'a worry about safety',
  };
  return { facts, locality, values };
}

function render(template: string, values: TemplateValues): string {
  return template
    .replace(/\{(\w+)\}/g, (_, key: keyof TemplateValues) => values[key] ?? '')
    .replace(/\s+/g, ' ')
    .trim();
}

const URGENCY_RANK: Record<Urgency, number> = { routine: 0, priority: 1, immediate: 2 };

/** A rule whose conditions held, with its reason filled in. */
export interface FiredRule extends Omit<Rule, 'conditions' | 'test'> {
  /** Set when a conflict took this rule's route out: the conflict's id. */
  removedBy: string | null;
}

export interface TriageExplanation {
  result: TriageResult;
  facts: TriageFacts;
  locality: LocalityResolution;
  /** Every rule whose conditions held, in file order (the fallback is not one: see `usedFallback`). */
  fired: FiredRule[];
  /** The routes in the order chosen, with the priority that placed each. */
  order: { route: RouteId; priority: number }[];
  /** Conflicts that applied, with the routes they removed. */
  conflicts: { id: string; explanation: string; removed: RouteId[] }[];
  usedFallback: boolean;
}

/** Triage with the working shown: facts, fired rules, conflicts and ordering. */
export function explainTriage(input: TriageCase, rules: RuleSet = ruleSet(), audience: TriageAudience = 'family'): TriageExplanation {
  const c = TriageCase.parse(input);
  const { facts, locality, values } = computeFacts(c, rules, audience);
  const professional = audience === 'professional';
  const officer = audience === 'officer';
  const reasonOf = (r: { reason: string; professionalReason?: string; officerReason?: string }) =>
    (officer ? (r.officerReason ?? r.professionalReason) : professional ? r.professionalReason : undefined) ?? r.reason;
  const matched = rules.rules.filter((r) => r.test(facts));

  // Conflicts look at the routes present before any removal.
  const present = new Set(matched.flatMap((r) => (r.route ? [r.route] : [])));
  const removedBy = new Map<RouteId, string>();
  const conflicts: TriageExplanation['conflicts'] = [];
  for (const conflict of rules.conflicts) {
    if (!present.has(conflict.when)) continue;
    const removed = conflict.removes.filter((r) => present.has(r) && !removedBy.has(r));
    for (const r of removed) removedBy.set(r, conflict.id);
    conflicts.push({ id: conflict.id, explanation: conflict.explanation, removed });
  }

  const fired: FiredRule[] = matched.map((r) => ({
    id: r.id,
    route: r.route,
    priority: r.priority,
    urgency: r.urgency,
    handover: r.handover,
    reason: render(reasonOf(r), values),
    removedBy: r.route ? (removedBy.get(r.route) ?? null) : null,
  }));
  const counting = fired.filter((r) => r.removedBy === null);
  const usedFallback = !counting.some((r) => r.route !== null);
  if (usedFallback) counting.push({ ...rules.fallback, reason: render(reasonOf(rules.fallback), values), removedBy: null });

  // Routes, ranked by their best rule's priority; ties go to the rule earlier in the file.
  const byRoute = new Map<RouteId, { priority: number; reasons: string[] }>();
  for (const r of counting) {
    if (r.route === null) continue;
    const entry = byRoute.get(r.route) ?? { priority: r.priority, reasons: [] };
    entry.priority = Math.max(entry.priority, r.priority);
    entry.reasons.push(r.reason);
    byRoute.set(r.route, entry);
  }
  const order = [...byRoute].map(([route, e]) => ({ route, priority: e.priority })).sort((a, b) => b.priority - a.priority);
  const primary = order[0]!.route;
  const modifierReasons = counting.filter((r) => r.route === null).map((r) => r.reason);

  const routes = order.map(({ route }) => {
    const reasons = [...byRoute.get(route)!.reasons];
    if (route === primary) reasons.push(...modifierReasons);
    // Route notes are advice to the reader; the officer's view keeps to the facts.
    const note = officer ? undefined : ((professional ? rules.professionalRouteNotes[route] : undefined) ?? rules.routeNotes[route]);
    if (note) reasons.push(render(note, values));
    return { id: route, reasons: [...new Set(reasons.filter((x) => x.length > 0))] };
  });

  const result = TriageResult.parse({
    primary,
    routes,
    urgency: counting.reduce<Urgency>((u, r) => (URGENCY_RANK[r.urgency] > URGENCY_RANK[u] ? r.urgency : u), 'routine'),
    handover: counting.some((r) => r.handover),
    locality: locality.status === 'dorset' ? locality.locality.id : null,
  });
  return { result, facts, locality, fired, order, conflicts, usedFallback };
}

/**
 * Decide the routes for a case. Synchronous and pure (apart from reading the rule and
 * locality files once). Throws a ZodError if the case is not a valid `TriageCase`.
 */
export function triage(input: TriageCase, audience: TriageAudience = 'family'): TriageResult {
  return explainTriage(input, ruleSet(), audience).result;
}

/**
 * `result` (as the family saw it, perhaps escalated by a safety alarm) with each route's reasons
 * as the officer who receives the handover reads them: facts about the child and family, no "you".
 */
export function forOfficer(result: TriageResult, input: TriageCase): TriageResult {
  const officer = new Map(explainTriage(input, ruleSet(), 'officer').result.routes.map((r) => [r.id, r.reasons]));
  return { ...result, routes: result.routes.map((r) => ({ ...r, reasons: officer.get(r.id) ?? r.reasons })) };
}

// ---------------------------------------------------------------------------------------
// Route guide (triage/routes.yaml): what each route means for a family

const RouteGuideEntry = z
  .object({
    title: z.string().min(3).max(80),
    /** What happens next: 2–4 short steps. */
    next: z.array(z.string().min(10)).min(2).max(4),
    /** Knowledge article ids (knowledge/articles/<id>.md). */
    articles: z.array(Id).min(1),
    /** Contact ids from knowledge/contacts.yaml. */
    contacts: z.array(Id).default([]),
    /** The title and next steps as a professional reads them (about the child and the family); optional. */
    professionalTitle: z.string().min(3).max(80).optional(),
    professionalNext: z.array(z.string().min(10)).min(2).max(4).optional(),
  })
  .strict()
  .superRefine((entry, ctx) => {
    for (const [i, text] of [entry.professionalTitle, ...(entry.professionalNext ?? [])].entries()) {
      const parent = text === undefined ? null : PARENT_WORDS.exec(text);
      if (parent) ctx.addIssue({ code: 'custom', path: [i === 0 ? 'professionalTitle' : `professionalNext.${i - 1}`], message: `speaks to a parent ("${parent[0]}")` });
    }
  });
export type RouteGuideEntry = z.infer<typeof RouteGuideEntry>;
const RouteGuide = z.object(Object.fromEntries(RouteId.options.map((id) => [id, RouteGuideEntry])) as Record<RouteId, typeof RouteGuideEntry>).strict();
export type RouteGuide = Record<RouteId, RouteGuideEntry>;

/** Loads and checks triage/routes.yaml (every RouteId must be present). */
export function loadRouteGuide(path: string | URL = ROUTES_PATH): RouteGuide {
  const file = typeof path === 'string' ? path : fileURLToPath(path);
  const name = file.replace(/^.*?(triage\/)/, '$1');
  const parsed = RouteGuide.safeParse(parse(readFileSync(file, 'utf8')));
  if (!parsed.success) throw new RuleError(`${name}: ${issues(parsed.error)}`);
  return parsed.data as RouteGuide;
}
