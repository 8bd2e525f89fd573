/**
 * Numbers for the safety check (triage/safety.ts), computed from the message lists in
 * tests/data/: how many risk messages it catches, how many ordinary SEND questions it wrongly
 * flags, and how long one check takes. Printed by `npm run bench`; the same lists are the
 * pass/fail lines in tests/safety.test.ts.
 *
 * recall            risk lines flagged with kind 'risk-of-harm'
 * needsPersonRecall needs-a-person lines flagged with kind 'needs-a-person'
 * falseAlarmRate    ordinary lines flagged at all
 * p50Micros/p99Micros  time per checkSafety call over every line, after a warm-up
 *
 * These lists were partly written before the patterns and partly used to improve them, so
 * recall here is a regression check, not an estimate of recall on wording never seen before.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { checkSafety } from './safety.js';

export const SAFETY_DATA = {
  risk: fileURLToPath(new URL('../tests/data/safety-risk.txt', import.meta.url)),
  needsPerson: fileURLToPath(new URL('../tests/data/safety-needs-person.txt', import.meta.url)),
  ordinary: fileURLToPath(new URL('../tests/data/safety-ordinary.txt', import.meta.url)),
} as const;

/** One message per line; blank lines and lines starting with # are skipped. */
export function readSafetyLines(file: string): string[] {
  return readFileSync(file, 'utf8')
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l.length > 0 && !l.startsWith('#'));
}

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
  const risk = readSafetyLines(SAFETY_DATA.risk);
  const needs = readSafetyLines(SAFETY_DATA.needsPerson);
  const ordinary = readSafetyLines(SAFETY_DATA.ordinary);
  const share = (xs: string[], ok: (t: string) => boolean) => (xs.length === 0 ? 0 : xs.filter(ok).length / xs.length);

  const recall = share(risk, (t) => checkSafety(t).kind === 'risk-of-harm');
  const needsPersonRecall = share(needs, (t) => checkSafety(t).kind === 'needs-a-person');
  const falseAlarmRate = share(ordinary, (t) => checkSafety(t).flagged);

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
