/**
 * Where the family lives: a postcode ("DT4 7AB", "dt47ab", "bh21") and/or a town, read with
 * the same data and rules as triage (triage/localities.yaml through triage/locality.ts), so
 * neighbouring councils' towns (Poole, Bournemouth, Yeovil...) are found too and the locality
 * decision stays in one place. In a sentence a town counts when its name is there exactly
 * (any case); a few names that are also everyday words ("Wool", "Mere") need "in", "near" or
 * "from" before them. As the answer to "Which town?", small typos and "near Sherborne" are
 * read by triage/locality.ts's own matching.
 */
import { localityData, normaliseTown, postcodeDistrict, resolveLocality, type LocalityData } from '../triage/locality.js';
import type { Message, Span } from './text.js';

export type PlaceFound = { town?: string; postcode?: string; spans: Span[] };

/**
 * A town the child or family has left ("he was with his mum in Exeter before", "we moved from Southampton", "we used
 * to live in Poole"): not where they live now, so skipped unless asked.
 */
// "Before we live in hotel in Bournemouth, now council give us temporary flat in Blandford" (blind conversations set 30).
const PAST_LEAD = /(?:^|[^a-z])(?:(?:moved|moving|came|come|relocated) (?:here |down |over |up )?from|used to live (?:in|at|near)|before (?:we|i|they) (?:live|lived|were|was|stayed|stay)(?: (?:in|at) (?:a |the )?(?:hotel|hostel|refuge|flat|house|b ?and ?b|bnb))? (?:in|at|near)|(?:first|when|while) (?:we|i|they) (?:live|lived|were living|was living|stayed)(?: (?:in|at) (?:a |the )?(?:hotel|hostel|refuge|flat|house))? (?:in|at|near)|(?:was|were) (?:living )?with (?:his|her|their|my|our) (?:mum|dad|mother|father|nan|gran|grandparents|family|foster \w+) (?:in|at|near))[ ,]*$/;
/**
 * Where someone else lives ("My mum lives in Sherborne and does the school run", "his dad is in Poole"): not the
 * family's home, so skipped unless asked (blind conversations set 21: a Yeovil family read as Sherborne). "My family live
 * in Blandford now" is their own home (blind conversations set 23).
 */
const OTHER_HOME_LEAD =
  /(?:^|[^a-z])(?:(?:my|his|her|their|our|the kids|the childrens) (?:mum|mam|mom|dad|mother|father|nan|nana|nanna|nanny|gran|granny|grandma|grandad|grandpa|grandparents|parents|ex|ex partner|ex husband|ex wife|sister|brother|aunt|auntie|aunty|uncle|cousin|in laws)|(?:his|her|their|the kids|the childrens) (?:birth )?family)(?: \w+)? (?:lives|live|is|are|stays|works|is based|are based)(?: (?:in|at|near|over in|down in|up in|just outside|outside))?[ ,]*$/;
const PAST_AFTER = /^[ ,]*(?:before|previously|until (?:last|this|recently)|til (?:last|recently))\b/;
/** A town's hospital is not the family's home ("doctor in Dorchester hospital": blind conversations set 29). */
const HOSPITAL_AFTER = /^[ ,]*(?:county |district |general |community |childrens |children s )?(?:hospital|infirmary)\b/;
/** A school that has closed is not where the family is ("a small specail school out near lyme that shut down": set 30). */
const CLOSED_AFTER = /^[ ,]*(?:that|which|what) (?:has |had )?(?:shut|closed)(?: down)?\b/;
/** The words just after a town that say it is not the family's home, read over the next 24 characters. */
const NOT_HOME_AFTERS: readonly RegExp[] = [PAST_AFTER, HOSPITAL_AFTER, CLOSED_AFTER];

/** Town names that are also ordinary words: only after "in", "near", "from"... */
const EVERYDAY_WORDS = new Set(['wool', 'mere', 'preston', 'upton', 'sandford', 'bourton', 'crossways', 'lyme', 'chard', 'st ives', 'seaton']);
const PLACE_LEAD = /(?:^|[^a-z])(in|near|nr|from|at|around|outside|live|living|based|moved to|lives)[ ,]*$/;
/**
 * Where they say they live ("we live in", "we're based in", "we are from", "college in Dorchester on the bus from
 * Wareham", "now im just at home in bridport"): that town wins over an earlier one.
 */
const HOME_LEAD =
  /(?:^|[^a-z])(?:(?:us|our|a|the) (?:new |temporary |council |rented )?(?:flat|house|home|accommodation|bungalow) (?:is )?(?:in|at|near)|(?:live|living|lives|based|reside|residing|home is|at home|were|we are|moved to|(?:we|i|they) (?:move|moving|have moved|came) to)(?: (?:in|at|near|just outside|outside|on|just over the border in|over the border in|just across the border in))?|(?:bus|train|taxi|coach|travels?|travelling|comes?|coming|get the bus|lift) (?:in |over |all the way )?from|(?:moved|moving|relocated) (?:here )?from (?:[a-z]+ ){1,3}to)[ ,]*$/;
/**
 * Where someone works is not where the family lives ("i work on the boats out of weymouth harbour", "my husband works in
 * Dorchester"): skipped unless asked (blind conversations set 24: a family in Poole read as Weymouth).
 */
// "i work on a dairy farm out near sherborne... we live in Yeovil" (blind conversations set 31).
const WORK_LEAD = /(?:^|[^a-z])(?:i|he|she|we|they|my partner|my husband|my wife|his dad|her dad|his mum|her mum|dad|mum) (?:work|works|working|worked)(?: [a-z]+){0,6} (?:in|at|out of|from|near)[ ,]*$/;
/** Where other people come from ("hes out with older lads from bournemouth"): not the family's home, skipped unless asked. */
const PEOPLE_FROM_LEAD = /(?:^|[^a-z])(?:lads|boys|men|man|girls|women|woman|people|friends|mates|kids|gang|group|someone|somebody|bloke|guy|guys|cousins|relatives) (?:who (?:live|are) )?(?:from|in|over in|down in|up in)[ ,]*$/;
/**
 * A town someone travels to is not where the family lives ("he's been going to Bournemouth and
 * Southampton on the train", "we drive to Poole for his appointments"): skipped unless asked.
 */
const TRAVEL_LEAD = /(?:^|[^a-z])(?:going|goes|go|gone|went|been|travel\w*|train|bus|coach|trips?|drive|driving|drove|driven|ride|taken|takes|take|taking|visit\w*|appointments? in|hospital in) (?:to |in |at )?(?:the )?(?:[a-z]+(?:,| and| or) ){0,3}$/;

/**
 * Where a child was treated or born is not where the family lives ("she had open heart surgery at Southampton", "he was
 * born in Yeovil", "under the cardiac team at Bristol"): skipped unless asked (blind conversations set 25: a Chickerell
 * family read as Southampton).
 */
const CARE_LEAD = /(?:^|[^a-z])(?:surgery|operations?|op|ops|treated|treatment|admitted|born|scans?|transplant|nicu|picu|scbu|ward|cardiology|cardiac team|clinic|consultant|specialists?|under the [a-z]+(?: [a-z]+)? team)(?: [a-z]+){0,2} (?:at|in)(?: the)?[ ,]*$/;

/** The words before a town that say it is not the family's home, each read over this many characters before it. */
const NOT_HOME_LEADS: readonly (readonly [RegExp, number])[] = [
  [TRAVEL_LEAD, 60],
  [WORK_LEAD, 60],
  [PEOPLE_FROM_LEAD, 40],
  [PAST_LEAD, 40],
  [OTHER_HOME_LEAD, 50],
  [CARE_LEAD, 50],
];

/** Towns by their normalised name; `firstWords`: the first word of every name, so most words are passed over at once. */
type TownIndex = { byWords: Map<string, string>; firstWords: Set<string>; longest: number };
const indexCache = new WeakMap<LocalityData, TownIndex>();
function townIndex(data: LocalityData): TownIndex {
  let index = indexCache.get(data);
  if (!index) {
    const byWords = new Map<string, string>();
    const firstWords = new Set<string>();
    let longest = 1;
    for (const [key, { name }] of data.towns) {
      byWords.set(key, name);
      firstWords.add(key.split(' ')[0]!);
      longest = Math.max(longest, key.split(' ').length);
    }
    index = { byWords, firstWords, longest };
    indexCache.set(data, index);
  }
  return index;
}

/**
 * One word as normaliseTown writes it, remembered (words repeat from message to message): for
 * words of [a-z0-9] joined by single spaces, normalising word by word is normalising the run.
 */
const townWords = new Map<string, string>();
function townWord(word: string): string {
  let w = townWords.get(word);
  if (w === undefined) {
    if (townWords.size >= 50_000) townWords.clear();
    townWords.set(word, (w = normaliseTown(word)));
  }
  return w;
}

const POSTCODE = /(?<![a-z0-9])([a-z]{1,2}\d[a-z\d]?)(?: ?(\d[a-z]{2}))?(?![a-z0-9])/g;

/** Is this postcode district one the locality data knows (a listed district or area)? */
function knownDistrict(data: LocalityData, district: string): boolean {
  return data.districts.has(district) || data.areas.has(/^[A-Z]+/.exec(district)?.[0] ?? '');
}

export function findPlace(message: Message, asked: boolean, data: LocalityData = localityData()): PlaceFound | undefined {
  const t = message.text;
  const out: PlaceFound = { spans: [] };

  for (const m of t.matchAll(POSTCODE)) {
    const raw = m[2] ? `${m[1]} ${m[2]}` : m[1]!;
    const district = postcodeDistrict(raw);
    if (!district || !knownDistrict(data, district)) continue;
    out.postcode = m[2] ? `${m[1]!.toUpperCase()} ${m[2].toUpperCase()}` : district;
    out.spans.push({ start: m.index, end: m.index + m[0].length });
    break;
  }

  // Towns: word sequences of the message that are a town's name exactly. The first one counts, unless a
  // later one is where they say they live ("secondary in Wimborne. We live in Corfe Mullen").
  const index = townIndex(data);
  const words = [...t.matchAll(/[a-z0-9]+/g)].map((m) => ({ word: townWord(m[0]), start: m.index, end: m.index + m[0].length }));
  let found: { name: string; span: Span } | undefined;
  outer: for (let i = 0; i < words.length; i++) {
    if (!index.firstWords.has(words[i]!.word)) continue; // no town's name starts with this word
    for (let n = Math.min(index.longest, words.length - i); n >= 1; n--) {
      const run = words.slice(i, i + n);
      const key = run.map((w) => w.word).join(' ');
      const name = index.byWords.get(key);
      if (!name) continue;
      const start = run[0]!.start;
      if (EVERYDAY_WORDS.has(key) && !asked && !PLACE_LEAD.test(t.slice(Math.max(0, start - 20), start))) continue;
      const end = run[n - 1]!.end;
      if (!asked && (NOT_HOME_LEADS.some(([lead, reach]) => lead.test(t.slice(Math.max(0, start - reach), start))) || NOT_HOME_AFTERS.some((after) => after.test(t.slice(end, end + 24))))) continue outer;
      const home = HOME_LEAD.test(t.slice(Math.max(0, start - 40), start));
      // The last place they say they live wins: "I said we're in Ferndown... we actually live in Verwood" (blind
      // conversations set 20).
      if (!found || home) found = { name, span: { start, end } };
      i += n - 1;
      continue outer;
    }
  }
  if (found) {
    out.town = found.name;
    out.spans.push(found.span);
  }

  // The answer to "Which town?": let triage's own matching forgive typos and "near ...".
  if (!out.town && !out.postcode && asked && message.words <= 6) {
    const typed = message.source({ start: 0, end: t.length });
    const r = resolveLocality({ town: typed }, data);
    if (r.status === 'dorset' || r.status === 'out-of-area' || r.status === 'ambiguous') {
      out.town = typed.replace(/^(i live in|we live in|we re in|were in|in|near|nr|just outside|outside)\s+/i, '').trim();
      out.spans.push({ start: 0, end: t.length });
    }
  }
  return out.town || out.postcode ? out : undefined;
}
