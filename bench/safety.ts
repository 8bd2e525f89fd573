/**
 * Numbers for the safety check (safety/safety.ts), computed from the message lists in
 * safety/safety-examples/: how many risk messages it catches, how many ordinary SEND questions it wrongly
 * flags, and how long one check takes. Printed by `npm run bench`; the same lists are the
 * pass/fail lines in tests/safety.test.ts.
 *
 * recall            risk lines flagged with kind 'risk-of-harm' (sets covered by the second net left out)
 * needsPersonRecall needs-a-person lines flagged with kind 'needs-a-person'
 * falseAlarmRate    ordinary lines flagged at all
 * p50Micros/p99Micros  time per checkSafety call over every line, after a warm-up
 *
 * These lists were partly written before the patterns and partly used to improve them, so
 * recall here is a regression check, not an estimate of recall on wording never seen before.
 */
import { checkSafety } from '../safety/safety.js';
import { readPatternExamples, readSafetyExamples, readSafetyLines, SAFETY_DATA, type SafetyLine } from '../safety/safety-examples.js';
import { checkWithNet, defaultSafetyNet, SafetyNet } from '../safety/safety-net.js';
import { readFileSync } from 'node:fs';

export type SafetyBench = {
  recall: number;
  needsPersonRecall: number;
  falseAlarmRate: number;
  riskCount: number;
  ordinaryCount: number;
  p50Micros: number;
  p99Micros: number;
};

export function benchSafety(): SafetyBench {
  // Recall over the lines the patterns were written for; sets covered by the second net are
  // measured by benchSafetyNetHeldOut and checked in tests/safety-net.test.ts.
  const risk = readPatternExamples(SAFETY_DATA.risk);
  const needs = readPatternExamples(SAFETY_DATA.needsPerson);
  const ordinary = readSafetyLines(SAFETY_DATA.ordinary);

  const recall = shareOf(risk, (t) => checkSafety(t).kind === 'risk-of-harm');
  const needsPersonRecall = shareOf(needs, (t) => checkSafety(t).kind === 'needs-a-person');
  const falseAlarmRate = shareOf(ordinary, (t) => checkSafety(t).flagged);

  const all = [...risk, ...needs, ...ordinary];
  for (let r = 0; r < 3; r++) for (const t of all) checkSafety(t); // warm up the JIT
  const micros: number[] = [];
  for (let r = 0; r < 20; r++) {
    for (const t of all) {
      const start = process.hrtime.bigint();
      checkSafety(t);
      micros.push(Number(process.hrtime.bigint() - start) / 1000);
    }
  }
  micros.sort((a, b) => a - b);
  const at = (q: number) => (micros.length === 0 ? 0 : micros[Math.min(micros.length - 1, Math.floor(q * micros.length))]!);
  const round = (x: number, dp: number) => Math.round(x * 10 ** dp) / 10 ** dp;

  return {
    recall: round(recall, 4),
    needsPersonRecall: round(needsPersonRecall, 4),
    falseAlarmRate: round(falseAlarmRate, 4),
    riskCount: risk.length,
    ordinaryCount: ordinary.length,
    p50Micros: round(at(0.5), 1),
    p99Micros: round(at(0.99), 1),
  };
}

export type SafetyNetHeldOut = { blindSet: number; risk: number; ordinary: number; recall: number; falseAlarmRate: number };

/**
 * The second net on wording it has not seen: each blind set in turn is left out of training
 * (its risk and its ordinary lines) and scored. `moreOrdinary` is what the server adds (the
 * knowledge base's questions and titles).
 */
export function benchSafetyNetHeldOut(moreOrdinary: readonly string[] = []): SafetyNetHeldOut[] {
  const risk = readSafetyExamples(SAFETY_DATA.risk);
  const ordinary = readSafetyExamples(SAFETY_DATA.ordinary);
  const sets = [...new Set(risk.map((l) => l.blindSet).filter((s): s is number => s !== null))].sort((a, b) => a - b);
  return sets.map((blindSet) => {
    const inSet = (l: SafetyLine) => l.blindSet === blindSet;
    const net = SafetyNet.train(
      risk.filter((l) => !inSet(l)).map((l) => l.text),
      [...ordinary.filter((l) => !inSet(l)).map((l) => l.text), ...moreOrdinary],
    );
    const heldRisk = risk.filter(inSet).map((l) => l.text);
    const heldOrdinary = ordinary.filter(inSet).map((l) => l.text);
    const flagged = (t: string) => net.flags(t);
    return { blindSet, risk: heldRisk.length, ordinary: heldOrdinary.length, recall: shareOf(heldRisk, flagged), falseAlarmRate: shareOf(heldOrdinary, flagged) };
  });
}

export type SafetyInFlow = {
  ordinary: number;
  risk: number;
  /** Each answer judged as the front door judges it: an answer to the question just asked. */
  asAnswer: { hard: number; checkins: number; recall: number };
  /** The same answers judged as if each were a first message (as before 2026-12-01). */
  asMessage: { hard: number; checkins: number; recall: number };
  /** Family questions without a risk label, and how many of them got a hard alarm or a check-in. */
  questions: number;
  questionsHard: number;
  questionsCheckins: number;
  /** Family questions labelled by hand as a real risk (`"risk"` in the data), and how many got a hard alarm. */
  labelledRisk: number;
  labelledRiskHard: number;
};

/** The share of `xs` for which `ok` holds (0 of nothing). */
function shareOf<T>(xs: readonly T[], ok: (x: T) => boolean): number {
  return xs.length === 0 ? 0 : xs.filter(ok).length / xs.length;
}

/**
 * Safety on answers inside the conversation ("im his mum", "she is 7"): hard alarms and check-ins
 * on ordinary answers, and how many answers that disclose risk get either. `answersFile` is JSONL
 * `{step, text, risk}`; `questionFiles` are JSONL `{q, risk?}` of family questions (first messages); those with `risk` are real risks.
 */
export function benchSafetyInFlow(answersFile: string, moreOrdinary: readonly string[], questionFiles: readonly string[]): SafetyInFlow {
  const net = defaultSafetyNet(moreOrdinary);
  const check = checkWithNet(net);
  const lines = readFileSync(answersFile, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as { text: string; risk: boolean });
  const ordinary = lines.filter((l) => !l.risk).map((l) => l.text);
  const risk = lines.filter((l) => l.risk).map((l) => l.text);
  const judge = (answer: boolean) => {
    const results = (xs: string[]) => xs.map((x) => check(x, { answer }));
    const o = results(ordinary);
    const r = results(risk);
    return {
      hard: shareOf(o, (c) => c.flagged),
      checkins: shareOf(o, (c) => c.possibleRisk),
      recall: shareOf(r, (c) => c.flagged || c.possibleRisk),
    };
  };
  const all = questionFiles.flatMap((f) => readFileSync(f, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as { q: string; risk?: string }));
  // A question labelled as a real risk is counted apart: an alarm on it is right, not a false alarm.
  const questions = all.filter((x) => !x.risk).map((x) => x.q);
  const labelled = all.filter((x) => x.risk).map((x) => x.q);
  const asked = questions.map((q) => check(q));
  return {
    labelledRisk: labelled.length,
    labelledRiskHard: labelled.filter((q) => check(q).flagged).length / Math.max(1, labelled.length),
    ordinary: ordinary.length,
    risk: risk.length,
    asAnswer: judge(true),
    asMessage: judge(false),
    questions: questions.length,
    questionsHard: shareOf(asked, (c) => c.flagged),
    questionsCheckins: shareOf(asked, (c) => c.possibleRisk),
  };
}

/** The margin of the net's certain bar (`certainThreshold` in safety/safety-net.ts), see `benchCertainBar`. */
export type CertainBar = {
  /** Ordinary messages no pattern flags, how many the net is certain about, and the highest whole-message score. */
  ordinary: number;
  ordinaryCertain: number;
  highest: number;
  /** Hidden risks in the blind triage sets that no pattern catches, and how many the net is certain about. */
  risks: number;
  risksCertain: number;
};

/**
 * Where the certain bar sits: over ordinary messages that no pattern flags (question sets `{q, risk?}` without
 * `risk`, in-flow answers `{text, risk}` without `risk`, triage near misses), how many it would act on and the highest
 * score among them; over the hidden risks of the blind triage sets (`{case: {concern}, expect: {primary}}`) that no
 * pattern catches, how many it acts on.
 */
export function benchCertainBar(net: SafetyNet, questionFiles: readonly string[], answerFiles: readonly string[], triageFiles: readonly string[]): CertainBar {
  const read = <T>(f: string) => readFileSync(f, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as T);
  const cases = triageFiles.flatMap((f) => read<{ case: { concern: string }; expect: { primary: string } }>(f));
  const ordinary = [
    ...questionFiles.flatMap((f) => read<{ q: string; risk?: unknown }>(f)).filter((x) => !x.risk).map((x) => x.q),
    ...answerFiles.flatMap((f) => read<{ text: string; risk: boolean }>(f)).filter((x) => !x.risk).map((x) => x.text),
    ...cases.filter((c) => c.expect.primary !== 'urgent-safeguarding').map((c) => c.case.concern),
  ].filter((t) => !checkSafety(t).flagged);
  const risks = cases.filter((c) => c.expect.primary === 'urgent-safeguarding' && !checkSafety(c.case.concern).flagged).map((c) => c.case.concern);
  return {
    ordinary: ordinary.length,
    ordinaryCertain: ordinary.filter((t) => net.certain(t)).length,
    highest: Math.max(...ordinary.map((t) => net.score(t))),
    risks: risks.length,
    risksCertain: risks.filter((t) => net.certain(t)).length,
  };
}
