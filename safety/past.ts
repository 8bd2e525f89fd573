/**
 * A risk told as past and over ("two years ago she was self-harming; discharged, well since"):
 * the gentle check-in, not the safety card. The words live in `safety/past-risk.yaml`, whose
 * header gives the three-part test and why. This module only runs that test; the patterns still
 * decide what a risk is, sentence by sentence, through the `raisesAlarm` callback.
 */
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { loadYaml } from '../text/load-yaml.js';
import { joinRegexList } from '../text/regex-list.js';

const PastFile = z
  .object({
    version: z.literal(1),
    past: z.array(z.string().min(1)).min(1),
    over: z.array(z.string().min(1)).min(1),
    current: z.array(z.string().min(1)).min(1),
    safeNow: z.array(z.string().min(1)).min(1),
  })
  .strict();

type Compiled = { past: RegExp; over: RegExp; current: RegExp; safeNow: RegExp };

export const DEFAULT_PAST_RISK_FILE = fileURLToPath(new URL('./past-risk.yaml', import.meta.url));

/** Reads and compiles a past-risk file; throws naming the file and field when one is wrong. */
export function loadPastRisk(file: string = DEFAULT_PAST_RISK_FILE): Compiled {
  const data = loadYaml(file, PastFile);
  const join = (field: 'past' | 'over' | 'current' | 'safeNow') => joinRegexList(file, field, data[field], true);
  return { past: join('past'), over: join('over'), current: join('current'), safeNow: join('safeNow') };
}

let defaults: Compiled | undefined;

/**
 * True when the message tells its risk as past and over. `sentences` are the message's
 * sentences, normalised for safety; `raisesAlarm` says whether one sentence, alone, would raise
 * the alarm. No sentence raising it alone (the risk spread over two) is never past and over.
 */
export function isPastAndOver(sentences: readonly string[], raisesAlarm: (sentence: string) => boolean, compiled: Compiled = (defaults ??= loadPastRisk())): boolean {
  const whole = sentences.join(' ');
  // "We are safe now" says it is over too.
  if (!(compiled.over.test(whole) || compiled.safeNow.test(whole))) return false;
  const alarming = sentences.map((s, i) => ({ s, i })).filter(({ s }) => raisesAlarm(s));
  if (alarming.length === 0 || !alarming.every(({ s }) => compiled.past.test(s))) return false;
  // Back to now in the sentence that told it or the one after ("...discharged. It has started again."), not in the
  // rest of the story ("he has meltdowns twice this term" is about school).
  return !alarming.some(({ i }) => compiled.current.test(sentences[i]!) || (sentences[i + 1] !== undefined && compiled.current.test(sentences[i + 1]!)));
}

/** The message says in so many words that everyone is safe now ("we are safe and settled"): the check-in's question is already answered. */
export function saysSafeNow(sentences: readonly string[], compiled: Compiled = (defaults ??= loadPastRisk())): boolean {
  return compiled.safeNow.test(sentences.join(' '));
}
