/**
 * The localities data (`triage/localities.yaml`): Dorset Council's locality teams, the
 * safeguarding queue, neighbouring councils, towns and postcode districts, checked with zod
 * and against itself when first used (a mistake throws naming the file and entry), and the
 * look-ups every layer uses to name a locality. Resolving where a family lives from what they
 * typed is locality.ts.
 */
import { z } from 'zod';
import { DataFileError, loadYaml, shownPath } from '../text/load-yaml.js';

const DEFAULT_PATH = new URL('./localities.yaml', import.meta.url);

const PlaceId = z.string().regex(/^[a-z][a-z0-9-]*$/, 'must be lower-case words joined by hyphens');
const DistrictCode = z.string().regex(/^[A-Z]{1,2}\d[A-Z\d]?$/, 'must be a postcode district such as DT4 or BH16');
const AreaCode = z.string().regex(/^[A-Z]{1,2}$/, 'must be postcode area letters such as TA');

/** A locality team's queue (or the safeguarding queue): what handovers are routed to. */
const Queue = z.object({ id: PlaceId, name: z.string().min(3) }).strict();

const Council = z
  .object({
    id: PlaceId,
    council: z.string().min(3),
    /** An id from knowledge/contacts.yaml, or null. Never a phone number or address. */
    contact: PlaceId.nullable(),
    whereToGo: z.string().min(20),
    towns: z.array(z.string().min(2)).default([]),
  })
  .strict();

const LocalitiesFile = z
  .object({
    localities: z.array(Queue.extend({ towns: z.array(z.string().min(2)).min(1) })).min(1),
    safeguarding: Queue,
    outOfArea: z.array(Council),
    districts: z.record(DistrictCode, z.union([PlaceId, z.array(PlaceId).min(2)])),
    areas: z.record(AreaCode, PlaceId).default({}),
    postTowns: z.record(DistrictCode, z.string().min(2)).default({}),
  })
  .strict();

export type DorsetLocality = z.infer<typeof Queue>;
/** Another council, with where its families should go instead. */
export type OutOfAreaCouncil = Omit<z.infer<typeof Council>, 'towns'>;

export interface LocalityData {
  /** The locality teams, then the safeguarding queue (a queue with no towns). */
  localities: DorsetLocality[];
  /** The queue for handovers raised by a safety worry (`safeguarding` in localities.yaml). */
  safeguarding: DorsetLocality;
  councils: OutOfAreaCouncil[];
  /** Normalised town name -> place ids (locality or council). */
  towns: Map<string, { name: string; place: string }>;
  districts: Map<string, string[]>;
  areas: Map<string, string>;
  /** District -> the one town it is known by (shown beside a postcode given alone). */
  postTowns: Map<string, string>;
}

/** A localities file that reads as YAML and fits the schema but contradicts itself. */
export class LocalityDataError extends DataFileError {
  override name = 'LocalityDataError';
}

/** Lower case, "&" -> "and", "saint" -> "st", punctuation to spaces, spaces collapsed. */
export function normaliseTown(raw: string): string {
  return raw
    .toLowerCase()
    .replace(/&/g, ' and ')
    .replace(/['’.]/g, '')
    .replace(/[^a-z0-9]+/g, ' ')
    .replace(/\bsaint\b/g, 'st')
    .trim()
    .replace(/\s+/g, ' ');
}

export function loadLocalities(path: string | URL = DEFAULT_PATH): LocalityData {
  const data = loadYaml(path, LocalitiesFile);
  const where = shownPath(path);
  const fail = (what: string): never => {
    throw new LocalityDataError(`${where}: ${what}`);
  };
  const placeIds = new Set<string>();
  for (const id of [...data.localities.map((l) => l.id), data.safeguarding.id, ...data.outOfArea.map((c) => c.id)]) {
    if (placeIds.has(id)) fail(`place id '${id}' is used twice`);
    placeIds.add(id);
  }
  const towns = new Map<string, { name: string; place: string }>();
  const addTown = (name: string, place: string, owner: string): void => {
    const key = normaliseTown(name);
    const earlier = towns.get(key);
    if (earlier && earlier.place !== place) fail(`${owner}: town '${name}' is also listed under '${earlier.place}'`);
    towns.set(key, { name, place });
  };
  for (const l of data.localities) {
    addTown(l.name, l.id, `localities.${l.id}`);
    for (const t of l.towns) addTown(t, l.id, `localities.${l.id}`);
  }
  for (const c of data.outOfArea) for (const t of c.towns) addTown(t, c.id, `outOfArea.${c.id}`);
  const districts = new Map<string, string[]>();
  for (const [code, value] of Object.entries(data.districts)) {
    const places = Array.isArray(value) ? value : [value];
    for (const p of places) if (!placeIds.has(p)) fail(`districts.${code}: unknown place '${p}'`);
    districts.set(code, places);
  }
  const areas = new Map<string, string>();
  for (const [code, place] of Object.entries(data.areas)) {
    if (!placeIds.has(place)) fail(`areas.${code}: unknown place '${place}'`);
    areas.set(code, place);
  }
  const postTowns = new Map<string, string>();
  for (const [code, town] of Object.entries(data.postTowns)) {
    const places = districts.get(code);
    if (places?.length !== 1) fail(`postTowns.${code}: the district must be listed in districts with one place`);
    if (towns.get(normaliseTown(town))?.place !== places![0]) fail(`postTowns.${code}: '${town}' is not one of ${places![0]}'s towns`);
    postTowns.set(code, town);
  }
  return {
    localities: [...data.localities.map(({ id, name }) => ({ id, name })), data.safeguarding],
    safeguarding: data.safeguarding,
    councils: data.outOfArea.map(({ id, council, contact, whereToGo }) => ({ id, council, contact, whereToGo })),
    towns,
    districts,
    areas,
    postTowns,
  };
}

let cached: LocalityData | undefined;
/** The default data, loaded once. */
export function localityData(): LocalityData {
  cached ??= loadLocalities();
  return cached;
}

/** The locality (or the safeguarding queue) with this id: the one look-up every layer uses. */
export function localityById(id: string | null | undefined, data: LocalityData = localityData()): DorsetLocality | undefined {
  return id ? data.localities.find((l) => l.id === id) : undefined;
}

/** A locality's name by id, or the id itself when it is not one (an old id in stored data). */
export function localityName(id: string, data: LocalityData = localityData()): string {
  return localityById(id, data)?.name ?? id;
}

/** The locality a person names by id or by name, any case ("north", "North Dorset"). */
export function findLocality(wanted: string, data: LocalityData = localityData()): DorsetLocality | undefined {
  const key = wanted.trim().toLowerCase();
  return data.localities.find((l) => l.id === key || l.name.toLowerCase() === key);
}
