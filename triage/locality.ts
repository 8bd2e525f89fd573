/**
 * Where does the family live? Resolves a postcode and/or town to one of Dorset Council's
 * localities, to another council (out of area), or says plainly that we cannot tell yet.
 *
 * The data is `triage/localities.yaml` (editable; the service confirms names and boundaries),
 * loaded and checked by locality-data.ts.
 *
 * Rules of thumb:
 * - A postcode is read leniently: lower case, no space, a district only ("dt4") or a full
 *   postcode ("DT4 7AB", "dt47ab").
 * - A town is matched leniently: case, punctuation, "near …", ", Dorset", "Saint"/"St" and
 *   small typos (edit distance 1 for names of 5–7 letters, 2 for longer; short names exactly).
 * - Postcode and town are combined as evidence: each gives a set of possible places and
 *   the answer is their overlap. One place: resolved. More than one: `ambiguous`. None
 *   readable: `unknown`. A clear postcode beats a vague town; a clear postcode and a clear
 *   town that disagree are `ambiguous` (we ask rather than guess).
 * - `ambiguous` and `unknown` carry a plain-English `reason` and the question to `ask`;
 *   `shouldAskForTown` tells the conversation to ask it.
 */
import { editDistance as distance } from '../text/edit-distance.js';
import { localityById, localityData, normaliseTown, type DorsetLocality, type LocalityData } from './locality-data.js';

export * from './locality-data.js';

export interface LocalityInput {
  postcode?: string | undefined;
  town?: string | undefined;
}

export type LocalityResolution =
  | {
      status: 'dorset';
      locality: DorsetLocality;
      /** The postcode district we used, when a postcode was readable. */
      district: string | null;
    }
  | {
      status: 'out-of-area';
      /** The council's name, e.g. "BCP Council (Bournemouth, Christchurch and Poole)". */
      council: string;
      councilId: string;
      /** An id from knowledge/contacts.yaml, or null. */
      contact: string | null;
      /** Plain-English text for the family: where to go instead. */
      whereToGo: string;
      district: string | null;
    }
  | {
      status: 'ambiguous' | 'unknown';
      /** Plain English, e.g. "We could not tell which area … — ask for the town." */
      reason: string;
      /** The same, for a professional: about the family ("ask the family which town they live in"). */
      professionalReason: string;
      /** The question the conversation should put to the family. */
      ask: string;
      /** Names of the places it could be (ambiguous only). */
      candidates: string[];
    };

/**
 * The postcode district (outward code) of a postcode, or null when it cannot be read.
 * Accepts "DT4 7AB", "dt47ab", "dt4", " DT11 ", "DT11AB" (→ DT1) and "DT111AB" (→ DT11).
 */
export function postcodeDistrict(raw: string): string | null {
  const upper = raw.toUpperCase().trim();
  const district = /^[A-Z]{1,2}\d[A-Z\d]?$/;
  const first = upper.split(/\s+/)[0]?.replace(/[^A-Z0-9]/g, '') ?? '';
  if (/\s/.test(upper) && district.test(first)) return first;
  const compact = upper.replace(/[^A-Z0-9]/g, '');
  const full = /^([A-Z]{1,2}\d[A-Z\d]?)(\d[A-Z]{2})$/.exec(compact);
  if (full) return full[1]!;
  return district.test(compact) ? compact : null;
}

/** How far apart two town names are: a swap of neighbouring letters counts as one typo. */
export function editDistance(a: string, b: string): number {
  return distance(a, b, { transpositions: true });
}

/** How many typos we forgive: none for short names (Wool/Pool), 1 up to 7 letters, then 2. */
function typoAllowance(length: number): number {
  return length <= 4 ? 0 : length <= 7 ? 1 : 2;
}

interface Evidence {
  kind: 'postcode' | 'town';
  places: string[];
  /** What the evidence was, for reasons: "postcode district BH21" or "the town 'Sturminster'". */
  label: string;
}

type Lookup = { ok: true; evidence: Evidence } | { ok: false; problem: string };

/** What the family typed, safe to repeat back: letters, digits and a little punctuation only. */
function echo(raw: string, max: number): string {
  return raw.replace(/[^\p{L}\p{N} '’.,-]/gu, '').replace(/\s+/g, ' ').trim().slice(0, max);
}

function lookUpPostcode(data: LocalityData, postcode: string): Lookup & { district: string | null } {
  const district = postcodeDistrict(postcode);
  if (!district) {
    const shown = echo(postcode, 10);
    return { ok: false, problem: shown ? `we could not read the postcode '${shown}'` : 'we could not read the postcode', district: null };
  }
  const label = `postcode district ${district}`;
  const places = data.districts.get(district);
  if (places) return { ok: true, evidence: { kind: 'postcode', places, label }, district };
  const area = /^[A-Z]+/.exec(district)![0];
  const place = data.areas.get(area);
  if (place) return { ok: true, evidence: { kind: 'postcode', places: [place], label }, district };
  return { ok: false, problem: `we do not recognise ${label}`, district };
}

function lookUpTown(data: LocalityData, town: string): Lookup {
  let key = normaliseTown(town.split(',')[0] ?? town)
    .replace(/^(near|nr) /, '')
    .replace(/ (near|nr) .*$/, '');
  const shown = echo(town, 40);
  const label = shown ? `the town '${shown}'` : 'the town given';
  const exact = (k: string): string[] | undefined => {
    const hit = data.towns.get(k);
    return hit ? [hit.place] : undefined;
  };
  const stripped = key.replace(/( (dorset|uk|england|town|village))+$/, '');
  const direct = exact(key) ?? exact(stripped);
  if (direct) return { ok: true, evidence: { kind: 'town', places: direct, label } };
  key = stripped;
  if (key.length === 0) return { ok: false, problem: `we did not recognise ${label}` };

  // Small typos: the closest names within the allowance.
  let best = Infinity;
  let places = new Set<string>();
  for (const [name, { place }] of data.towns) {
    const allowance = typoAllowance(Math.min(key.length, name.length));
    if (Math.abs(key.length - name.length) > allowance) continue; // cannot be close enough
    const distance = editDistance(key, name);
    if (distance > allowance) continue;
    if (distance < best) {
      best = distance;
      places = new Set([place]);
    } else if (distance === best) places.add(place);
  }
  if (places.size > 0) return { ok: true, evidence: { kind: 'town', places: [...places], label } };

  // The first word(s) of a longer name: "Sturminster", "Lytchett", "Corfe".
  if (key.length >= 4) {
    for (const [name, { place }] of data.towns) if (name.startsWith(`${key} `)) places.add(place);
    if (places.size > 0) return { ok: true, evidence: { kind: 'town', places: [...places], label } };
  }
  return { ok: false, problem: `we did not recognise ${label}` };
}

function placeName(data: LocalityData, id: string): string {
  return localityById(id, data)?.name ?? data.councils.find((c) => c.id === id)?.council ?? id;
}

function listNames(names: string[], conjunction = 'and'): string {
  return names.length <= 1 ? (names[0] ?? '') : `${names.slice(0, -1).join(', ')} ${conjunction} ${names.at(-1)}`;
}

const ASK_TOWN = 'Which town or village do you live in?';
const ASK_ANY = 'What is your postcode, or which town or village do you live in?';

/** Where the family lives, from a postcode and/or town (see the module comment for the rules). */
export function resolveLocality(input: LocalityInput, data: LocalityData = localityData()): LocalityResolution {
  const postcode = input.postcode?.trim() ? lookUpPostcode(data, input.postcode) : undefined;
  const town = input.town?.trim() ? lookUpTown(data, input.town) : undefined;
  const district = postcode?.district ?? null;

  const resolved = (place: string): LocalityResolution => {
    const locality = localityById(place, data);
    if (locality) return { status: 'dorset', locality: { ...locality }, district };
    const c = data.councils.find((x) => x.id === place)!;
    return { status: 'out-of-area', council: c.council, councilId: c.id, contact: c.contact, whereToGo: c.whereToGo, district };
  };
  const ambiguous = (places: string[], why: string): LocalityResolution => {
    const candidates = places.map((p) => placeName(data, p));
    return {
      status: 'ambiguous',
      reason: `We could not tell which area you live in: ${why} — ask for the town.`,
      professionalReason: `We could not tell which area the family lives in: ${why}. Ask the family which town or village they live in.`,
      ask: ASK_TOWN,
      candidates,
    };
  };

  const p = postcode?.ok ? postcode.evidence : undefined;
  const t = town?.ok ? town.evidence : undefined;

  if (p && t) {
    const overlap = p.places.filter((x) => t.places.includes(x));
    if (overlap.length === 1) return resolved(overlap[0]!);
    if (overlap.length > 1) {
      return ambiguous(overlap, `${p.label} and ${t.label} could each be in ${listNames(overlap.map((x) => placeName(data, x)))}`);
    }
    if (p.places.length === 1 && t.places.length > 1) return resolved(p.places[0]!);
    if (t.places.length === 1 && p.places.length > 1) {
      // The town is outside every place the district covers: trust neither, ask.
      return ambiguous([...p.places, ...t.places], `${t.label} is not in ${p.label}`);
    }
    return ambiguous(
      [...new Set([...p.places, ...t.places])],
      `${p.label} is in ${listNames(p.places.map((x) => placeName(data, x)))} but ${t.label} is in ${listNames(t.places.map((x) => placeName(data, x)))}`,
    );
  }
  const only = p ?? t;
  if (only) {
    if (only.places.length === 1) return resolved(only.places[0]!);
    const names = only.places.map((x) => placeName(data, x));
    const spread = only.kind === 'postcode' ? `covers parts of ${listNames(names)}` : `could be in ${listNames(names, 'or')}`;
    return ambiguous(only.places, `${only.label} ${spread}`);
  }
  const problems = [postcode, town].flatMap((x) => (x && !x.ok ? [x.problem] : []));
  if (problems.length === 0) {
    return {
      status: 'unknown',
      reason: 'We do not know where you live yet — ask for the town or postcode.',
      professionalReason: 'We do not know where the family lives yet: ask the family which town or village they live in, or their postcode, so the right local team can help.',
      ask: ASK_ANY,
      candidates: [],
    };
  }
  return {
    status: 'unknown',
    reason: `We could not tell which area you live in: ${listNames(problems)} — ask for the town.`,
    professionalReason: `We could not tell which area the family lives in: ${listNames(problems)}. Ask the family which town or village they live in.`,
    ask: town ? ASK_ANY : ASK_TOWN,
    candidates: [],
  };
}

/** True when the conversation should ask where the family lives (see `resolution.ask`). */
export function shouldAskForTown(input: LocalityInput | LocalityResolution): boolean {
  const resolution = 'status' in input ? input : resolveLocality(input);
  return resolution.status === 'ambiguous' || resolution.status === 'unknown';
}
