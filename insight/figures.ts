/**
 * Every insight figure for a period, computed once: the page, its CSV files and
 * `deal insight --json` all print this object, so they cannot disagree.
 */
import type { KnowledgeBase } from '../knowledge/load.js';
import { cluster } from './cluster.js';
import { median, type HandoverFact } from './handover-figures.js';
import { daysOf, londonDayOf, periodBounds } from './period.js';
import { UNANSWERED_KINDS } from './record.js';
import { Figures, type InsightRow, type Period } from './schema.js';
import type { OutcomeStore } from './store.js';

/** The handovers created in [start, end): from the SQLite file (`handoverFacts`) or PostgreSQL (`PgInsightStore.handoverFacts`). */
export type HandoverFactsSource = (start: number, end: number) => HandoverFact[] | Promise<HandoverFact[]>;

export const ALL_LOCALITIES = 'all';
export const NO_LOCALITY = 'none';
const CHANNELS = ['webchat', 'teams'] as const;
const TOP_UNANSWERED = 20;
const TOP_ARTICLES = 10;

function countBy<T>(items: readonly T[], key: (item: T) => string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const item of items) counts.set(key(item), (counts.get(key(item)) ?? 0) + 1);
  return counts;
}

const byCountThenName = (a: { count: number; name: string }, b: { count: number; name: string }) => b.count - a.count || a.name.localeCompare(b.name);
const minutes = (ms: number | null) => (ms === null ? null : Math.round(ms / 60_000));

function serviceLevelRow(locality: string, facts: readonly HandoverFact[], now: number) {
  const within = facts.filter((f) => f.claimedAt !== null && f.claimedAt <= f.dueAt).length;
  const pending = facts.filter((f) => f.claimedAt === null && now <= f.dueAt).length;
  const missed = facts.length - within - pending;
  return {
    locality,
    handovers: facts.length,
    withinServiceLevel: within,
    missed,
    pending,
    share: within + missed > 0 ? within / (within + missed) : null,
    medianMinutesToClaim: minutes(median(facts.filter((f) => f.claimedAt !== null).map((f) => f.claimedAt! - f.createdAt))),
    medianMinutesToResolve: minutes(median(facts.filter((f) => f.resolvedAt !== null).map((f) => f.resolvedAt! - f.createdAt))),
  };
}

export async function computeFigures(opts: { insight: OutcomeStore; handoverFacts: HandoverFactsSource; kb: KnowledgeBase; period: Period; now: Date }): Promise<Figures> {
  const { period, kb } = opts;
  const now = opts.now.getTime();
  const { start, end } = periodBounds(period);
  const rows = await opts.insight.rows(start, end);
  const messages = rows.filter((r) => r.event === 'message');
  const opened = rows.filter((r) => r.event === 'opened');

  const dayKey = (r: InsightRow) => `${londonDayOf(r.hour)}|${r.channel}`;
  const turnsByDay = countBy(messages, dayKey);
  const openedByDay = countBy(opened, dayKey);
  const perDay = daysOf(period).flatMap((day) =>
    CHANNELS.map((channel) => ({ day, channel, turns: turnsByDay.get(`${day}|${channel}`) ?? 0, conversations: openedByDay.get(`${day}|${channel}`) ?? 0 })),
  );
  const perChannel = CHANNELS.map((channel) => ({
    channel,
    turns: messages.filter((r) => r.channel === channel).length,
    conversations: opened.filter((r) => r.channel === channel).length,
  }));

  const kinds = countBy(messages, (r) => r.kind);
  const markers = await opts.insight.markers();
  const unansweredRows = messages.filter((r) => r.question !== null && (UNANSWERED_KINDS as readonly string[]).includes(r.kind));
  const unanswered = cluster(unansweredRows, (r) => r.question!)
    .slice(0, TOP_UNANSWERED)
    .map((c) => {
      const signatures = [c.signature];
      const marker = signatures.map((s) => markers.get(s)).find(Boolean) ?? null;
      return {
        signature: c.signature,
        example: c.example,
        count: c.count,
        kinds: UNANSWERED_KINDS.filter((k) => c.items.some((r) => r.kind === k)),
        questions: [...new Set(c.items.map((r) => r.question!))].slice(0, 5),
        marker: marker ? { verdict: marker.verdict, articleId: marker.articleId } : null,
      };
    });

  const results = messages.filter((r) => r.kind === 'result' && r.routes.length > 0);
  const routesByLocality = [...countBy(results, (r) => `${r.locality ?? NO_LOCALITY}|${r.routes[0]}`).entries()]
    .map(([key, count]) => {
      const [locality, route] = key.split('|') as [string, string];
      return { locality, route, count };
    })
    .sort((a, b) => a.locality.localeCompare(b.locality) || b.count - a.count || a.route.localeCompare(b.route));

  const facts = await opts.handoverFacts(start, end);
  const localityOf = (f: HandoverFact) => f.localityId ?? NO_LOCALITY;
  const handoversByLocality = [...countBy(facts, (f) => `${localityOf(f)}|${f.urgency}`).entries()]
    .map(([key, count]) => {
      const [locality, urgency] = key.split('|') as [string, string];
      return { locality, urgency, count };
    })
    .sort((a, b) => a.locality.localeCompare(b.locality) || a.urgency.localeCompare(b.urgency));
  const localities = [...new Set(facts.map(localityOf))].sort();
  const serviceLevel = [
    ...localities.map((l) => serviceLevelRow(l, facts.filter((f) => localityOf(f) === l), now)),
    serviceLevelRow(ALL_LOCALITIES, facts, now),
  ];

  const safety = [...countBy(messages.filter((r) => r.safety !== null), (r) => r.safety!).entries()]
    .map(([kind, count]) => ({ kind, count, name: kind }))
    .sort(byCountThenName)
    .map(({ kind, count }) => ({ kind, count }));

  const shown = countBy(
    messages.filter((r) => r.kind === 'answer' || r.kind === 'glossary').flatMap((r) => r.articles),
    (id) => id,
  );
  const topArticles = [...shown.entries()]
    .map(([articleId, count]) => ({ articleId, count, name: articleId }))
    .sort(byCountThenName)
    .slice(0, TOP_ARTICLES)
    .map(({ articleId, count }) => ({ articleId, title: kb.byId.get(articleId)?.title ?? articleId, count }));

  const today = londonDayOf(now);
  const reviewOverdue = kb.articles
    .filter((a) => a.reviewDue < today)
    .sort((a, b) => a.reviewDue.localeCompare(b.reviewDue) || a.id.localeCompare(b.id))
    .map((a) => ({ articleId: a.id, title: a.title, reviewDue: a.reviewDue, owner: a.owner }));

  return Figures.parse({
    period: { from: period.from, to: period.to },
    generatedAt: new Date(now).toISOString(),
    totals: { turns: messages.length, conversations: opened.length, handovers: facts.length },
    perDay,
    perChannel,
    answers: {
      answered: (kinds.get('answer') ?? 0) + (kinds.get('glossary') ?? 0),
      clarified: kinds.get('clarify') ?? 0,
      notSure: kinds.get('not-sure') ?? 0,
      outOfScope: kinds.get('out-of-scope') ?? 0,
    },
    unanswered,
    unansweredTooLong: messages.filter((r) => r.questionTooLong).length,
    routesByLocality,
    handoversByLocality,
    serviceLevel,
    safety,
    checkinsToHandover: facts.filter((f) => f.fromCheckin).length,
    topArticles,
    reviewOverdue,
  });
}
