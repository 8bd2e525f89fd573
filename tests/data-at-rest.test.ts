/**
 * Issue 15, finding 2: the data directory is private and what a family typed does not linger
 * in the bytes of any file under DATA_DIR (including -wal and -shm) once it has been purged.
 */
import { mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StaffAccounts } from '../handover/staff-accounts.js';
import { contactSteps, REFERENCE, say, SEND, TRIAGE_ANSWERS, triageToResult } from './helpers/bot-turns.js';
import { startService, type TestService } from './helpers/service.js';

let service: TestService;
const dataDir = join(mkdtempSync(join(tmpdir(), 'deal-rest-')), 'data'); // created by the service

beforeAll(async () => {
  service = await startService({}, dataDir);
});
afterAll(async () => {
  await service?.stop();
});

const MARKERS = ['Zephyrine Quillmarker', 'zephyr.quillmarker@example.org', 'wombatmarker', 'declinedmarker'];
const ERASE_MARKERS = ['Quentin Erasemarker', 'quentin.erasemarker@example.org', 'numbatmarker'];

/** Every file under the data directory, with its bytes. */
function filesUnder(dir: string): { path: string; bytes: Buffer; mode: number }[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    return e.isDirectory() ? filesUnder(path) : [{ path, bytes: readFileSync(path), mode: statSync(path).mode & 0o777 }];
  });
}

/** The markers found in any file's bytes, with the file. */
const markersOnDisk = (markers = MARKERS) => filesUnder(dataDir).flatMap((f) => markers.filter((m) => f.bytes.includes(Buffer.from(m))).map((m) => `${m} in ${f.path}`));

async function handoverWithMarkers(id = 'rest-handover', markers = MARKERS): Promise<string> {
  const answers = { ...TRIAGE_ANSWERS, concern: { text: `${markers[2]}: several cycles of SEN support with speech therapy advice, needs exceed what school can do` } };
  for (const posted of await triageToResult(service.url, id, answers, { text: 'talk to a person' })) expect(posted.status).toBe(200);
  for (const t of contactSteps({ name: markers[0]!, email: markers[1]! })) expect((await say(service.url, id, t)).status).toBe(200);
  const sent = await say(service.url, id, SEND);
  return REFERENCE.exec(sent.text)![0];
}

describe('files under DATA_DIR', () => {
  it('the directory is 0700 and every database file, -wal and -shm included, is 0600', async () => {
    await say(service.url, 'rest-modes', 'how do i apply for an ehcp');
    expect(statSync(dataDir).mode & 0o777).toBe(0o700);
    const files = filesUnder(dataDir);
    expect(files.map((f) => f.path)).toEqual(expect.arrayContaining([join(dataDir, 'conversations.sqlite'), join(dataDir, 'handovers.sqlite'), join(dataDir, 'conversations.sqlite-wal')]));
    for (const f of files) expect(f.mode.toString(8), f.path).toBe('600');
  });

  it('after a declined consent, a handover, its closing and the retention purge, no marker is left in any file', async () => {
    // A family that declines: what they typed is theirs.
    await say(service.url, 'rest-declined', 'declinedmarker my son is struggling at school');
    await say(service.url, 'rest-declined', 'talk to a person');
    const reference = await handoverWithMarkers();
    expect(markersOnDisk().length).toBeGreaterThan(0); // the test can see them while they are kept

    await service.store.resolveHandover(reference, { email: 'lead@example.org', role: 'lead', localityId: null }, 'advice-given');
    const later = new Date(Date.now() + 400 * 86_400_000); // past the retention period and every conversation's TTL
    await service.housekeeping(later);
    expect((await service.store.getHandover(reference))!.purgedAt).not.toBeNull();
    expect(markersOnDisk()).toEqual([]);
  });
});

/** Runs the real `deal` command against this data directory, while the bot keeps running. */
function deal(args: string[]) {
  const r = spawnSync(process.execPath, ['bin/deal.js', ...args], { cwd: join(import.meta.dirname, '..'), env: { ...process.env, DATA_DIR: dataDir }, encoding: 'utf8' });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe('erasure on request (issue 15, finding 9)', () => {
  it('deal handovers export gives everything held; deal handovers erase removes it at once, open or not, from every file', async () => {
    const reference = await handoverWithMarkers('rest-erase', ERASE_MARKERS);
    const exported = deal(['handovers', 'export', reference]);
    expect(exported.code, exported.err).toBe(0);
    const record = JSON.parse(exported.out) as { handover: { contact: { name: string; detail: string } }; events: unknown[] };
    expect(record.handover.contact).toMatchObject({ name: ERASE_MARKERS[0], detail: ERASE_MARKERS[1] });
    expect(markersOnDisk(ERASE_MARKERS).length).toBeGreaterThan(0);

    expect(deal(['handovers', 'erase', reference]).code).toBe(2); // usage: a reason is required
    const erased = deal(['handovers', 'erase', reference, '--reason', 'the family asked by phone']);
    expect(erased.code, erased.err).toBe(0);
    expect(erased.out).toMatch(/1 conversation mentioning it deleted/);
    const after = (await service.store.getHandover(reference))!;
    expect(after).toMatchObject({ status: 'closed', contact: null, outcome: 'withdrawn' });
    expect(after.purgedAt).not.toBeNull();
    expect((await service.store.listAudit(reference)).map((e) => [e.action, e.detail.reason ?? null])).toEqual([
      ['handover-exported', null],
      ['handover-erased', 'the family asked by phone'],
    ]);
    expect(markersOnDisk(ERASE_MARKERS)).toEqual([]);
  });

  it('a lead can erase from the staff page; an officer cannot', async () => {
    const { sampleDraft } = await import('./fixtures/handover-draft.js');
    const h = await service.store.createHandover(sampleDraft({}, 'routine', 'north'));
    const accounts = new StaffAccounts(service.store);
    await accounts.addStaff('lead.erase@example.org', { lead: true, password: 'lead erase passphrase' });
    await accounts.addStaff('officer.erase@example.org', { localityId: 'north', password: 'officer erase passphrase' });
    const post = async (email: string, password: string) => {
      const session = await accounts.createSession((await accounts.verifyPassword(email, password))!);
      const cookie = `deal_staff_session=${session.token}`;
      const page = await (await fetch(`${service.url}/staff/handovers/${h.reference}`, { headers: { cookie } })).text();
      const csrf = /name="_csrf" value="([^"]+)"/.exec(page)![1]!;
      return {
        page,
        res: await fetch(`${service.url}/staff/handovers/${h.reference}/erase`, {
          method: 'POST', redirect: 'manual',
          headers: { cookie, 'content-type': 'application/x-www-form-urlencoded', origin: service.url },
          body: new URLSearchParams({ _csrf: csrf, reason: 'asked at a meeting' }).toString(),
        }),
      };
    };
    const officer = await post('officer.erase@example.org', 'officer erase passphrase');
    expect(officer.page).not.toContain('Erase personal data');
    expect(officer.res.status).toBe(404);
    expect((await service.store.getHandover(h.reference))!.purgedAt).toBeNull();
    const lead = await post('lead.erase@example.org', 'lead erase passphrase');
    expect(lead.page).toContain('Erase personal data');
    expect(lead.res.status).toBe(303);
    expect((await service.store.getHandover(h.reference))!.contact).toBeNull();
    expect((await service.store.listAudit(h.reference)).at(-1)).toMatchObject({ action: 'handover-erased', actor: 'lead.erase@example.org' });
  });
});
