/**
 * The figures as named tables, the one source for the page's accessible tables and the CSV
 * files, so a chart, its table and its download always show the same numbers. Codes become
 * words here (locality and route names, urgency labels); the CSV keeps the codes beside them.
 */
import type { KnowledgeBase } from '../knowledge/load.js';
import { URGENCY_LABELS } from '../staff/format.js';
import { loadRouteGuide } from '../triage/engine.js';
import { localityName } from '../triage/locality.js';
import type { Urgency } from '../triage/schema.js';
import { ALL_LOCALITIES, NO_LOCALITY } from './figures.js';
import type { Figures } from './schema.js';

export type Cell = string | number | null;
export type Table = { id: string; title: string; columns: string[]; rows: Cell[][]; note?: string };

export const TABLE_IDS = [
  'turns-per-day', 'turns-per-channel', 'answers', 'unanswered', 'routes-by-locality', 'handovers-by-locality',
  'service-level', 'safety', 'top-articles', 'review-overdue',
] as const;
export type TableId = (typeof TABLE_IDS)[number];

export type Labels = { locality(id: string): string; route(id: string): string; channel(id: string): string; urgency(id: string): string; safety(id: string): string; article(id: string): string };

export function defaultLabels(kb: KnowledgeBase): Labels {
  const routes = new Map(Object.entries(loadRouteGuide()).map(([id, g]) => [id, g.title]));
  const safety: Record<string, string> = {
    'risk-of-harm': 'Risk of harm (what to do now)',
    'needs-a-person': 'This needs a person',
    'possible-risk': 'Check-in: is everyone safe?',
    other: 'Other safety response',
  };
  return {
    locality: (id) => (id === NO_LOCALITY ? 'No locality' : id === ALL_LOCALITIES ? 'All localities' : localityName(id)),
    route: (id) => routes.get(id) ?? id,
    channel: (id) => (id === 'teams' ? 'Teams' : 'Web chat'),
    urgency: (id) => URGENCY_LABELS[id as Urgency] ?? id,
    safety: (id) => safety[id] ?? id,
    article: (id) => kb.byId.get(id)?.title ?? id,
  };
}

const pct = (share: number | null) => (share === null ? null : `${Math.round(share * 100)}%`);

export function tablesOf(f: Figures, labels: Labels): Record<TableId, Table> {
  const days = [...new Set(f.perDay.map((d) => d.day))];
  const at = (day: string, channel: string) => f.perDay.find((d) => d.day === day && d.channel === channel);
  return {
    'turns-per-day': {
      id: 'turns-per-day',
      title: 'Turns and conversations per day',
      columns: ['Day', 'Web chat turns', 'Web chat conversations', 'Teams turns', 'Teams conversations'],
      rows: days.map((d) => [d, at(d, 'webchat')?.turns ?? 0, at(d, 'webchat')?.conversations ?? 0, at(d, 'teams')?.turns ?? 0, at(d, 'teams')?.conversations ?? 0]),
      note: 'Conversations are counted by the greeting sent when a chat opens (the welcome outcome): a web chat reopened in a new tab counts again, and Teams greets once per install, so Teams conversations are undercounted.',
    },
    'turns-per-channel': {
      id: 'turns-per-channel',
      title: 'Turns and conversations per channel',
      columns: ['Channel', 'Turns', 'Conversations'],
      rows: f.perChannel.map((c) => [labels.channel(c.channel), c.turns, c.conversations]),
    },
    answers: {
      id: 'answers',
      title: 'Questions: answered, clarified, not sure, out of scope',
      columns: ['Outcome', 'Turns'],
      rows: [
        ['Answered', f.answers.answered],
        ['Clarified (asked which topic)', f.answers.clarified],
        ['Not sure', f.answers.notSure],
        ['Out of scope (sent elsewhere)', f.answers.outOfScope],
      ],
    },
    unanswered: {
      id: 'unanswered',
      title: 'Top unanswered questions, grouped by similarity',
      columns: ['Question (example, redacted)', 'Times asked', 'Outcomes', 'Similar questions', 'Content owner'],
      rows: f.unanswered.map((u) => [
        u.example,
        u.count,
        u.kinds.join(', '),
        u.questions.filter((q) => q !== u.example).join(' | '),
        u.marker ? (u.marker.verdict === 'covered' ? `Covered by ${labels.article(u.marker.articleId ?? '')}` : 'Needs an article') : null,
      ]),
      note: `Questions are kept only when short (at most 25 words) and after names, phone numbers, emails, postcodes, dates and references are taken out. ${f.unansweredTooLong} longer or unreadable ones were counted but not kept.`,
    },
    'routes-by-locality': {
      id: 'routes-by-locality',
      title: 'Triage routes by locality',
      columns: ['Locality', 'Route', 'Results'],
      rows: f.routesByLocality.map((r) => [labels.locality(r.locality), labels.route(r.route), r.count]),
    },
    'handovers-by-locality': {
      id: 'handovers-by-locality',
      title: 'Handovers by locality and urgency',
      columns: ['Locality', 'Urgency', 'Handovers'],
      rows: f.handoversByLocality.map((r) => [labels.locality(r.locality), labels.urgency(r.urgency), r.count]),
    },
    'service-level': {
      id: 'service-level',
      title: 'Contacted within the service level, and time to claim and resolve',
      columns: ['Locality', 'Handovers', 'Claimed in time', 'Missed', 'Not yet due', 'Share in time', 'Median minutes to claim', 'Median minutes to resolve'],
      rows: f.serviceLevel.map((s) => [
        labels.locality(s.locality), s.handovers, s.withinServiceLevel, s.missed, s.pending, pct(s.share), s.medianMinutesToClaim, s.medianMinutesToResolve,
      ]),
      note: 'In time means claimed by an officer before the handover was due (its service level). Handovers not claimed and not yet due are not counted either way.',
    },
    safety: {
      id: 'safety',
      title: 'Safety responses by kind',
      columns: ['Safety response', 'Turns'],
      rows: [...f.safety.map((s) => [labels.safety(s.kind), s.count] as Cell[]), ['Check-ins that led to a handover', f.checkinsToHandover]],
    },
    'top-articles': {
      id: 'top-articles',
      title: 'Articles shown most',
      columns: ['Article', 'Times shown'],
      rows: f.topArticles.map((a) => [a.title, a.count]),
    },
    'review-overdue': {
      id: 'review-overdue',
      title: 'Articles past their review date',
      columns: ['Article', 'Review due', 'Owner'],
      rows: f.reviewOverdue.map((a) => [a.title, a.reviewDue, a.owner]),
    },
  };
}

/** RFC 4180 CSV; a cell that a spreadsheet would run as a formula (= + - @) is prefixed with '. */
export function toCsv(table: Table): string {
  const cell = (value: Cell) => {
    let text = value === null ? '' : String(value);
    if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
    return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
  };
  return [table.columns, ...table.rows].map((row) => row.map(cell).join(',')).join('\r\n') + '\r\n';
}
