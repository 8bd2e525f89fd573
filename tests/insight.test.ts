/**
 * Insight end to end on a realistic month (May 2027), seeded through the real surfaces:
 * conversations through /api/messages (web chat and Teams, questions answered, clarified,
 * not sure and out of scope, safety responses, triage to handovers, a check-in that led to
 * one), at set hours of set days (Date is faked, timers are not), then handovers claimed
 * and resolved at set times through the store. Each figure is asserted on the page, in its
 * CSV and from the CLI; officers get 403; downloads and markers are audited; the marker
 * form needs the CSRF token. All of it on SQLite, and again on PostgreSQL when PG_TEST_URL is set.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { launchBrowser } from './helpers/browser.js';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { StaffAccounts } from '../handover/staff-accounts.js';
import type { StaffPrincipal } from '../handover/schema.js';
import { insightFigures } from '../cli/insight-commands.js';
import type { Figures } from '../insight/schema.js';
import { contactSteps, SEND, TRIAGE_ANSWERS, type Turn } from './helpers/bot-turns.js';
import { chat, openChat } from './helpers/insight-chat.js';
import { startService, type TestService } from './helpers/service.js';
import { StaffClient, tableRows, csvRows } from './helpers/insight-page.js';
import { dropSchema, PG_TEST_URL, testSchema } from './helpers/pg.js';
import type { Outcome } from '../conversation/outcome.js';

const PASSWORD = 'correct horse battery staple';
const FAST_SCRYPT = { N: 2 ** 10, r: 8, p: 1 };
const LEAD = 'insight.lead@dorsetcouncil.gov.uk';
const OFFICER = 'insight.officer@dorsetcouncil.gov.uk';
const PAGE_NOW = new Date('2027-06-01T09:00:00Z');
const PERIOD = { from: '2027-05-01', to: '2027-05-31' };
const DAYS = 31;

/** First messages, each with the outcome kinds its turn must have. */
const QUESTIONS: { text: string; kinds: string[] }[] = [
  { text: 'what is an ehcp', kinds: ['answer'] },
  { text: 'how do i apply for an ehcp', kinds: ['answer'] },
  { text: 'is there a trampoline park discount', kinds: ['not-sure'] },
  { text: 'trampoline park discount for autistic kids', kinds: ['not-sure'] },
  { text: 'when are the bins collected', kinds: ['out-of-scope'] },
  { text: 'where can we go swimming in the holidays', kinds: ['clarify'] },
  { text: 'what is the best respite for twins', kinds: ['not-sure'] },
  { text: 'what does SENCO mean?', kinds: ['glossary'] },
];

type Seeded = { turnsByDay: Record<string, number>; turns: number; conversations: { webchat: number; teams: number }; kinds: Record<string, number>; references: string[]; checkinReference: string | null; safety: Record<string, number> };

/** SQLite always; PostgreSQL (the outcomes, the handovers and the CLI reading them there) when PG_TEST_URL is set. */
const BACKENDS = [
  { name: 'SQLite', env: {} as Record<string, string> },
  ...(PG_TEST_URL ? [{ name: 'PostgreSQL', env: { DATABASE_URL: PG_TEST_URL, DATABASE_SCHEMA: testSchema('insight') } as Record<string, string> }] : []),
];

describe.each(BACKENDS)('insight on $name', ({ env }) => {
  let service: TestService;
  let lead: StaffClient;
  let officer: StaffClient;
  const seeded: Seeded = { turnsByDay: {}, turns: 0, conversations: { webchat: 0, teams: 0 }, kinds: {}, references: [], checkinReference: null, safety: {} };
  /** Set claim and resolve times, minutes after creation, by handover index. */
  const CLAIM_AFTER = [30, 90, 240, 600, 45, 20_000, 15, null];
  const RESOLVE_AFTER = [120, 600, null, 3000, 200, null, 60, null];

  const at = (day: number, hour: number) => new Date(Date.UTC(2027, 4, day, hour, 17));

  async function turn(id: string, t: Turn | string, channel: 'webchat' | 'msteams' = 'webchat'): Promise<Outcome[]> {
    seeded.turns++;
    const day = new Date().toISOString().slice(0, 10); // every seeded hour is 09:00 to 21:00 UTC, the same day in London
    seeded.turnsByDay[day] = (seeded.turnsByDay[day] ?? 0) + 1;
    const outcomes = await chat(service.url, id, t, channel);
    for (const o of outcomes) if (o.kind === 'safety' || o.kind === 'checkin') seeded.safety[o.safety ?? 'other'] = (seeded.safety[o.safety ?? 'other'] ?? 0) + 1;
    return outcomes;
  }

  async function open(id: string, channel: 'webchat' | 'msteams' = 'webchat') {
    await openChat(service.url, id, channel);
    seeded.conversations[channel === 'msteams' ? 'teams' : 'webchat']++;
  }

  /** Triage to a handover, answering by step; returns the reference. */
  async function handover(id: string, place: string): Promise<string> {
    await open(id);
    let outcomes = await turn(id, 'talk to a person');
    const answers: Record<string, Turn> = { ...TRIAGE_ANSWERS, place: { text: place } };
    for (let i = 0; i < 16; i++) {
      const step = [...outcomes].reverse().find((o) => o.step)?.step;
      if (!step || step === 'consent') break;
      outcomes = await turn(id, answers[step] ?? { text: 'skip' });
      if (step === 'confirm') break;
    }
    for (const t of contactSteps({ name: 'Alex Example', email: 'alex@example.org' })) await turn(id, t);
    const receipt = (await turn(id, SEND)).find((o) => o.kind === 'receipt');
    if (!receipt?.reference) throw new Error(`no receipt for ${id}`);
    return receipt.reference;
  }

  beforeAll(async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(at(1, 6));
    service = await startService(env);
    const places = ['Blandford', 'Weymouth', 'Bridport', 'Wimborne'];
    for (let day = 1; day <= DAYS; day++) {
      const count = 2 + (day % 3);
      for (let i = 0; i < count; i++) {
        vi.setSystemTime(at(day, 9 + i));
        const id = `may-${day}-${i}`;
        await open(id);
        const q = QUESTIONS[(day * 3 + i) % QUESTIONS.length]!;
        const kinds = (await turn(id, q.text)).map((o) => o.kind);
        expect(kinds, q.text).toEqual(q.kinds);
        seeded.kinds[q.kinds[0]!] = (seeded.kinds[q.kinds[0]!] ?? 0) + 1;
      }
      if (day % 5 === 0) {
        vi.setSystemTime(at(day, 14));
        const id = `a:teams-${day}`;
        await open(id, 'msteams');
        expect((await turn(id, 'what is an ehcp', 'msteams')).map((o) => o.kind)).toEqual(['answer']);
        seeded.kinds.answer = (seeded.kinds.answer ?? 0) + 1;
      }
      if (day % 4 === 1) {
        vi.setSystemTime(at(day, 10));
        seeded.references.push(await handover(`handover-${day}`, places[seeded.references.length % places.length]!));
      }
    }
    // A safety response, and a check-in that led to a handover.
    vi.setSystemTime(at(12, 20));
    await open('safety-1');
    expect((await turn('safety-1', 'my son said he wants to kill himself tonight')).map((o) => o.kind)).toContain('safety');
    vi.setSystemTime(at(13, 11));
    await open('checkin-1');
    const first = await turn('checkin-1', 'my ex gets really angry and the kids are scared of him');
    expect(first.map((o) => o.kind)).toContain('checkin');
    // The check-in comes with the usual answer (conversation/front-door.ts): that turn is an answer too.
    for (const kind of ['answer', 'clarify', 'not-sure', 'out-of-scope']) if (first.some((o) => o.kind === kind)) seeded.kinds[kind] = (seeded.kinds[kind] ?? 0) + 1;
    await turn('checkin-1', { value: { action: 'talk-to-person', reason: 'checkin' } });
    for (const t of contactSteps({ name: 'Sam Example', email: 'sam@example.org' })) await turn('checkin-1', t);
    seeded.checkinReference = (await turn('checkin-1', SEND)).find((o) => o.kind === 'receipt')?.reference ?? null;
    expect(seeded.checkinReference).toBeTruthy();

    // Claims and resolutions at set times, by an officer with the locality's rights (a lead can act on all).
    const actor: StaffPrincipal = { email: 'claims.lead@dorsetcouncil.gov.uk', role: 'lead', localityId: null };
    for (const [i, reference] of seeded.references.entries()) {
      const created = Date.parse((await service.store.getHandover(reference))!.createdAt);
      if (CLAIM_AFTER[i] != null) {
        vi.setSystemTime(new Date(created + CLAIM_AFTER[i]! * 60_000));
        await service.store.claimHandover(reference, actor);
      }
      if (RESOLVE_AFTER[i] != null) {
        vi.setSystemTime(new Date(created + RESOLVE_AFTER[i]! * 60_000));
        await service.store.resolveHandover(reference, actor, 'advice-given');
      }
    }

    vi.setSystemTime(PAGE_NOW);
    const accounts = new StaffAccounts(service.store, { scrypt: FAST_SCRYPT });
    await accounts.addStaff(LEAD, { lead: true, password: PASSWORD });
    await accounts.addStaff(OFFICER, { localityId: 'north', password: PASSWORD });
    lead = await StaffClient.signIn(`${service.url}/staff`, LEAD, PASSWORD);
    officer = await StaffClient.signIn(`${service.url}/staff`, OFFICER, PASSWORD);
  }, 240_000);

  afterAll(async () => {
    await service?.stop();
    vi.useRealTimers();
  });

  const query = `from=${PERIOD.from}&to=${PERIOD.to}`;
  let pageHtml = '';
  let figures: Figures;

  describe('the insight page for a month', () => {
    it('renders for a lead, with every chart as inline SVG without script', async () => {
      const res = await lead.get(`/insight?${query}`);
      expect(res.status).toBe(200);
      pageHtml = await res.text();
      expect(res.headers.get('content-security-policy')).toMatch(/script-src 'self'/);
      const svgs = pageHtml.match(/<svg[\s\S]*?<\/svg>/g) ?? [];
      expect(svgs.length).toBe(7);
      expect(pageHtml).not.toMatch(/<script/i);
      for (const svg of svgs) expect(svg).not.toMatch(/\son[a-z]+=|javascript:/i);
      figures = await insightFigures(PERIOD, { dataDir: service.dataDir, now: () => PAGE_NOW, env });
    });

    it('counts turns and conversations per day and per channel', async () => {
      expect(figures.totals.turns).toBe(seeded.turns);
      expect(figures.totals.conversations).toBe(seeded.conversations.webchat + seeded.conversations.teams);
      expect(figures.perChannel).toEqual([
        { channel: 'webchat', turns: seeded.turns - 6, conversations: seeded.conversations.webchat },
        { channel: 'teams', turns: 6, conversations: 6 },
      ]);
      expect(pageHtml).toContain(`data-figure="turns">${seeded.turns}<`);
      expect(pageHtml).toContain(`data-figure="conversations">${seeded.conversations.webchat + 6}<`);
      const perChannel = tableRows(pageHtml, 'turns-per-channel');
      expect(perChannel).toEqual([
        ['Web chat', String(seeded.turns - 6), String(seeded.conversations.webchat)],
        ['Teams', '6', '6'],
      ]);
      const perDay = tableRows(pageHtml, 'turns-per-day');
      expect(perDay).toHaveLength(DAYS);
      // Day 5: 2 + (5 % 3) = 4 web chats of one question each and a handover (5 conversations), and a Teams chat.
      const day5 = perDay.find((r) => r[0] === '2027-05-05')!;
      expect(day5).toEqual(['2027-05-05', String(seeded.turnsByDay['2027-05-05']! - 1), '5', '1', '1']);
      // Day 2: 4 web chats, no handover, no Teams.
      expect(perDay.find((r) => r[0] === '2027-05-02')).toEqual(['2027-05-02', '4', '4', '0', '0']);
      for (const row of perDay) expect(Number(row[1]) + Number(row[3]), row[0]).toBe(seeded.turnsByDay[row[0]!] ?? 0);
      expect(await lead.csv(`/insight/turns-per-day.csv?${query}`)).toEqual([['Day', 'Web chat turns', 'Web chat conversations', 'Teams turns', 'Teams conversations'], ...perDay]);
    });

    it('counts answered, clarified, not sure and out of scope', async () => {
      const expected = {
        answered: (seeded.kinds.answer ?? 0) + (seeded.kinds.glossary ?? 0),
        clarified: seeded.kinds.clarify ?? 0,
        notSure: seeded.kinds['not-sure'] ?? 0,
        outOfScope: seeded.kinds['out-of-scope'] ?? 0,
      };
      expect(figures.answers).toEqual(expected);
      const rows = tableRows(pageHtml, 'answers');
      expect(rows.map((r) => Number(r[1]))).toEqual([expected.answered, expected.clarified, expected.notSure, expected.outOfScope]);
      expect((await lead.csv(`/insight/answers.csv?${query}`)).slice(1)).toEqual(rows);
    });

    it('groups the unanswered questions by similarity, most frequent first', async () => {
      const trampoline = QUESTIONS.filter((q) => q.text.includes('trampoline'));
      const asked = (text: string) => {
        let n = 0;
        for (let day = 1; day <= DAYS; day++) for (let i = 0; i < 2 + (day % 3); i++) if (QUESTIONS[(day * 3 + i) % QUESTIONS.length]!.text === text) n++;
        return n;
      };
      const trampolineCount = trampoline.reduce((s, q) => s + asked(q.text), 0);
      const group = figures.unanswered.find((u) => u.questions.some((q) => q.includes('trampoline')))!;
      expect(group.count).toBe(trampolineCount);
      expect(group.questions.sort()).toEqual(trampoline.map((q) => q.text).sort());
      const counts = figures.unanswered.map((u) => u.count);
      expect(counts).toEqual([...counts].sort((a, b) => b - a));
      expect(figures.unanswered.map((u) => u.count).reduce((a, b) => a + b, 0)).toBe(figures.answers.notSure + figures.answers.clarified + figures.answers.outOfScope);
      const rows = tableRows(pageHtml, 'unanswered');
      expect(rows.map((r) => [r[0], r[1]])).toEqual(figures.unanswered.map((u) => [u.example, String(u.count)]));
      const csv = await lead.csv(`/insight/unanswered.csv?${query}`);
      expect(csv.slice(1).map((r) => [r[0], r[1]])).toEqual(figures.unanswered.map((u) => [u.example, String(u.count)]));
    });

    it('lets the content owner mark a group as covered or needing an article (CSRF-protected, stored, audited)', async () => {
      const group = figures.unanswered.find((u) => u.questions.some((q) => q.includes('trampoline')))!;
      const respite = figures.unanswered.find((u) => u.example.includes('respite'))!;
      const noToken = await lead.post(`/insight/markers?${query}`, { signature: group.signature, verdict: 'needs-article' }, { csrf: false });
      expect(noToken.status).toBe(403);
      const marked = await lead.post(`/insight/markers?${query}`, { signature: group.signature, verdict: 'needs-article' });
      expect(marked.status).toBe(303);
      const covered = await lead.post(`/insight/markers?${query}`, { signature: respite.signature, verdict: 'covered', articleId: 'disabled-children-social-care' });
      expect(covered.status).toBe(303);
      const after = await (await lead.get(`/insight?${query}`)).text();
      const rows = tableRows(after, 'unanswered');
      expect(rows.find((r) => r[0] === group.example)![4]).toBe('Needs an article');
      expect(rows.find((r) => r[0] === respite.example)![4]).toMatch(/^Covered by /);
      const audit = await service.store.listAudit();
      expect(audit.filter((a) => a.action === 'insight-marked').map((a) => a.detail.verdict)).toEqual(['needs-article', 'covered']);
    });

    it('shows routes by locality, handovers by locality and urgency', async () => {
      const total = figures.handoversByLocality.reduce((s, r) => s + r.count, 0);
      expect(total).toBe(seeded.references.length + 1);
      expect(figures.totals.handovers).toBe(seeded.references.length + 1);
      expect(figures.handoversByLocality.find((r) => r.locality === 'safeguarding')?.count).toBe(1);
      const localities = new Set(figures.handoversByLocality.map((r) => r.locality));
      expect([...localities].sort()).toEqual(['east', 'north', 'safeguarding', 'south', 'west']);
      // Every handover showed its routes first, the one that followed a check-in too.
      expect(figures.routesByLocality.reduce((s, r) => s + r.count, 0)).toBe(seeded.references.length + 1);
      const handoverRows = tableRows(pageHtml, 'handovers-by-locality');
      expect(handoverRows.map((r) => Number(r[2])).reduce((a, b) => a + b, 0)).toBe(total);
      expect((await lead.csv(`/insight/handovers-by-locality.csv?${query}`)).slice(1)).toEqual(handoverRows);
      const routeRows = tableRows(pageHtml, 'routes-by-locality');
      expect(routeRows.map((r) => Number(r[2])).reduce((a, b) => a + b, 0)).toBe(seeded.references.length + 1);
      expect((await lead.csv(`/insight/routes-by-locality.csv?${query}`)).slice(1)).toEqual(routeRows);
    });

    it('shows the share contacted within the service level and the median times to claim and resolve, per locality', async () => {
      const facts = await Promise.all([...seeded.references, seeded.checkinReference!].map((r) => service.store.getHandover(r)));
      // The check-in handover (last) was never claimed.
      const state = facts.map((h, i) => {
        const claimed = CLAIM_AFTER[i] != null ? Date.parse(h!.createdAt) + CLAIM_AFTER[i]! * 60_000 : null;
        const due = Date.parse(h!.dueAt);
        return claimed !== null ? (claimed <= due ? 'within' : 'missed') : PAGE_NOW.getTime() <= due ? 'pending' : 'missed';
      });
      const count = (s: string) => state.filter((x) => x === s).length;
      expect(count('missed')).toBeGreaterThanOrEqual(2); // the late claim and the unclaimed safeguarding one
      const all = figures.serviceLevel.find((s) => s.locality === 'all')!;
      expect(all).toMatchObject({ handovers: facts.length, withinServiceLevel: count('within'), pending: count('pending'), missed: count('missed') });
      expect(all.share).toBeCloseTo(count('within') / (count('within') + count('missed')));
      const claims = CLAIM_AFTER.filter((c): c is number => c != null).sort((a, b) => a - b);
      const resolves = RESOLVE_AFTER.filter((c): c is number => c != null).sort((a, b) => a - b);
      const med = (v: number[]) => (v.length % 2 ? v[v.length >> 1]! : (v[v.length / 2 - 1]! + v[v.length / 2]!) / 2);
      expect(all.medianMinutesToClaim).toBe(Math.round(med(claims)));
      expect(all.medianMinutesToResolve).toBe(Math.round(med(resolves)));
      // North: handovers 0 and 4 (Blandford): claimed after 30 and 45 minutes, resolved after 120 and 200.
      const north = figures.serviceLevel.find((s) => s.locality === 'north')!;
      expect(north).toMatchObject({ handovers: 2, medianMinutesToClaim: 38, medianMinutesToResolve: 160 });
      const rows = tableRows(pageHtml, 'service-level');
      const allRow = rows.find((r) => r[0] === 'All localities')!;
      expect(allRow.slice(1, 6)).toEqual([String(all.handovers), String(all.withinServiceLevel), String(all.missed), String(all.pending), `${Math.round(all.share! * 100)}%`]);
      expect(rows.find((r) => r[0] === 'North Dorset')!.slice(6)).toEqual(['38', '160']);
      expect((await lead.csv(`/insight/service-level.csv?${query}`)).slice(1)).toEqual(rows);
    });

    it('counts safety responses by kind, and check-ins that led to a handover', async () => {
      expect(Object.fromEntries(figures.safety.map((s) => [s.kind, s.count]))).toEqual(seeded.safety);
      expect(figures.checkinsToHandover).toBe(1);
      const rows = tableRows(pageHtml, 'safety');
      expect(rows.at(-1)).toEqual(['Check-ins that led to a handover', '1']);
      expect((await lead.csv(`/insight/safety.csv?${query}`)).slice(1)).toEqual(rows);
    });

    it('lists the articles shown most and those past their review date', async () => {
      const ehcp = figures.topArticles[0]!;
      expect(ehcp.count).toBeGreaterThan(0);
      const counts = figures.topArticles.map((a) => a.count);
      expect(counts).toEqual([...counts].sort((a, b) => b - a));
      const overdue = service.kb.articles.filter((a) => a.reviewDue < '2027-06-01');
      expect(figures.reviewOverdue.map((a) => a.articleId).sort()).toEqual(overdue.map((a) => a.id).sort());
      expect(figures.reviewOverdue.length).toBeGreaterThan(0);
      expect(figures.reviewOverdue.length).toBeLessThan(service.kb.articles.length);
      const rows = tableRows(pageHtml, 'review-overdue');
      expect(rows).toHaveLength(figures.reviewOverdue.length);
      expect((await lead.csv(`/insight/top-articles.csv?${query}`)).slice(1)).toEqual(tableRows(pageHtml, 'top-articles'));
    });

    it('prints the same figures from `deal insight --json`', async () => {
      const out = execFileSync(process.execPath, ['bin/deal.js', 'insight', '--from', PERIOD.from, '--to', PERIOD.to, '--as-of', PAGE_NOW.toISOString(), '--json'], {
        env: { ...process.env, DATA_DIR: service.dataDir, ...env },
        encoding: 'utf8',
      });
      const cli = JSON.parse(out) as Figures;
      expect(cli).toEqual(await insightFigures(PERIOD, { dataDir: service.dataDir, now: () => PAGE_NOW, env }));
      expect(cli).toEqual({ ...figures, unanswered: cli.unanswered }); // the markers were added since
      expect(cli.totals.turns).toBe(seeded.turns);
    });

    it('refuses officers (403), and audits every download', async () => {
      expect((await officer.get(`/insight?${query}`)).status).toBe(403);
      expect((await officer.get(`/insight/answers.csv?${query}`)).status).toBe(403);
      const before = (await service.store.listAudit()).filter((a) => a.action === 'insight-exported').length;
      await lead.csv(`/insight/safety.csv?${query}`);
      const exports = (await service.store.listAudit()).filter((a) => a.action === 'insight-exported');
      expect(exports).toHaveLength(before + 1);
      expect(exports.at(-1)).toMatchObject({ actor: LEAD, subject: 'safety', detail: { from: PERIOD.from, to: PERIOD.to } });
      expect(exports.every((a) => a.actor === LEAD)).toBe(true);
    });

    it('renders in Chromium: charts as SVG with size, every table, no CSP violation (axe-core when installed)', async () => {
      const browser = await launchBrowser();
      try {
        const context = await browser.newContext({ viewport: { width: 1100, height: 900 }, deviceScaleFactor: 1 });
        const [name, value] = lead.cookie.split('=') as [string, string];
        await context.addCookies([{ name, value, url: `${service.url}/staff` }]);
        const page = await context.newPage();
        const problems: string[] = [];
        page.on('console', (m) => (m.type() === 'error' ? problems.push(m.text()) : undefined));
        page.on('pageerror', (e) => problems.push(e.message));
        await page.goto(`${service.url}/staff/insight?${query}`);
        await page.getByRole('heading', { level: 1, name: 'Insight' }).waitFor();
        const charts = page.locator('figure.chart svg');
        expect(await charts.count()).toBe(7);
        for (const box of await Promise.all((await charts.all()).map((c) => c.boundingBox()))) {
          expect(box!.width).toBeGreaterThan(100);
          expect(box!.height).toBeGreaterThan(50);
        }
        expect(await page.locator('figure.chart svg path, figure.chart svg rect').count()).toBeGreaterThan(50);
        expect(await page.locator('table caption').count()).toBe(10);
        expect(await page.getByRole('link', { name: /Download this table as CSV/ }).count()).toBe(10);
        expect(await page.getByRole('button', { name: 'Needs an article' }).count()).toBe(figures.unanswered.length);
        expect(problems).toEqual([]);
        // axe-core (a devDependency): zero serious or critical issues. The CSP blocks an injected script tag, so it is evaluated directly.
        const require = createRequire(import.meta.url);
        await page.evaluate(readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8'));
        const result = (await page.evaluate('axe.run()')) as { violations: { id: string; impact: string }[] };
        expect(result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')).toEqual([]);
        // docs/insight.png: INSIGHT_SCREENSHOT=docs/insight.png npx vitest run tests/insight.test.ts (from the answers to the service level).
        if (process.env.INSIGHT_SCREENSHOT) {
          const top = (await page.locator('#answers-title').boundingBox())!.y - 16;
          const bottom = (await page.locator('#safety-title').boundingBox())!.y - 8;
          await page.screenshot({ path: process.env.INSIGHT_SCREENSHOT, fullPage: true, clip: { x: 0, y: top, width: 1100, height: bottom - top } });
        }
      } finally {
        await browser.close();
      }
    }, 60_000);
  });

  afterAll(async () => {
    if (!env.DATABASE_SCHEMA) return;
    await dropSchema(env.DATABASE_SCHEMA);
  });
});
