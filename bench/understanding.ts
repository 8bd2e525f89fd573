/**
 * How well the understander reads families' messages, fact by fact, beside today's behaviour.
 *
 *   node --import tsx bench/understanding.ts [files...]     (default bench/data/understanding-*.jsonl)
 *   node --import tsx bench/understanding.ts --latency      (cost per call, and of each recognizer)
 *
 * Each line: {"text": "...", "facts": {...only the facts the message states...}} with the field
 * names of `Understood.facts`; `town` is compared ignoring case, `needs` as a set (precision and
 * recall per need). Printed per fact: precision, recall; and per message the share whose facts
 * are all exactly right (nothing missing, nothing extra).
 *
 * Baselines: "today" is what the conversation does now with a first message: nothing (it is
 * never read). "today, per step" is fairer: each of conversation/triage-questions.ts's step
 * parsers applied to the whole message, as if it answered every question at once.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { z } from 'zod';
import { STEPS_BY_ID } from '../conversation/triage-questions.js';
import { resolveLocality } from '../triage/locality.js';
import { agesInText, numbersInWords, yesOrNo } from '../understanding/recognizers.js';
import { understand, type Understood } from '../understanding/understand.js';

type Facts = Understood['facts'];
const KEYS = ['requester', 'childAge', 'setting', 'town', 'postcode', 'needs', 'senSupport', 'externalAdvice', 'ehcp', 'diagnosis'] as const;
type Key = (typeof KEYS)[number];

const Line = z.object({ text: z.string(), facts: z.record(z.string(), z.unknown()) }).strict();

function readLines(files: string[]): { text: string; facts: Facts; where: string }[] {
  return files.flatMap((file) =>
    readFileSync(file, 'utf8')
      .split('\n')
      .map((l, i) => [l.trim(), i + 1] as const)
      .filter(([l]) => l.length > 0)
      .map(([l, n]) => {
        const parsed = Line.safeParse(JSON.parse(l));
        if (!parsed.success) throw new Error(`${file}:${n}: ${parsed.error.issues[0]?.message}`);
        for (const k of Object.keys(parsed.data.facts)) if (!(KEYS as readonly string[]).includes(k)) throw new Error(`${file}:${n}: unknown fact '${k}'`);
        return { text: parsed.data.text, facts: parsed.data.facts as Facts, where: `${file}:${n}` };
      }),
  );
}

const POSTCODE = /^\s*([a-z]{1,2}\d[a-z\d]?)(\s*\d[a-z]{2})?\s*$/i;
/** Today's per-step parsers, each applied to the whole message. */
function todayPerStep(text: string): Facts {
  const out: Record<string, unknown> = {};
  const parse = (id: string) => STEPS_BY_ID[id as keyof typeof STEPS_BY_ID]?.parse?.(text);
  for (const id of ['requester', 'setting', 'needs', 'senSupport', 'externalAdvice', 'ehcp', 'diagnosis']) {
    const v = parse(id);
    if (v !== undefined) out[id] = v;
  }
  const age = parse('childAge');
  if (typeof age === 'number') out.childAge = age;
  if (POSTCODE.test(text)) out.postcode = text.trim().toUpperCase();
  else {
    const r = resolveLocality({ town: text.trim() });
    if (r.status === 'dorset' || r.status === 'out-of-area') out.town = text.trim();
  }
  return out as Facts;
}

type Counts = { tp: number; fp: number; fn: number };
function score(lines: { facts: Facts }[], predict: (i: number) => Facts) {
  const per = Object.fromEntries(KEYS.map((k) => [k, { tp: 0, fp: 0, fn: 0 }])) as Record<Key, Counts>;
  let exact = 0;
  lines.forEach((line, i) => {
    const got = predict(i);
    let allRight = true;
    for (const k of KEYS) {
      const want = line.facts[k];
      const have = got[k];
      const c = per[k];
      if (k === 'needs') {
        const w = new Set((want as string[] | undefined) ?? []);
        const h = new Set((have as string[] | undefined) ?? []);
        for (const n of h) (w.has(n) ? c.tp++ : c.fp++);
        for (const n of w) if (!h.has(n)) c.fn++;
        if (w.size !== h.size || [...w].some((n) => !h.has(n))) allRight = false;
        continue;
      }
      const same = (a: unknown, b: unknown) => (k === 'town' ? String(a).toLowerCase() === String(b).toLowerCase() : a === b);
      if (have !== undefined && want !== undefined && same(have, want)) c.tp++;
      else {
        if (have !== undefined) c.fp++;
        if (want !== undefined) c.fn++;
        if (have !== undefined || want !== undefined) allRight = false;
      }
    }
    if (allRight) exact++;
  });
  return { per, exact: exact / Math.max(1, lines.length) };
}

const pct = (x: number) => (Number.isFinite(x) ? `${(100 * x).toFixed(0)}%`.padStart(5) : '  n/a');
function table(lines: { facts: Facts }[], systems: [string, (i: number) => Facts][]): void {
  const results = systems.map(([name, f]) => [name, score(lines, f)] as const);
  const head = ['fact'.padEnd(15), 'labels'.padStart(6), ...results.map(([n]) => `${n} P / R`.padStart(24))].join(' ');
  console.log(head);
  for (const k of KEYS) {
    const labels = results[0]![1].per[k].tp + results[0]![1].per[k].fn;
    const cells = results.map(([, r]) => {
      const c = r.per[k];
      return `${pct(c.tp / (c.tp + c.fp))} / ${pct(c.tp / (c.tp + c.fn))}`.padStart(24);
    });
    console.log([k.padEnd(15), String(labels).padStart(6), ...cells].join(' '));
  }
  const all = (r: ReturnType<typeof score>) => {
    const t = Object.values(r.per).reduce((a, c) => ({ tp: a.tp + c.tp, fp: a.fp + c.fp, fn: a.fn + c.fn }), { tp: 0, fp: 0, fn: 0 });
    return `${pct(t.tp / (t.tp + t.fp))} / ${pct(t.tp / (t.tp + t.fn))}`.padStart(24);
  };
  console.log(['all facts'.padEnd(15), ''.padStart(6), ...results.map(([, r]) => all(r))].join(' '));
  console.log(['exact messages'.padEnd(15), ''.padStart(6), ...results.map(([, r]) => pct(r.exact).padStart(24))].join(' '));
}

function latency(texts: string[]): void {
  const time = (name: string, f: (t: string) => unknown, inputs: string[]) => {
    for (let i = 0; i < 3; i++) for (const t of inputs) f(t);
    const runs: number[] = [];
    for (let i = 0; i < 20; i++) for (const t of inputs) {
      const s = performance.now();
      f(t);
      runs.push(performance.now() - s);
    }
    runs.sort((a, b) => a - b);
    const mean = runs.reduce((a, b) => a + b, 0) / runs.length;
    console.log(`${name.padEnd(44)} mean ${mean.toFixed(3)} ms  p50 ${runs[Math.floor(runs.length / 2)]!.toFixed(3)}  p95 ${runs[Math.floor(runs.length * 0.95)]!.toFixed(3)}`);
  };
  const { recognizeNumber } = numberModule;
  const { recognizeAge } = ageModule;
  const { recognizeBoolean } = choiceModule;
  time('understand(message), no step', (t) => understand(t), texts);
  time("understand(short reply, {step:'ehcp'})", (t) => understand(t, { step: 'ehcp' }), ['yes', 'no not yet', 'we applied in march', 'declined']);
  time('recognizeNumber, always (messages)', (t) => recognizeNumber(t, 'en-us'), texts);
  time('recognizeAge, always (messages)', (t) => recognizeAge(t, 'en-us'), texts);
  time('recognizeBoolean, always (messages)', (t) => recognizeBoolean(t, 'en-us'), texts);
  time('recognizeBoolean, short replies', (t) => recognizeBoolean(t, 'en-us'), ['yes', 'no', 'nope', 'yes please']);
  time('numbersInWords (pre-checked)', numbersInWords, texts);
  time('agesInText (pre-checked)', agesInText, texts);
  time('yesOrNo (short replies only)', yesOrNo, ['yes', 'no', 'nope', 'yes please']);
}

import * as numberModule from '@microsoft/recognizers-text-number';
import * as ageModule from '@microsoft/recognizers-text-number-with-unit';
import * as choiceModule from '@microsoft/recognizers-text-choice';

const args = process.argv.slice(2);
const files = args.filter((a) => !a.startsWith('--'));
const defaults = readdirSync(new URL('./data/', import.meta.url))
  .filter((f) => /^understanding-.*\.jsonl$/.test(f))
  .map((f) => new URL(`./data/${f}`, import.meta.url).pathname);
const lines = readLines(files.length > 0 ? files : defaults);
console.log(`${lines.length} labelled messages from ${files.length > 0 ? files.join(', ') : 'bench/data/understanding-*.jsonl'}\n`);
const mine = lines.map((l) => understand(l.text).facts);
const perStep = lines.map((l) => todayPerStep(l.text));
table(lines, [
  ['understander', (i) => mine[i]!],
  ['today (first message)', () => ({})],
  ['today, per step', (i) => perStep[i]!],
]);
if (args.includes('--verbose')) {
  lines.forEach((l, i) => {
    const got = JSON.stringify(mine[i]);
    const want = JSON.stringify(l.facts);
    const norm = (f: Facts) => JSON.stringify(Object.fromEntries(Object.entries(f).map(([k, v]) => [k, k === 'town' ? String(v).toLowerCase() : Array.isArray(v) ? [...v].sort() : v]).sort()));
    if (norm(mine[i]!) !== norm(l.facts)) console.log(`\n${l.where}\n  ${l.text}\n  want ${want}\n  got  ${got}`);
  });
}
if (args.includes('--latency')) {
  console.log('');
  latency(lines.map((l) => l.text));
}
