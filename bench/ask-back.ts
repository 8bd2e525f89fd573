/**
 * The ask-back trade-offs, printed by `npm run bench` so the settings are chosen from data. For
 * each value of `clarifyTie` (a near tie asked back as a question) and of `alternativeShare`
 * (runners-up offered beside an answer): right article first, and right article first or among
 * the choices offered, summed over the development sets (ours, family, professional) and over
 * the forum posts; how many answers carry alternatives; out-of-scope questions held back.
 */
import type { KnowledgeBase } from '../knowledge/load.js';
import { evaluateQuestions, type EvalQuestion } from '../knowledge/eval.js';
import { DEFAULT_SETTINGS, KnowledgeSearch, type SearchSettings } from '../knowledge/search.js';

type Group = { name: string; questions: EvalQuestion[] };

function totals(search: KnowledgeSearch, questions: EvalQuestion[]) {
  const r = evaluateQuestions(questions, search);
  let answers = 0;
  let withAlternatives = 0;
  for (const { q, expect } of questions) {
    if (!expect) continue;
    const a = search.search(q);
    if (a.kind !== 'answer') continue;
    answers++;
    if (a.alternatives) withAlternatives++;
  }
  return { n: r.inScope, top1: r.top1 * r.inScope, reach: r.reachable * r.inScope, oos: r.outOfScope, held: r.abstained * r.outOfScope, answers, withAlternatives };
}

export function benchAskBack(kb: KnowledgeBase, groups: Group[]): string[] {
  const lines = [
    'Asking back. clarifyTie: a second article scoring at least this share of the best, and covering as much, makes it a question;',
    'alternativeShare: runners-up scoring at least this share are offered beside the answer. Counts: first / first or offered, of in scope',
  ];
  lines.push(`  ${'setting'.padEnd(40)}${groups.map((g) => g.name.padStart(24)).join('')}  answers with alternatives  out of scope held`);
  const d = DEFAULT_SETTINGS;
  const settings: [string, Partial<SearchSettings>][] = [
    ...[2, 0.97, 0.95, 0.9].flatMap((t): [string, Partial<SearchSettings>][] => [
      [`clarifyTie ${t}, skip linked`, { clarifyTie: t, clarifySkipsLinked: true }],
      ...(t < 2 ? [[`clarifyTie ${t}`, { clarifyTie: t, clarifySkipsLinked: false }] as [string, Partial<SearchSettings>]] : []),
    ]),
    ...[2, 0.9, 0.8, 0.75, 0.7, 0.6, 0.5].map((a): [string, Partial<SearchSettings>] => [`alternativeShare ${a}`, { alternativeShare: a }]),
  ];
  for (const [label, s] of settings) {
    const search = new KnowledgeSearch(kb, s);
    const t = search.settings;
    const shipped = t.clarifyTie === d.clarifyTie && t.clarifySkipsLinked === d.clarifySkipsLinked && t.alternativeShare === d.alternativeShare;
    let oos = 0;
    let held = 0;
    let answers = 0;
    let withAlternatives = 0;
    const cells = groups.map((g) => {
      const x = totals(search, g.questions);
      oos += x.oos;
      held += x.held;
      answers += x.answers;
      withAlternatives += x.withAlternatives;
      return `${x.top1.toFixed(0)} / ${x.reach.toFixed(0)} of ${x.n}`.padStart(24);
    });
    const share = `${((100 * withAlternatives) / Math.max(1, answers)).toFixed(0)} %`.padStart(27);
    lines.push(`  ${(label + (shipped ? ' (shipped)' : '')).padEnd(40)}${cells.join('')}${share}  ${held.toFixed(0)} of ${oos}`.padEnd(10));
  }
  return lines;
}
