/**
 * Issue 15, finding 2: the data directory is private and what a family typed does not linger
 * in the bytes of any file under DATA_DIR (including -wal and -shm) once it has been purged.
 */
import { mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contactSteps, REFERENCE, say, SEND, TRIAGE_TO_HANDOVER } from './helpers/bot-turns.js';
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

/** Every file under the data directory, with its bytes. */
function filesUnder(dir: string): { path: string; bytes: Buffer; mode: number }[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    return e.isDirectory() ? filesUnder(path) : [{ path, bytes: readFileSync(path), mode: statSync(path).mode & 0o777 }];
  });
}

/** The markers found in any file's bytes, with the file. */
const markersOnDisk = () => filesUnder(dataDir).flatMap((f) => MARKERS.filter((m) => f.bytes.includes(Buffer.from(m))).map((m) => `${m} in ${f.path}`));

async function handoverWithMarkers(): Promise<string> {
  const id = 'rest-handover';
  await say(service.url, id, 'talk to a person');
  const turns = TRIAGE_TO_HANDOVER.map((t, i) => (i === 6 ? { text: 'wombatmarker: several cycles of SEN support with speech therapy advice, needs exceed what school can do' } : t));
  for (const t of [...turns, ...contactSteps({ name: MARKERS[0]!, email: MARKERS[1]! })]) expect((await say(service.url, id, t)).status).toBe(200);
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
