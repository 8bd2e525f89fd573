/**
 * Works out the facts a triage rule can use (see the top of rules.yaml) from a case: the
 * answers, the safety check and second net over the family's words, the locality, the
 * rules' text signals, and the values `{template}` reasons are filled with.
 */
import { safetyCategories } from '../safety/safety.js';
import { checkWithNet, standardSafetyNet } from '../safety/safety-net.js';
import type { NetSafetyCheck } from '../safety/kind.js';
import type { TriageFacts } from './fact-catalogue.js';
import { resolveLocality, type LocalityResolution } from './locality.js';
import { ruleSet, type RuleSet, type TemplateValues, type TriageAudience } from './rules.js';
import type { Setting, TriageCase } from './schema.js';

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


/**
 * The safety check of the last concern text seen: the conversation asks the engine about the
 * same case with one answer changed (which question could still change the route?), and the
 * check is most of the cost of a triage.
 */
let lastSafety: { concern: string; check: NetSafetyCheck } | null = null;
let standardCheck: ((text: string) => NetSafetyCheck) | undefined;
function safetyOfConcern(concern: string): NetSafetyCheck {
  if (lastSafety?.concern !== concern) {
    // The same check (patterns, then the second net) as every message in the chat, so `deal triage` and the Teams form agree with it.
    standardCheck ??= checkWithNet(standardSafetyNet());
    lastSafety = { concern, check: standardCheck(concern) }; // empty text is never flagged (tests/safety-net.test.ts)
  }
  return lastSafety.check;
}

/**
 * The rules' text signals of the last concern text seen, for the same reason: each is a few
 * regular expressions over the whole story, and the story does not change between those runs.
 */
let lastSignals: { concern: string; rules: RuleSet; signals: Record<string, boolean> } | null = null;
function signalsOfConcern(concern: string, rules: RuleSet): Record<string, boolean> {
  if (lastSignals?.concern !== concern || lastSignals.rules !== rules) {
    const signals: Record<string, boolean> = {};
    for (const signal of rules.textSignals) signals[signal.name] = signal.patterns.some((p) => p.test(concern));
    lastSignals = { concern, rules, signals };
  }
  return lastSignals.signals;
}

/** The locality of the last place seen: the runs that choose a question change other answers, not the place. */
let lastLocality: { postcode: string | undefined; town: string | undefined; locality: LocalityResolution } | null = null;
function localityOf(postcode: string | undefined, town: string | undefined): LocalityResolution {
  if (!lastLocality || lastLocality.postcode !== postcode || lastLocality.town !== town) {
    lastLocality = { postcode, town, locality: resolveLocality({ postcode, town }) };
  }
  return lastLocality.locality;
}

/** Works out every fact the rules can use (see the top of rules.yaml). */
export function computeFacts(c: TriageCase, rules: RuleSet = ruleSet(), audience: TriageAudience = 'family'): FactsAndContext {
  const safety = safetyOfConcern(c.concern);
  const locality = localityOf(c.postcode, c.town);
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
    safetyCleared: c.safetyCleared ?? false,
    underFive: c.childAge !== null && c.childAge < 5,
    pastParticipationAge: c.childAge !== null && c.childAge >= 18,
    safety: { flagged: safety.flagged, kind: safety.kind, categories: safety.categories, possibleRisk: safety.possibleRisk },
    locality: {
      status: locality.status,
      id: locality.status === 'dorset' ? locality.locality.id : null,
      council: locality.status === 'out-of-area' ? locality.council : null,
    },
  } as TriageFacts;
  Object.assign(facts, signalsOfConcern(c.concern, rules));
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
