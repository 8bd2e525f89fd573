/**
 * Tell it once: what a family typed in the chat reaches the officer. A conversation through
 * the real /api/messages ends in a handover; the officer's page shows the understood facts
 * (age, setting, town, needs) and the concern in the family's own words, first and as labels.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StaffAccounts } from '../handover/staff-accounts.js';
import { contactSteps, REFERENCE, say, SEND, stepOf } from './helpers/bot-turns.js';
import { startService, type TestService } from './helpers/service.js';

const PASSWORD = 'correct horse battery staple';
const OFFICER = 'south.officer@dorsetcouncil.gov.uk';
const STORY =
  "Hi, my son is 9 and in Year 4 at a primary school in Weymouth. He is autistic and really struggling with reading, he comes home in tears most days. The school hasn't put any SEN support in place and he has no EHCP.";

let service: TestService;
beforeAll(async () => {
  service = await startService();
  await new StaffAccounts(service.store, { scrypt: { N: 2 ** 10, r: 8, p: 1 } }).addStaff(OFFICER, { localityId: 'south', password: PASSWORD });
});
afterAll(async () => service?.stop());

const cookiesOf = (res: Response) => new Map(res.headers.getSetCookie().map((c) => c.split(';')[0]!.split('=') as [string, string]));
const text = (html: string) => html.replace(/<[^>]+>/g, ' ').replace(/&#39;/g, "'").replace(/&quot;/g, '"').replace(/&amp;/g, '&').replace(/\s+/g, ' ');

async function signIn(): Promise<string> {
  const page = await fetch(`${service.url}/staff/login`);
  const login = cookiesOf(page).get('deal_staff_login')!;
  const csrf = /name="_csrf" value="([^"]+)"/.exec(await page.text())![1]!;
  const res = await fetch(`${service.url}/staff/login`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: `deal_staff_login=${login}` },
    body: new URLSearchParams({ email: OFFICER, password: PASSWORD, _csrf: csrf }).toString(),
  });
  expect(res.status).toBe(303);
  return `deal_staff_session=${cookiesOf(res).get('deal_staff_session')}`;
}

describe('the handover carries the family story', () => {
  it('shows the officer the age, setting, town, needs and the family\'s words, with nothing re-asked', async () => {
    const conv = 'story-1';
    await say(service.url, conv, STORY);
    let last = await say(service.url, conv, 'can someone help me');
    const asked: string[] = [];
    const answers: Record<string, string> = { externalAdvice: 'no', safety: 'no', diagnosis: 'yes' };
    for (let i = 0; i < 10 && stepOf(last.text) !== 'confirm'; i++) {
      const step = stepOf(last.text)!;
      asked.push(step);
      last = await say(service.url, conv, { text: answers[step] ?? 'skip' });
    }
    for (const told of ['age', 'setting', 'place', 'senSupport', 'ehcp']) expect(asked).not.toContain(told);
    await say(service.url, conv, { value: { action: 'triage-confirm' } });
    await say(service.url, conv, 'talk to a person');
    for (const turn of contactSteps({ name: 'Sam Example', email: 'sam@example.org' })) await say(service.url, conv, turn);
    const sent = await say(service.url, conv, SEND);
    const reference = REFERENCE.exec(sent.text)![0];

    const stored = await service.store.getHandover(reference);
    expect(stored?.story?.facts).toMatchObject({ childAge: 9, setting: 'mainstream-school', town: 'Weymouth', senSupport: 'none', ehcp: 'none' });
    expect(stored?.story?.concern).toContain('comes home in tears');

    const cookie = await signIn();
    const page = await fetch(`${service.url}/staff/handovers/${reference}`, { headers: { cookie } });
    expect(page.status).toBe(200);
    const shown = text(await page.text());
    expect(shown).toMatch(/What the family told us/);
    expect(shown).toMatch(/Age 9/);
    expect(shown).toMatch(/Setting Mainstream school/);
    expect(shown).toMatch(/Where Weymouth/);
    expect(shown).toMatch(/Needs [^]*Cognition and learning/);
    expect(shown).toContain('he comes home in tears most days');
    // Codes are for machines: the officer reads words.
    expect(shown).not.toMatch(/mainstream-school|cognition-learning/);
    // The reasons are written for the officer, as facts: never "You told us..." and never twice.
    const suggested = shown.slice(shown.indexOf('What the chat suggested'), shown.indexOf('Questions they asked'));
    expect(suggested).toMatch(/No SEN support is in place yet/);
    expect(suggested).not.toMatch(/\byou(r)?\b/i);
  });
});
