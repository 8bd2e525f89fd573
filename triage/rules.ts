/**
 * The rules file (triage/rules.yaml): its shape, and the checks made when it is first loaded.
 * zod checks the shape; then every condition is checked for known facts, operators that fit
 * the fact and values the fact can take (so a typo such as `value: mainstream-schol` is an
 * error naming the file and the rule, not a silent miss), every `{template}` value is known,
 * no professional text speaks to a parent, and the invariants that make safety beat
 * everything hold.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { parseYamlText } from '../text/load-yaml.js';
import { compileCondition, isRecord, RuleError, type Condition, type Test } from './conditions.js';
import { FACT_CATALOGUE } from './fact-catalogue.js';
import { RouteId, Urgency } from './schema.js';

const RULES_PATH = new URL('./rules.yaml', import.meta.url);

/** An id in the data files: lower-case words joined by hyphens. */
export const Id = z.string().regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, 'must be lower-case words joined by hyphens');
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
export type TemplateValues = Record<(typeof TEMPLATE_VALUES)[number], string>;

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

/** A zod error as one line: `path: message; ...`. */
export function issues(error: z.ZodError): string {
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
    raw = parseYamlText(readFileSync(file, 'utf8'));
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

  /** Route notes by route id: every key a route, every note checked with `check`. */
  const notesByRoute = (notes: Record<string, string>, where: string, check: (text: string, where: string) => void) => {
    const out: Partial<Record<RouteId, string>> = {};
    for (const [route, note] of Object.entries(notes)) {
      const id = RouteId.safeParse(route);
      if (!id.success) fail(`${where}: '${route}' is not a route id`);
      check(note, `${where}.${route}`);
      out[id.data!] = note;
    }
    return out;
  };
  const routeNotes = notesByRoute(data.routeNotes, 'routeNotes', checkTemplate);
  const professionalRouteNotes = notesByRoute(data.professionalRouteNotes, 'professionalRouteNotes', checkProfessional);
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
