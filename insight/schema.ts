/**
 * The shapes the insight feature passes around, as zod schemas (types come from them):
 * one recorded turn, a reporting period, a content owner's marker, and the figures.
 *
 * Why a schema for a row we write ourselves: the store validates every row before it is
 * written, so nothing but these anonymous fields (and a redacted short question) can ever
 * reach the file, whatever a caller passes.
 */
import { z } from 'zod';
import { OutcomeKind } from '../conversation/outcome.js';
import { SafetyOutcome } from '../safety/kind.js';
import { Channel } from '../handover/schema.js';
import { Urgency } from '../triage/schema.js';

export const InsightChannel = Channel;
export const InsightAudience = z.enum(['family', 'professional']);
export type InsightAudience = z.infer<typeof InsightAudience>;

/** What happened: a message turn, or a chat opening (the greeting), which approximates a conversation. */
export const InsightEvent = z.enum(['message', 'opened']);
export type InsightEvent = z.infer<typeof InsightEvent>;

const Id = z.string().regex(/^[a-z0-9][a-z0-9-]{0,79}$/);

/** One turn, anonymous: no conversation id, no user id, the time to the hour. */
export const InsightRow = z
  .object({
    /** Start of the hour (ms since the epoch, a multiple of 3,600,000). */
    hour: z.number().int().nonnegative().refine((h) => h % 3_600_000 === 0, 'must be truncated to the hour'),
    event: InsightEvent,
    channel: InsightChannel,
    audience: InsightAudience,
    /** The turn's main outcome (see `mainKind` in insight/record.ts). */
    kind: OutcomeKind,
    /** Article ids shown (or offered, for clarify). */
    articles: z.array(Id).max(20),
    /** Route ids of a triage result, primary first. */
    routes: z.array(Id).max(20),
    /** The locality of a triage result (an area of Dorset, not an address). */
    locality: Id.nullable(),
    urgency: Urgency.nullable(),
    safety: z.union([SafetyOutcome, z.literal('other')]).nullable(),
    /** For not-sure, clarify and out-of-scope: the redacted question when it was short, else null. */
    question: z.string().min(1).max(400).nullable(),
    /** True when there was a question but it was not kept: too long, or no word the knowledge base knows (counted, not kept). */
    questionTooLong: z.boolean(),
  })
  .strict();
export type InsightRow = z.infer<typeof InsightRow>;

/** A reporting period: London calendar days, both inclusive. */
export const IsoDay = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date as YYYY-MM-DD').refine((d) => !Number.isNaN(Date.parse(`${d}T00:00:00Z`)), 'is not a real date');
export const Period = z
  .object({ from: IsoDay, to: IsoDay })
  .strict()
  .refine((p) => p.from <= p.to, 'from must not be after to')
  .refine((p) => (Date.parse(p.to) - Date.parse(p.from)) / 86_400_000 <= 366, 'a period is at most a year');
export type Period = z.infer<typeof Period>;

/** The content owner's verdict on a group of unanswered questions. */
export const MarkerVerdict = z.enum(['covered', 'needs-article']);
export const Marker = z
  .object({
    /** The group's signature (see insight/cluster.ts). */
    signature: z.string().min(1).max(300),
    verdict: MarkerVerdict,
    /** The article that covers it, for 'covered'. */
    articleId: Id.nullable(),
    at: z.string(),
  })
  .strict()
  .refine((m) => (m.verdict === 'covered') === (m.articleId !== null), 'an article is named exactly when the verdict is covered');
export type Marker = z.infer<typeof Marker>;

const Count = z.number().int().nonnegative();
const Minutes = z.number().nonnegative().nullable();

/** Every figure on the insight page, in the CSV files and from `deal insight --json`. */
export const Figures = z
  .object({
    period: z.object({ from: IsoDay, to: IsoDay }),
    generatedAt: z.string(),
    totals: z.object({ turns: Count, conversations: Count, handovers: Count }),
    perDay: z.array(z.object({ day: IsoDay, channel: InsightChannel, turns: Count, conversations: Count })),
    perChannel: z.array(z.object({ channel: InsightChannel, turns: Count, conversations: Count })),
    answers: z.object({ answered: Count, clarified: Count, notSure: Count, outOfScope: Count }),
    unanswered: z.array(
      z.object({
        signature: z.string(),
        example: z.string(),
        count: Count,
        kinds: z.array(z.enum(['not-sure', 'clarify', 'out-of-scope'])),
        questions: z.array(z.string()),
        marker: z.object({ verdict: MarkerVerdict, articleId: z.string().nullable() }).nullable(),
      }),
    ),
    unansweredTooLong: Count,
    routesByLocality: z.array(z.object({ locality: z.string(), route: z.string(), count: Count })),
    handoversByLocality: z.array(z.object({ locality: z.string(), urgency: z.string(), count: Count })),
    serviceLevel: z.array(
      z.object({
        locality: z.string(),
        handovers: Count,
        /** Claimed before their due time. */
        withinServiceLevel: Count,
        /** Claimed after it, or still unclaimed past it. */
        missed: Count,
        /** Not claimed yet and not yet due: not counted either way. */
        pending: Count,
        /** withinServiceLevel / (withinServiceLevel + missed), or null when there are none. */
        share: z.number().min(0).max(1).nullable(),
        medianMinutesToClaim: Minutes,
        medianMinutesToResolve: Minutes,
      }),
    ),
    safety: z.array(z.object({ kind: z.string(), count: Count })),
    checkinsToHandover: Count,
    topArticles: z.array(z.object({ articleId: z.string(), title: z.string(), count: Count })),
    reviewOverdue: z.array(z.object({ articleId: z.string(), title: z.string(), reviewDue: IsoDay, owner: z.string() })),
  })
  .strict();
export type Figures = z.infer<typeof Figures>;
