/**
 * Where a turn's CPU goes, per function, in ms per message, over every bench question text
 * (bench/data, as bench/traffic.ts uses them), beside a baseline checkout measured in the same run:
 *
 *   node --import tsx bench/turn-cpu.ts [--baseline DIR] [--rounds N]
 *
 * DIR is another checkout of this project (for example `git archive main | tar -x -C DIR`, with
 * node_modules linked); its modules are loaded beside ours in this process, each with its own
 * data, and the two are timed in turn, round after round, so load on the machine falls on both.
 * CPU time (`process.cpuUsage`, user + system), not wall-clock: other processes barely move it.
 * Also checks that both give the same answers (safety, facts, search results, triage), so a
 * speed-up that changed behaviour shows here first.
 *
 * Stages: the safety check with its second net; the understander (no step, and as an answer to
 * each triage question); the knowledge search; the triage engine as the conversation uses it to
 * choose the next question (the case, then each candidate answer of each missing fact); and whole
 * front-door turns (a question outside any flow, then a triage session answered in text).
 */
import { CANDIDATES as TRIAGE_CANDIDATES } from '../conversation/triage-flow.js';
import { readdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

type Impl = { name: string; run: Record<string, (text: string) => unknown> };

const args = process.argv.slice(2);
const option = (name: string) => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);
const ROUNDS = Number(option('--rounds') ?? 5);
const ROOT = resolve(new URL('..', import.meta.url).pathname);
const BASELINE = option('--baseline');
/** `--only STAGE`: one stage (a prefix of its name), for profiling. */
const ONLY = option('--only');

const DATA = new URL('./data/', import.meta.url);
const texts = [
  ...new Set(
    readdirSync(DATA)
      .filter((f) => /-(questions|out-of-scope)(-\d+)?\.jsonl$/.test(f))
      .sort()
      .flatMap((f) => readFileSync(new URL(f, DATA), 'utf8').split('\n').filter((l) => l.trim()).map((l) => { const j = JSON.parse(l) as { q?: string; text?: string }; return j.q ?? j.text ?? ''; })),
  ),
].filter(Boolean);

/** Values tried for each missing fact: the front door's own (the cost that matters is how many runs). */
const CANDIDATES: Record<string, unknown[]> = TRIAGE_CANDIDATES as Record<string, unknown[]>;
const STEPS = ['requester', 'childAge', 'setting', 'place', 'needs', 'senSupport', 'externalAdvice', 'ehcp', 'diagnosis'];
const ANSWERS = ['my son is 9', 'weymouth', 'mainstream school', 'yes', 'no not yet', 'he has autism', 'we applied in march', 'not sure', 'skip'];

async function load(root: string, name: string): Promise<Impl> {
  const mod = async <T>(path: string) => (await import(pathToFileURL(`${root}/${path}`).href)) as T;
  const { loadKnowledgeBase } = await mod<typeof import('../knowledge/load.js')>('knowledge/load.ts');
  const { KnowledgeSearch } = await mod<typeof import('../knowledge/search.js')>('knowledge/search.ts');
  const { checkWithNet, defaultSafetyNet } = await mod<typeof import('../safety/safety-net.js')>('safety/safety-net.ts');
  const { understand } = await mod<typeof import('../understanding/understand.js')>('understanding/understand.ts');
  const { triage } = await mod<typeof import('../triage/engine.js')>('triage/engine.ts');
  const { toTriageCase } = await mod<typeof import('../conversation/triage-flow.js')>('conversation/triage-flow.ts');
  const { FrontDoor } = await mod<typeof import('../conversation/front-door.js')>('conversation/front-door.ts');
  const { createFlows } = await mod<typeof import('../conversation/flows.js')>('conversation/flows.ts');
  const { Glossary } = await mod<typeof import('../knowledge/glossary.js')>('knowledge/glossary.ts');
  const { freshConversation } = await mod<typeof import('../conversation/state.js')>('conversation/state.ts');

  const kb = loadKnowledgeBase();
  const search = new KnowledgeSearch(kb);
  const checkSafety = checkWithNet(defaultSafetyNet(kb.articles.flatMap((a) => [a.title, ...a.questions])));
  const handovers = {
    consent: () => ({ version: 'bench', text: 'bench' }),
    submit: async () => {
      throw new Error('no handovers in this bench');
    },
    checkStatus: () => null,
  } as unknown as Parameters<typeof createFlows>[0]['handovers'];
  const flows = createFlows({ kb, publicUrl: 'http://127.0.0.1:9', handovers });
  const frontDoor = new FrontDoor({ kb, search, glossary: new Glossary(kb.glossary), checkSafety, publicUrl: 'http://127.0.0.1:9', ...flows });

  /** The next-question search of triage-flow.ts over a case built from what the text says. */
  const nextQuestion = (text: string) => {
    const heard = understand(text).facts as Record<string, unknown>;
    const answers = { ...heard, concern: text };
    const decisions: string[] = [];
    const run = (change: Record<string, unknown>) => {
      const r = triage(toTriageCase({ ...answers, ...change } as never));
      decisions.push(`${r.primary}|${r.urgency}|${r.handover}|${r.locality === null}`);
    };
    run({});
    for (const [id, values] of Object.entries(CANDIDATES)) if (heard[id] === undefined) for (const v of values) run({ [id]: v });
    for (const a of CANDIDATES.senSupport!) for (const b of CANDIDATES.externalAdvice!) run({ senSupport: a, externalAdvice: b });
    return decisions;
  };
  const turn = async (state: ReturnType<typeof freshConversation>, text: string, value?: unknown) =>
    frontDoor.handle({ text, ...(value ? { value } : {}), channel: 'webchat', audience: 'family' }, state);
  const session = async (text: string) => {
    const state = freshConversation();
    const out: unknown[] = [await turn(state, text)];
    out.push(await turn(state, '', { action: 'start-triage' }));
    for (let i = 0; i < 12 && state.mode === 'triage' && state.step !== 'confirm'; i++) out.push(await turn(state, ANSWERS[i % ANSWERS.length]!));
    if (state.step === 'confirm') out.push(await turn(state, 'yes'));
    return JSON.stringify(out);
  };
  return {
    name,
    run: {
      'safety (patterns + net)': (t) => checkSafety(t),
      'understand (no step)': (t) => understand(t),
      'understand (each step)': (t) => STEPS.map((step) => understand(t, { step: step as never })),
      'search': (t) => search.search(t, { limit: 3, audience: 'parent' }),
      'triage, next question': nextQuestion,
      'front door: question turn': (t) => turn(freshConversation(), t),
      'front door: triage session': session,
    },
  };
}

const cpu = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

const impls = [await load(ROOT, 'this checkout')];
if (BASELINE) impls.unshift(await load(resolve(BASELINE), 'baseline'));
console.log(`${texts.length} question texts; ${ROUNDS} rounds; CPU ms per message (median of rounds); ${impls.map((i) => `${i.name}: ${i.name === 'baseline' ? resolve(BASELINE!) : ROOT}`).join('; ')}\n`);

const stages = Object.keys(impls[0]!.run).filter((s) => !ONLY || s.startsWith(ONLY));
const results = new Map<string, number[][]>(stages.map((s) => [s, impls.map(() => [])]));
const differences: string[] = [];
for (const stage of stages) {
  const answers = impls.map(() => [] as string[]);
  for (let round = 0; round < ROUNDS; round++) {
    for (const [i, impl] of impls.entries()) {
      const f = impl.run[stage]!;
      const out: unknown[] = [];
      const start = cpu();
      for (const t of texts) out.push(await f(t));
      results.get(stage)![i]!.push((cpu() - start) / texts.length);
      if (round === 0) answers[i] = out.map((o) => JSON.stringify(o));
    }
  }
  if (impls.length === 2) {
    const diff = texts.filter((_, k) => answers[0]![k] !== answers[1]![k]);
    if (diff.length > 0) differences.push(`${stage}: ${diff.length} texts differ, first: ${JSON.stringify(diff[0])}`);
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)]!;
console.log(`${'stage'.padEnd(30)}${impls.map((i) => i.name.padStart(16)).join('')}${impls.length === 2 ? '   after/before' : ''}`);
for (const stage of stages) {
  const m = results.get(stage)!.map(median);
  console.log(`${stage.padEnd(30)}${m.map((x) => x.toFixed(3).padStart(16)).join('')}${m.length === 2 ? (m[1]! / m[0]!).toFixed(2).padStart(15) : ''}`);
}
if (impls.length === 2) console.log(differences.length === 0 ? '\nSame answers from both for every stage and text.' : `\nDIFFERENT ANSWERS:\n  ${differences.join('\n  ')}`);
