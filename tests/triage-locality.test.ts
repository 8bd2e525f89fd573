import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import {
  editDistance,
  loadLocalities,
  localityData,
  normaliseTown,
  postcodeDistrict,
  resolveLocality,
  shouldAskForTown,
  type LocalityInput,
} from '../triage/locality.js';

const localityOf = (input: LocalityInput): string | null => {
  const r = resolveLocality(input);
  return r.status === 'dorset' ? r.locality.id : null;
};
const status = (input: LocalityInput): string => resolveLocality(input).status;

describe('postcodeDistrict', () => {
  it.each([
    ['DT4 7AB', 'DT4'],
    ['dt4 7ab', 'DT4'],
    ['dt47ab', 'DT4'],
    ['dt4', 'DT4'],
    ['  Dt4  ', 'DT4'],
    ['DT11 7AB', 'DT11'],
    ['DT117AB', 'DT11'],
    ['DT11AB', 'DT1'],
    ['DT11', 'DT11'],
    ['bh231aa', 'BH23'],
    ['BH23 1AA', 'BH23'],
    ['sp7 8', 'SP7'],
    ['SW1A 1AA', 'SW1A'],
    ['TA1', 'TA1'],
  ])('%s -> %s', (raw, district) => {
    expect(postcodeDistrict(raw)).toBe(district);
  });

  it.each(['', 'zz', 'Weymouth', '12345', 'DT', '4DT 7AB'])('cannot read %j', (raw) => {
    expect(postcodeDistrict(raw)).toBeNull();
  });
});

describe('Dorset Council postcode districts (domain.md)', () => {
  it.each([
    ['DT1', 'south'],
    ['DT3', 'south'],
    ['DT4', 'south'],
    ['DT5', 'south'],
    ['DT6', 'west'],
    ['DT8', 'west'],
    ['DT10', 'north'],
    ['DT11', 'north'],
    ['SP8', 'north'],
    ['BH19', 'east'],
    ['BH20', 'east'],
    ['BH31', 'east'],
  ])('%s is %s', (postcode, id) => {
    expect(localityOf({ postcode })).toBe(id);
  });

  it.each(['DT2', 'DT7', 'DT9', 'SP7', 'BH16', 'BH21', 'BH22'])('%s straddles a boundary: ambiguous, ask for the town', (postcode) => {
    const r = resolveLocality({ postcode });
    expect(r.status).toBe('ambiguous');
    if (r.status !== 'ambiguous') return;
    expect(r.reason).toMatch(new RegExp(`could not tell which area.*${postcode}.*ask for the town`, 'i'));
    expect(r.candidates.length).toBeGreaterThanOrEqual(2);
    expect(shouldAskForTown({ postcode })).toBe(true);
  });

  it('every Dorset Council district from domain.md is listed', () => {
    const districts = localityData().districts;
    for (const d of ['DT1', 'DT2', 'DT3', 'DT4', 'DT5', 'DT6', 'DT7', 'DT8', 'DT9', 'DT10', 'DT11', 'SP7', 'SP8', 'BH16', 'BH19', 'BH20', 'BH21', 'BH22', 'BH31']) {
      const places = districts.get(d);
      expect(places, d).toBeDefined();
      expect(places!.some((p) => ['north', 'west', 'south', 'east'].includes(p)), d).toBe(true);
    }
  });
});

describe('out-of-area postcodes', () => {
  const council = (input: LocalityInput): string | null => {
    const r = resolveLocality(input);
    return r.status === 'out-of-area' ? r.councilId : null;
  };
  it('BCP: BH1-BH15, BH17, BH18, BH23', () => {
    for (let n = 1; n <= 15; n++) expect(council({ postcode: `BH${n} 1AA` })).toBe('bcp');
    for (const d of ['BH17', 'bh18', 'bh23 1aa']) expect(council({ postcode: d })).toBe('bcp');
  });
  it('Hampshire: BH24, BH25; Somerset: BA20-22 and TA; Devon: EX; Wiltshire: SP1-SP4 (SP5 straddles: Sixpenny Handley is Dorset)', () => {
    expect(council({ postcode: 'BH24 1AA' })).toBe('hampshire');
    expect(council({ postcode: 'BH25' })).toBe('hampshire');
    for (const d of ['BA20', 'BA21 4AB', 'ba22', 'TA1 2AB', 'ta20']) expect(council({ postcode: d })).toBe('somerset');
    for (const d of ['EX1 1AA', 'ex13']) expect(council({ postcode: d })).toBe('devon');
    for (const d of ['SP1', 'SP2 7AB', 'SP3', 'SP4']) expect(council({ postcode: d })).toBe('wiltshire');
    expect(resolveLocality({ postcode: 'SP5' }).status).toBe('ambiguous');
    expect(resolveLocality({ postcode: 'SP5', town: 'Sixpenny Handley' })).toMatchObject({ status: 'dorset', locality: { id: 'east' } });
  });
  it('gives the council name, where to go, and a contact id only from contacts.yaml', () => {
    const r = resolveLocality({ postcode: 'BH23 1AA' });
    expect(r).toMatchObject({ status: 'out-of-area', council: expect.stringMatching(/BCP Council/), contact: 'bcp-council' });
    const contacts = new Set(
      (parse(readFileSync(new URL('../knowledge/contacts.yaml', import.meta.url), 'utf8')) as { id: string }[]).map((c) => c.id),
    );
    for (const c of localityData().councils) {
      if (c.contact !== null) expect(contacts.has(c.contact), `${c.id}: ${c.contact}`).toBe(true);
      expect(c.whereToGo, c.id).not.toMatch(/\d{4,}|https?:|www\.|@/);
    }
  });
  it('an unlisted district is unknown, not guessed', () => {
    for (const postcode of ['SW1A 1AA', 'DT12', 'BH99', 'BA1']) {
      expect(status({ postcode }), postcode).toBe('unknown');
      expect(shouldAskForTown({ postcode })).toBe(true);
    }
  });
});

describe('towns', () => {
  it.each([
    ['North', ['Blandford', 'Blandford Forum', 'Gillingham', 'Shaftesbury', 'Sherborne', 'Sturminster Newton', 'Stalbridge'], 'north'],
    ['West', ['Bridport', 'Lyme Regis', 'Beaminster', 'Charmouth'], 'west'],
    ['South', ['Dorchester', 'Weymouth', 'Portland', 'Crossways'], 'south'],
    ['East', ['Wimborne', 'Ferndown', 'Verwood', 'Wareham', 'Swanage', 'Corfe Castle', 'Upton', 'Lytchett Matravers'], 'east'],
  ])('%s Dorset towns', (_, towns, id) => {
    for (const town of towns) expect(localityOf({ town }), town).toBe(id);
  });

  it('tolerates case, punctuation, "near", ", Dorset" and small typos', () => {
    expect(localityOf({ town: 'WEYMOUTH' })).toBe('south');
    expect(localityOf({ town: 'weymouth, dorset' })).toBe('south');
    expect(localityOf({ town: 'Weymoth' })).toBe('south');
    expect(localityOf({ town: 'Dorchster' })).toBe('south');
    expect(localityOf({ town: 'Wimbourne' })).toBe('east');
    expect(localityOf({ town: 'Shaftsbury' })).toBe('north');
    expect(localityOf({ town: 'Birdport' })).toBe('west');
    expect(localityOf({ town: 'lyme-regis' })).toBe('west');
    expect(localityOf({ town: 'Upton near Poole' })).toBe('east');
    expect(localityOf({ town: 'St. Leonards' })).toBe('east');
    expect(localityOf({ town: 'Saint Leonards' })).toBe('east');
    expect(localityOf({ town: 'North Dorset' })).toBe('north');
  });

  it('does not stretch short names into other towns', () => {
    expect(status({ town: 'Pool' })).toBe('unknown'); // not Poole, not Wool
    expect(localityOf({ town: 'Wool' })).toBe('east');
    expect(resolveLocality({ town: 'Poole' })).toMatchObject({ status: 'out-of-area', councilId: 'bcp' });
  });

  it('out-of-area towns', () => {
    for (const [town, id] of [['Christchurch', 'bcp'], ['Bournmouth', 'bcp'], ['Ringwood', 'hampshire'], ['Yeovil', 'somerset'], ['Salisbury', 'wiltshire'], ['Axminster', 'devon']] as const) {
      expect(resolveLocality({ town }), town).toMatchObject({ status: 'out-of-area', councilId: id });
    }
  });

  it('a town that could be in two localities is ambiguous; one that is in the same locality is fine', () => {
    const r = resolveLocality({ town: 'Sturminster' });
    expect(r).toMatchObject({ status: 'ambiguous', candidates: ['North Dorset', 'East Dorset'] });
    expect(localityOf({ town: 'Lytchett' })).toBe('east');
  });

  it('an unknown town says so and asks', () => {
    const r = resolveLocality({ town: 'Atlantis' });
    expect(r.status).toBe('unknown');
    if (r.status !== 'unknown') return;
    expect(r.reason).toMatch(/could not tell which area.*Atlantis.*ask for the town/);
    expect(r.ask).toMatch(/\?$/);
  });
});

describe('postcode and town together', () => {
  it('the town settles a straddling district', () => {
    expect(localityOf({ postcode: 'BH21 1AA', town: 'Wimborne' })).toBe('east');
    expect(resolveLocality({ postcode: 'BH21', town: 'Merley' })).toMatchObject({ status: 'out-of-area', councilId: 'bcp' });
    expect(localityOf({ postcode: 'DT2', town: 'Crossways' })).toBe('south');
    expect(localityOf({ postcode: 'DT2', town: 'Maiden Newton' })).toBe('west');
    expect(localityOf({ postcode: 'DT7 3AA', town: 'Lyme Regis' })).toBe('west');
    expect(resolveLocality({ postcode: 'DT7', town: 'Uplyme' })).toMatchObject({ status: 'out-of-area', councilId: 'devon' });
  });

  it('a clear postcode beats an unknown or vague town', () => {
    expect(localityOf({ postcode: 'DT4 7AB', town: 'Atlantis' })).toBe('south');
    expect(localityOf({ postcode: 'DT4 7AB', town: 'West' })).toBe('south');
  });

  it('an unreadable postcode falls back to the town', () => {
    expect(localityOf({ postcode: 'zz', town: 'Bridport' })).toBe('west');
  });

  it('a postcode and town that disagree are ambiguous', () => {
    const r = resolveLocality({ postcode: 'DT4', town: 'Poole' });
    expect(r.status).toBe('ambiguous');
    if (r.status === 'ambiguous') expect(r.reason).toMatch(/DT4.*Poole.*ask for the town/);
  });

  it('a straddling district with an unknown town stays ambiguous', () => {
    expect(status({ postcode: 'BH16', town: 'Atlantis' })).toBe('ambiguous');
  });

  it('nothing given: unknown, ask for town or postcode', () => {
    for (const input of [{}, { postcode: '', town: '  ' }]) {
      const r = resolveLocality(input);
      expect(r.status).toBe('unknown');
      expect(shouldAskForTown(input)).toBe(true);
      if (r.status === 'unknown') expect(r.ask).toMatch(/postcode/);
    }
  });

  it('shouldAskForTown is false once we know', () => {
    expect(shouldAskForTown({ town: 'Weymouth' })).toBe(false);
    expect(shouldAskForTown({ postcode: 'BH23' })).toBe(false);
    expect(shouldAskForTown(resolveLocality({ postcode: 'DT1' }))).toBe(false);
  });
});

describe('helpers', () => {
  it('normaliseTown', () => {
    expect(normaliseTown("  St. Leonard's & St Ives ")).toBe('st leonards and st ives');
    expect(normaliseTown('Saint Leonards')).toBe('st leonards');
  });
  it('editDistance counts a swap as one', () => {
    expect(editDistance('weymouth', 'weymouth')).toBe(0);
    expect(editDistance('weymoth', 'weymouth')).toBe(1);
    expect(editDistance('brdiport', 'bridport')).toBe(1);
    expect(editDistance('', 'abc')).toBe(3);
  });
});

describe('localities.yaml', () => {
  type Data = Record<string, unknown> & { localities: { id: string; towns: string[] }[]; districts: Record<string, unknown> };
  const original = parse(readFileSync(new URL('../triage/localities.yaml', import.meta.url), 'utf8')) as Data;
  const dir = join(mkdtempSync(join(tmpdir(), 'loc-')), 'triage');
  mkdirSync(dir);
  const write = (mutate: (d: Data) => void): string => {
    const data = structuredClone(original);
    mutate(data);
    const file = join(dir, 'localities.yaml');
    writeFileSync(file, stringify(data));
    return file;
  };

  it('has the four default localities and the safeguarding queue, and says the service confirms boundaries', () => {
    expect(localityData().localities).toEqual([
      { id: 'north', name: 'North Dorset' },
      { id: 'west', name: 'West Dorset' },
      { id: 'south', name: 'South Dorset' },
      { id: 'east', name: 'East Dorset' },
      { id: 'safeguarding', name: "Children's Advice and Duty Service" },
    ]);
    expect(localityData().safeguarding.id).toBe('safeguarding');
    // A queue, not a place: no town or postcode resolves to it.
    expect(resolveLocality({ town: "Children's Advice and Duty Service" }).status).not.toBe('dorset');
    expect(readFileSync(new URL('../triage/localities.yaml', import.meta.url), 'utf8')).toMatch(/service confirms names and boundaries/i);
  });

  it('loads an unchanged copy', () => {
    expect(loadLocalities(write(() => {})).districts.size).toBe(localityData().districts.size);
  });

  it.each([
    ['an unknown place in districts', (d: Data): void => void (d.districts.DT1 = 'sotuh'), /triage\/localities\.yaml: districts\.DT1: unknown place 'sotuh'/],
    ['a bad district code', (d: Data): void => void (d.districts['dt1x9'] = 'south'), /triage\/localities\.yaml: districts\.dt1x9: must be a postcode district/],
    ['a town in two places', (d: Data): void => void d.localities[0]!.towns.push('Weymouth'), /localities\.south: town 'Weymouth' is also listed under 'north'/],
    ['a duplicate place id', (d: Data): void => void (d.localities[1]!.id = 'north'), /place id 'north' is used twice/],
  ] as const)('rejects %s', (_, mutate, message) => {
    expect(() => loadLocalities(write(mutate))).toThrow(message);
  });
});
