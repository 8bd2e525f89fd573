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
 * The parts, one job each: fact-catalogue.ts (the facts and their values), conditions.ts
 * (json-rules-engine's condition format, compiled), rules.ts (loading and checking
 * rules.yaml), facts.ts (a case's facts), route-guide.ts (routes.yaml); this file evaluates
 * a case against the rules and explains the result. Their exports are re-exported here.
 */
import { computeFacts } from './facts.js';
import { ruleSet, type Rule, type RuleSet, type TemplateValues, type TriageAudience } from './rules.js';
import { TriageCase, TriageResult, type RouteId, type Urgency } from './schema.js';
import type { LocalityResolution } from './locality.js';
import type { TriageFacts } from './fact-catalogue.js';

export type { TriageFacts } from './fact-catalogue.js';
export { OPERATORS, type Condition, type Operator } from './conditions.js';
export {
  loadRules,
  PARENT_WORDS,
  SPEAKS_TO_READER,
  ruleSet,
  TEMPLATE_VALUES,
  type Conflict,
  type Rule,
  type RuleSet,
  type TriageAudience,
} from './rules.js';
export { computeFacts, type FactsAndContext } from './facts.js';
export { loadRouteGuide, type RouteGuide, type RouteGuideEntry } from './route-guide.js';

/** A reason template split at its `{value}`s once: literal text at even places, value names at odd. */
const templates = new Map<string, string[]>();
/** Rendered reasons: a case has few distinct values (an age, a setting, a council), and the conversation asks the engine about many cases at once. */
const rendered = new Map<string, string>();

function render(template: string, values: TemplateValues): string {
  let parts = templates.get(template);
  if (!parts) templates.set(template, (parts = template.split(/\{(\w+)\}/)));
  let key = template;
  for (let i = 1; i < parts.length; i += 2) key += `\u0000${values[parts[i] as keyof TemplateValues] ?? ''}`;
  let text = rendered.get(key);
  if (text === undefined) {
    text = parts.map((part, i) => (i % 2 === 0 ? part : (values[part as keyof TemplateValues] ?? ''))).join('').replace(/\s+/g, ' ').trim();
    if (rendered.size >= 20_000) rendered.clear();
    rendered.set(key, text);
  }
  return text;
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
