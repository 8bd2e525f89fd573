/**
 * `npm run bench`: retrieval quality and speed, against two baselines measured in the same run.
 *
 * Baseline: MiniSearch with its default options over the same articles (title, summary,
 * keywords, body), answering whenever it returns anything. Before: KnowledgeSearch with
 * TODAY_SETTINGS, the method before issue 13 (one pass, answer or abstain). Ours: the shipped
 * KnowledgeSearch (sentences, question model, asking back, passages, text-speak).
 * Quality on ../shared/eval (dev questions and out-of-scope) and on our own calibration set;
 * latency over many queries; the safety check's recall and false alarms.
 */
import MiniSearch from 'minisearch';
import { existsSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { evaluateQuestions, EvalQuestion, readJsonl, type EvalReport } from '../knowledge/eval.js';
import { loadKnowledgeBase } from '../knowledge/load.js';
import { KnowledgeSearch, TODAY_SETTINGS, type SearchAnswer } from '../knowledge/search.js';
import { benchAskBack } from './ask-back.js';
import { benchCertainBar, benchSafety, benchSafetyInFlow, benchSafetyNetHeldOut } from './safety.js';
import { DEFAULT_SAFETY_NET_OPTIONS, knowledgeBaseOrdinary, standardSafetyNet } from '../safety/safety-net.js';

const kb = loadKnowledgeBase();
const ours = new KnowledgeSearch(kb);
const before = new KnowledgeSearch(kb, TODAY_SETTINGS);

const baselineIndex = new MiniSearch<Record<string, string>>({ fields: ['title', 'summary', 'keywords', 'body'], storeFields: ['title'] });
baselineIndex.addAll(
  kb.articles.map((a) => ({ id: a.id, title: a.title, summary: a.summary, keywords: a.keywords.join(' '), body: a.body })),
);
/** The baseline as a KnowledgeSearch look-alike: default MiniSearch, answers whenever it finds anything. */
const baseline = {
  search(q: string): SearchAnswer {
    const results = baselineIndex.search(q).slice(0, 5).map((r) => ({ id: String(r.id), title: String(r.title), score: r.score }));
    const answered = results.length > 0;
    return { kind: answered ? 'answer' : 'not-sure', answered, results, coverage: 0, reason: answered ? 'answered' : 'no-match' };
  },
};
const methods = [
  ['ours', ours],
  ['before (today)', before],
  ['baseline (MiniSearch defaults)', baseline],
] as const;

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));
const sets: [string, string][] = [
  ['dev questions', here('../../shared/eval/dev-questions.jsonl')],
  ['dev out of scope', here('../../shared/eval/dev-out-of-scope.jsonl')],
  ['calibration questions', here('./data/calibration-questions.jsonl')],
  ['calibration out of scope', here('./data/calibration-out-of-scope.jsonl')],
  // Written blind (from article titles only) on 2026-11-23, measured before any tuning, then used
  // for tuning: set 1 drove the long-question threshold and topics, set 2 checked and refined them.
  ['family questions 1', here('./data/family-questions-1.jsonl')],
  ['family out of scope 1', here('./data/family-out-of-scope-1.jsonl')],
  ['family questions 2', here('./data/family-questions-2.jsonl')],
  ['family out of scope 2', here('./data/family-out-of-scope-2.jsonl')],
  // Sets 3, 4 and 5 were each measured once before being used for tuning (README gives those numbers).
  ['family questions 3', here('./data/family-questions-3.jsonl')],
  ['family out of scope 3', here('./data/family-out-of-scope-3.jsonl')],
  ['family questions 4', here('./data/family-questions-4.jsonl')],
  ['family out of scope 4', here('./data/family-out-of-scope-4.jsonl')],
  ['family questions 5', here('./data/family-questions-5.jsonl')],
  ['family out of scope 5', here('./data/family-out-of-scope-5.jsonl')],
  // Written blind on 2026-12-01 (forum-style family posts; terse professional questions in Teams),
  // measured once before any tuning (README gives those numbers), then kept as regression sets.
  ['forum questions 1', here('./data/forum-questions-1.jsonl')],
  ['forum out of scope 1', here('./data/forum-out-of-scope-1.jsonl')],
  ['professional questions 1', here('./data/professional-questions-1.jsonl')],
  // A second blind set of each, written after the first ones were used (measured once: README).
  ['professional questions 2', here('./data/professional-questions-2.jsonl')],
  ['forum out of scope 2', here('./data/forum-out-of-scope-2.jsonl')],
  // Blind set 3 (README), labelled by hand with article ids on 2026-12-01 after it was measured once
  // (blind-questions-3-measured-once.txt); help requests left out, as they are triage's.
  ['blind questions 3 (labelled)', here('./data/blind-questions-3-labelled.jsonl')],
  // Blind set 5 (2026-12-01 evening), labelled by hand with article ids after it was measured once
  // through /api/messages (blind-questions-5-measured-once.txt); help and risk left out.
  ['blind questions 5 (labelled)', here('./data/blind-questions-5-labelled.jsonl')],
  ['blind out of scope 5', here('./data/blind-out-of-scope-5.jsonl')],
  // Blind set 6, the same way (blind-questions-6-measured-once.txt).
  ['blind questions 6 (labelled)', here('./data/blind-questions-6-labelled.jsonl')],
  ['blind out of scope 6', here('./data/blind-out-of-scope-6.jsonl')],
  // Blind set 7 (70 questions, written after this session's retrieval changes), the same way.
  ['blind questions 7 (labelled)', here('./data/blind-questions-7-labelled.jsonl')],
  ['blind out of scope 7', here('./data/blind-out-of-scope-7.jsonl')],
  // Blind set 8 (70 questions), labelled with article ids by a second helper who saw neither the code nor the
  // bot's answers, after it was measured once through /api/messages (blind-questions-8-measured-once.jsonl).
  ['blind questions 8 (labelled)', here('./data/blind-questions-8-labelled.jsonl')],
  ['blind out of scope 8', here('./data/blind-out-of-scope-8.jsonl')],
  // Blind set 9, the same way, written after the set 8 changes (blind-questions-9-measured-once.jsonl).
  ['blind questions 9 (labelled)', here('./data/blind-questions-9-labelled.jsonl')],
  ['blind out of scope 9', here('./data/blind-out-of-scope-9.jsonl')],
  // Blind set 10, the same way, written after the set 9 changes (blind-questions-10-measured-once.jsonl).
  ['blind questions 10 (labelled)', here('./data/blind-questions-10-labelled.jsonl')],
  ['blind out of scope 10', here('./data/blind-out-of-scope-10.jsonl')],
  // Blind set 11, the same way, written after the set 10 changes (blind-questions-11-measured-once.jsonl).
  ['blind questions 11 (labelled)', here('./data/blind-questions-11-labelled.jsonl')],
  ['blind out of scope 11', here('./data/blind-out-of-scope-11.jsonl')],
  // Blind set 12, the same way, written after the set 11 changes (blind-questions-12-measured-once.jsonl).
  ['blind questions 12 (labelled)', here('./data/blind-questions-12-labelled.jsonl')],
  ['blind out of scope 12', here('./data/blind-out-of-scope-12.jsonl')],
  // Blind set 13 (2026-12-02), the same way, written after the set 12 changes (blind-questions-13-measured-once.jsonl;
  // the labelled file measured once: blind-questions-13-labelled-measured-once.txt).
  ['blind questions 13 (labelled)', here('./data/blind-questions-13-labelled.jsonl')],
  ['blind out of scope 13', here('./data/blind-out-of-scope-13.jsonl')],
  // Blind set 14 (2026-12-02), written after the set 13 changes, measured once the same way before any tuning.
  ['blind questions 14 (labelled)', here('./data/blind-questions-14-labelled.jsonl')],
  ['blind out of scope 14', here('./data/blind-out-of-scope-14.jsonl')],
  // Blind set 15 (2026-12-02), written after the set 14 changes, measured once the same way before any tuning.
  ['blind questions 15 (labelled)', here('./data/blind-questions-15-labelled.jsonl')],
  ['blind out of scope 15', here('./data/blind-out-of-scope-15.jsonl')],
  // Blind set 16 (2026-12-02), written after the set 15 changes, measured once the same way before any tuning.
  ['blind questions 16 (labelled)', here('./data/blind-questions-16-labelled.jsonl')],
  ['blind out of scope 16', here('./data/blind-out-of-scope-16.jsonl')],
  // Blind set 17 (2026-12-02), written after the set 16 changes, measured once the same way before any tuning.
  ['blind questions 17 (labelled)', here('./data/blind-questions-17-labelled.jsonl')],
  ['blind out of scope 17', here('./data/blind-out-of-scope-17.jsonl')],
  // Blind sets 18 and 19 (2026-12-02), each written after the previous round's changes and measured once before tuning.
  ['blind questions 18 (labelled)', here('./data/blind-questions-18-labelled.jsonl')],
  ['blind out of scope 18', here('./data/blind-out-of-scope-18.jsonl')],
  ['blind questions 19 (labelled)', here('./data/blind-questions-19-labelled.jsonl')],
  ['blind out of scope 19', here('./data/blind-out-of-scope-19.jsonl')],
  // Blind set 20 (2026-12-02), written after the set 19 changes, measured once before tuning.
  ['blind questions 20 (labelled)', here('./data/blind-questions-20-labelled.jsonl')],
  ['blind out of scope 20', here('./data/blind-out-of-scope-20.jsonl')],
  // Blind set 21 (2026-12-02), written after the set 20 changes, measured once at 794de0d before tuning.
  ['blind questions 21 (labelled)', here('./data/blind-questions-21-labelled.jsonl')],
  ['blind out of scope 21', here('./data/blind-out-of-scope-21.jsonl')],
  // Blind set 22 (2026-12-02), written after the set 21 changes, measured once at 0fbd331 before tuning.
  ['blind questions 22 (labelled)', here('./data/blind-questions-22-labelled.jsonl')],
  ['blind out of scope 22', here('./data/blind-out-of-scope-22.jsonl')],
  // Blind set 23 (2026-12-03), written after the set 22 changes, measured once at c3078b3 before tuning.
  ['blind questions 23 (labelled)', here('./data/blind-questions-23-labelled.jsonl')],
  ['blind out of scope 23', here('./data/blind-out-of-scope-23.jsonl')],
  // Blind set 24 (2026-12-03), written after the set 23 changes, labelled by a second helper from the article list alone,
  // measured once at c002370 before tuning.
  ['blind questions 24 (labelled)', here('./data/blind-questions-24-labelled.jsonl')],
  ['blind out of scope 24', here('./data/blind-out-of-scope-24.jsonl')],
  // Round 25 (bench/briefs/round-25), measured once at 0ba054b before tuning.
  ['blind questions 25 (labelled)', here('./data/blind-questions-25-labelled.jsonl')],
  ['blind out of scope 25', here('./data/blind-out-of-scope-25.jsonl')],
  // Round 26 (bench/briefs/round-26), labelled by a second helper, measured once at 0edb7cc before tuning.
  ['blind questions 26 (labelled)', here('./data/blind-questions-26-labelled.jsonl')],
  ['blind out of scope 26', here('./data/blind-out-of-scope-26.jsonl')],
  // Round 27 (bench/briefs/round-27), labelled by a second helper, measured once at a363405 (after round 26's tuning).
  ['blind questions 27 (labelled)', here('./data/blind-questions-27-labelled.jsonl')],
  ['blind out of scope 27', here('./data/blind-out-of-scope-27.jsonl')],
  // Round 28 (bench/briefs/round-28), labelled by a second helper, measured once at 21ff1ca (after round 27's tuning).
  ['blind questions 28 (labelled)', here('./data/blind-questions-28-labelled.jsonl')],
  ['blind out of scope 28', here('./data/blind-out-of-scope-28.jsonl')],
  // Round 29 (bench/briefs/round-29), labelled by a second helper, measured once at b46959b (after round 28's tuning).
  ['blind questions 29 (labelled)', here('./data/blind-questions-29-labelled.jsonl')],
  ['blind out of scope 29', here('./data/blind-out-of-scope-29.jsonl')],
  // Round 30 (bench/briefs/round-30), labelled by a second helper, measured once at 22f954d (after round 29's tuning).
  ['blind questions 30 (labelled)', here('./data/blind-questions-30-labelled.jsonl')],
  ['blind out of scope 30', here('./data/blind-out-of-scope-30.jsonl')],
  // Round 31 (bench/briefs/round-31), labelled by a second helper, measured once at 48c5fb0 (after round 30's tuning).
  ['blind questions 31 (labelled)', here('./data/blind-questions-31-labelled.jsonl')],
  ['blind out of scope 31', here('./data/blind-out-of-scope-31.jsonl')],
  // Round 32 (bench/briefs/round-32), labelled by a second helper, measured once at 2ea46f5 (after round 31's tuning).
  ['blind questions 32 (labelled)', here('./data/blind-questions-32-labelled.jsonl')],
  ['blind out of scope 32', here('./data/blind-out-of-scope-32.jsonl')],
];

const pct = (x: number) => `${(x * 100).toFixed(1)}%`.padStart(7);
const cell = (x: number, n: number) => (n > 0 ? pct(x) : '      -');
function row(label: string, r: EvalReport): string {
  return [
    label.padEnd(30),
    cell(r.top1, r.inScope),
    cell(r.top3, r.inScope),
    cell(r.clarifiedRight, r.inScope),
    cell(r.offeredRight, r.inScope),
    cell(r.reachable, r.inScope),
    cell(r.falseAbstain, r.inScope),
    cell(r.abstained, r.outOfScope),
    cell(r.noArticle ? r.noArticleAbstained : 0, r.noArticle),
  ].join(' ');
}

console.log('Retrieval quality. top-1/top-3: answered with a right article first / in the first three;');
console.log('clarified: asked back with a right article among the choices; offered: a wrong answer with a right');
console.log('alternative offered beside it; reach: first or among the choices offered (one press); not sure: wrongly said "not sure";');
console.log('out-of-scope / no-article: not answered with an article (everyday topics / SEND questions no article covers)\n');
console.log(`${''.padEnd(32)}${['top-1', 'top-3', 'clarif.', 'offered', 'reach', 'not sure', 'out-sc.', 'no-art.'].map((h) => h.padStart(8)).join('')}`);
/** Questions by length: a long message (a family's story) costs several times a short one. */
const shortQuestions: string[] = [];
const development: EvalQuestion[] = [];
const forum: EvalQuestion[] = [];
const longQuestions: string[] = [];
for (const [name, file] of sets) {
  if (!existsSync(file)) {
    console.log(`${name}: ${file} not found, skipped`);
    continue;
  }
  const questions = readJsonl(file, EvalQuestion);
  for (const { q } of questions) {
    const n = q.split(/\s+/).length;
    if (n <= 25) shortQuestions.push(q);
    else if (n <= 90) longQuestions.push(q);
  }
  (name.startsWith('forum') ? forum : development).push(...questions);
  console.log(`${name} (${questions.length})`);
  for (const [label, method] of methods) console.log(`  ${row(label, evaluateQuestions(questions, method))}`);
}

console.log('');
for (const line of benchAskBack(kb, [{ name: 'development sets', questions: development }, { name: 'forum posts', questions: forum }])) console.log(line);

function latency(search: { search(q: string): unknown }, queries: string[], rounds: number) {
  for (const q of queries) search.search(q); // warm up
  const times: number[] = [];
  for (let r = 0; r < rounds; r++) {
    for (const q of queries) {
      const start = process.hrtime.bigint();
      search.search(q);
      times.push(Number(process.hrtime.bigint() - start) / 1e6);
    }
  }
  times.sort((a, b) => a - b);
  const at = (p: number) => times[Math.min(times.length - 1, Math.floor(p * times.length))]!;
  return { n: times.length, p50: at(0.5), p99: at(0.99), max: times[times.length - 1]! };
}

const groups: [string, string[]][] = [
  ['questions of up to 25 words', shortQuestions.length > 0 ? shortQuestions : kb.articles.map((a) => a.title)],
  ['longer messages (26 to 90 words)', longQuestions],
];
for (const [name, queries] of groups) {
  if (queries.length === 0) continue;
  const rounds = Math.max(1, Math.ceil(20_000 / queries.length));
  console.log(`\nQuery latency, ${name}: ${queries.length * rounds} queries (${kb.articles.length} articles)`);
  for (const [label, s] of methods) {
    const l = latency(s, queries, rounds);
    console.log(`  ${label.padEnd(30)} p50 ${l.p50.toFixed(3)} ms  p99 ${l.p99.toFixed(3)} ms  max ${l.max.toFixed(3)} ms`);
  }
}

const safety = benchSafety();
console.log(`\nSafety check (every message)`);
console.log(`  risk phrasings: ${safety.riskCount}, recall ${pct(safety.recall)}; needs-a-person recall ${pct(safety.needsPersonRecall)}`);
console.log(`  ordinary SEND questions: ${safety.ordinaryCount}, false alarms ${pct(safety.falseAlarmRate)}`);
console.log(`  latency p50 ${safety.p50Micros.toFixed(1)} µs  p99 ${safety.p99Micros.toFixed(1)} µs`);
console.log(`  (recall over the lines the patterns were written for; the blind sets below measure new wording)`);

console.log(`\nSecond safety net (naive Bayes, safety/safety-net.ts): each blind set left out of training in turn`);
for (const h of benchSafetyNetHeldOut(knowledgeBaseOrdinary(kb))) {
  console.log(`  blind set ${h.blindSet}: ${pct(h.recall)} of ${h.risk} risk messages flagged, ${pct(h.falseAlarmRate)} of ${h.ordinary} ordinary ones`);
}

// Safety inside the conversation: answers people type to the bot's own questions.
const familySets = sets.filter(([name]) => /^(family|forum) questions/.test(name)).map(([, file]) => file);
const inFlow = benchSafetyInFlow(here('./data/inflow-answers-1.jsonl'), knowledgeBaseOrdinary(kb), familySets);
console.log(`\nSafety on answers inside the conversation (${inFlow.ordinary} ordinary answers, ${inFlow.risk} answers that disclose risk, written blind)`);
console.log(`  judged as answers (what the front door does):   hard alarms ${pct(inFlow.asAnswer.hard)}, check-ins ${pct(inFlow.asAnswer.checkins)}, risk caught ${pct(inFlow.asAnswer.recall)}`);
console.log(`  judged as first messages (before 2026-12-01):    hard alarms ${pct(inFlow.asMessage.hard)}, check-ins ${pct(inFlow.asMessage.checkins)}, risk caught ${pct(inFlow.asMessage.recall)}`);
const inFlow8 = benchSafetyInFlow(here('./data/inflow-answers-8.jsonl'), knowledgeBaseOrdinary(kb), []);
console.log(`  a second blind set (${inFlow8.ordinary} ordinary answers, set 8), judged as answers: hard alarms ${pct(inFlow8.asAnswer.hard)}, check-ins ${pct(inFlow8.asAnswer.checkins)}`);
console.log(`  family questions without risk (${inFlow.questions}): hard alarms ${pct(inFlow.questionsHard)}, check-ins ${pct(inFlow.questionsCheckins)}`);
console.log(`  family questions labelled as a real risk (${inFlow.labelledRisk}): hard alarm ${pct(inFlow.labelledRiskHard)}`);

// The net acts on its own above its certain bar: how far the ordinary messages stay below it.
const triageFiles = readdirSync(here('./data')).filter((f) => /^triage-blind-\d+\.jsonl$/.test(f)).map((f) => here(`./data/${f}`));
const certain = benchCertainBar(standardSafetyNet(), sets.map(([, file]) => file), [here('./data/inflow-answers-1.jsonl'), here('./data/inflow-answers-8.jsonl')], triageFiles);
const o = DEFAULT_SAFETY_NET_OPTIONS;
console.log(`\nThe net's certain bar (the card with no pattern: log-odds ${o.certainThreshold}, or one sentence above ${o.sentenceCertainThreshold} in a message above ${o.sentenceCertainFloor}), the shipped net`);
console.log(`  ordinary messages no pattern flags (questions, in-flow answers, triage near misses): ${certain.ordinary}, above the bar ${certain.ordinaryCertain}, highest score ${certain.highest.toFixed(1)}`);
console.log(`  hidden risks in the blind triage sets that no pattern catches: ${certain.risks}, above the bar ${certain.risksCertain} (the rest get the check-in)`);
