/**
 * What every port's contract suite shares: the harness a store test supplies, the staff it
 * acts as, and `useContract`, which gives each test a fresh database and store.
 */
import { afterEach, beforeEach } from 'vitest';
import type { StaffPrincipal } from '../../../handover/schema.js';
import type { HandoverStore, OutboxRow } from '../../../handover/store.js';

/** A store as the contract sees it: every port, plus the outbox rows of a handover. */
export interface ContractStore extends HandoverStore {
  outboxFor(reference: string): OutboxRow[] | Promise<OutboxRow[]>;
}

export interface StoreHarness {
  /** A new store (its own connection or pool) on this test's database. */
  open(options?: { clock?: () => Date; newReference?: () => string }): Promise<ContractStore>;
  /** Raw SQL on a separate connection, `?` placeholders; the rows it returns (none for writes). */
  query(sql: string, params?: unknown[]): Promise<Record<string, unknown>[]>;
  /** Makes every insert into `table` fail with `message`, as a fault in the database would. */
  failInserts(table: string, message: string): Promise<void>;
  clearFailure(table: string): Promise<void>;
  /** Closes the extra connection and deletes the database. */
  dispose(): Promise<void>;
}

export const DAY = 86_400_000;
export const FAST_SCRYPT = { N: 2 ** 12, r: 8, p: 1 };

export const northOfficer: StaffPrincipal = { email: 'officer.north@dorsetcouncil.gov.uk', role: 'officer', localityId: 'north' };
export const westOfficer: StaffPrincipal = { email: 'officer.west@dorsetcouncil.gov.uk', role: 'officer', localityId: 'west' };
export const lead: StaffPrincipal = { email: 'lead@dorsetcouncil.gov.uk', role: 'lead', localityId: null };

/** What each test of a suite works with; `now` is the stores' clock, and a test may move it or reopen `store`. */
export interface ContractContext {
  harness: StoreHarness;
  store: ContractStore;
  now: Date;
  /** Another store on the same database, on the same clock. */
  open(extra?: { newReference?: () => string }): Promise<ContractStore>;
  /** Rows in a table, counted on the harness's own connection. */
  count(table: string): Promise<number>;
  /** Rows in handovers, handover_events and outbox. */
  counts(): Promise<number[]>;
}

/** A fresh database and store for each test of the enclosing `describe` (Monday 2 June 2025, 10:00 in London). */
export function useContract(makeHarness: () => Promise<StoreHarness>): ContractContext {
  const t = {
    now: new Date(0),
    open: (extra = {}) => t.harness.open({ clock: () => t.now, ...extra }),
    count: async (table) => Number((await t.harness.query(`SELECT count(*) AS n FROM ${table}`))[0]!.n),
    counts: () => Promise.all([t.count('handovers'), t.count('handover_events'), t.count('outbox')]),
  } as ContractContext;
  beforeEach(async () => {
    t.now = new Date('2025-06-02T09:00:00Z');
    t.harness = await makeHarness();
    t.store = await t.open();
  });
  afterEach(async () => {
    await t.store.close();
    await t.harness.dispose();
  });
  return t;
}
