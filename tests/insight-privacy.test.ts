/**
 * The insight store holds no personal data: names, phone numbers, emails, postcodes, dates
 * of birth and references typed into real conversations (through /api/messages) never reach
 * its file's bytes, while the redacted short questions and the anonymous outcomes do. Also:
 * the file is private (0600), and the retention timer purges old rows.
 */
import { readFileSync, existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { INSIGHT_DB_FILE, InsightStore } from '../insight/store.js';
import { contactSteps, SEND, triageToResult } from './helpers/bot-turns.js';
import { chat, openChat } from './helpers/insight-chat.js';
import { startService, type TestService } from './helpers/service.js';

const MARKERS = {
  names: ['Zorblatt', 'Quenby', 'Quillondra', 'Marvolo', 'Tibbetson'],
  phones: ['07700 900461', '07700900461', '01305 987654'],
  emails: ['marker.parent@example.org', 'zq.family@example.net'],
  postcodes: ['DT11 7QZ', 'DT117QZ', 'BH21 4XY'],
  dates: ['14/03/2016', '14th March 2016'],
};

const MESSAGES = [
  'my son is called Zorblatt Quenby, is there a trampoline park discount',
  'can I get a blue badge parking permit, call me on 07700 900461',
  'when are the bins collected at DT11 7QZ',
  'my daughter Quillondra needs a trampoline, email marker.parent@example.org',
  'what is the best respite for twins, my name is Marvolo, 01305 987654',
  'my son was born on 14/03/2016 and is called Tibbetson, where can we go swimming in the holidays',
  'is there a dog grooming course for teens, email zq.family@example.net or 07700900461',
  'my son Zorblatt is 9 and has autism and we live in BH21 4XY and he was born 14th March 2016 and the school keep calling me about him and I do not know who to ask about it all really',
  'what is an EHCP? my son is called Zorblatt',
  'Marvolo Tibbetson',
  'quenby zorblatt',
];

let service: TestService;
let kinds: string[] = [];

beforeAll(async () => {
  service = await startService();
  let n = 0;
  for (const message of MESSAGES) {
    const id = `privacy-${n++}`;
    await openChat(service.url, id);
    kinds.push(...(await chat(service.url, id, message)).map((o) => o.kind));
  }
  // A handover with a marker name and email in the contact steps.
  const id = 'privacy-handover';
  await openChat(service.url, id);
  await triageToResult(service.url, id, undefined, { text: 'talk to a person' });
  for (const turn of contactSteps({ name: 'Quenby Tibbetson', email: 'marker.parent@example.org' })) await chat(service.url, id, turn);
  kinds.push(...(await chat(service.url, id, SEND)).map((o) => o.kind));
}, 120_000);

afterAll(async () => {
  await service?.stop();
});

function rawBytes(): string {
  const file = join(service.dataDir, INSIGHT_DB_FILE);
  return [file, `${file}-wal`, `${file}-shm`].filter(existsSync).map((f) => readFileSync(f).toString('latin1')).join('\n');
}

describe('the insight store', () => {
  it('covers unanswered questions of every kind and a handover', () => {
    expect(kinds).toEqual(expect.arrayContaining(['not-sure', 'out-of-scope', 'clarify', 'answer', 'receipt']));
  });

  it('never holds a marker name, phone, email, postcode or date of birth in its raw bytes', () => {
    const bytes = rawBytes().toLowerCase();
    const everyForm = Object.values(MARKERS).flat();
    for (const marker of everyForm) {
      expect(bytes, marker).not.toContain(marker.toLowerCase());
      // Also not in UTF-16 or with the spaces squeezed out.
      expect(bytes, marker).not.toContain(marker.toLowerCase().replace(/\s/g, ''));
    }
    expect(bytes).not.toContain('deal-');
    expect(bytes).not.toContain('privacy-'); // no conversation ids
    expect(bytes).not.toContain('user-'); // no user ids
  });

  it('keeps short unanswered questions redacted, and counts long ones', () => {
    const store = new InsightStore({ dataDir: service.dataDir });
    try {
      const rows = store.rows(0, Date.now() + 3_600_000);
      const questions = rows.map((r) => r.question).filter((q): q is string => q !== null);
      expect(questions).toContain('my son is called [name], is there a trampoline park discount');
      expect(questions.some((q) => q.includes('[phone]'))).toBe(true);
      expect(questions.some((q) => q.includes('[postcode]'))).toBe(true);
      expect(questions.some((q) => q.includes('[email]'))).toBe(true);
      expect(rows.some((r) => r.questionTooLong)).toBe(true);
      expect(rows.filter((r) => r.event === 'opened')).toHaveLength(MESSAGES.length + 1);
      for (const r of rows) expect(r.hour % 3_600_000).toBe(0);
    } finally {
      store.close();
    }
  });

  it('is readable by this user only', () => {
    const file = join(service.dataDir, INSIGHT_DB_FILE);
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });

  it('is purged by the retention timer after INSIGHT_RETENTION_DAYS (default 90)', async () => {
    await service.housekeeping(new Date(Date.now() + 89 * 86_400_000));
    const store = new InsightStore({ dataDir: service.dataDir });
    try {
      expect(store.rows(0, Date.now() + 3_600_000).length).toBeGreaterThan(0);
      await service.housekeeping(new Date(Date.now() + 91 * 86_400_000));
      expect(store.rows(0, Date.now() + 3_600_000)).toHaveLength(0);
    } finally {
      store.close();
    }
  });
});
