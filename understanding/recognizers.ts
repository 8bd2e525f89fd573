/**
 * Microsoft's text recognizers (the ones the Bot Framework's own prompts use), behind cheap
 * pre-checks. A call costs 0.1 ms on a short reply and 0.3 to 0.4 ms on a long message
 * (bench/understanding.ts --latency), so each is called only when a quick regular expression
 * says it can find something: a number word for the number recognizer, "old" after a number
 * for the age recognizer, a short reply to a yes/no question for the choice recognizer.
 * They are CommonJS packages, loaded on first use (`require`, synchronous): loading the three
 * costs about 0.3 s of CPU, which the server's start and most messages do not need
 * (`warmRecognizers` loads them after start-up, before a family needs them).
 */
import { createRequire } from 'node:module';

const load = createRequire(import.meta.url);
type ChoiceModule = typeof import('@microsoft/recognizers-text-choice');
type NumberModule = typeof import('@microsoft/recognizers-text-number');
type UnitModule = typeof import('@microsoft/recognizers-text-number-with-unit');

const CULTURE = 'en-us';

// Each package's recognizeX(text, culture) builds its recognizer and model on every call; we
// build each model once, on first use, which makes a call on a few words about three times cheaper.
type Model = { parse(text: string): { start: number; end: number; text: string; resolution?: Record<string, unknown> }[] };
let numberModel: Model | undefined;
let ageModel: Model | undefined;
let booleanModel: Model | undefined;
const numbers = (): Model =>
  (numberModel ??= new (load('@microsoft/recognizers-text-number') as NumberModule).NumberRecognizer(CULTURE).getNumberModel(CULTURE) as Model);
const ages = (): Model =>
  (ageModel ??= new (load('@microsoft/recognizers-text-number-with-unit') as UnitModule).NumberWithUnitRecognizer(CULTURE).getAgeModel(CULTURE) as Model);
const booleans = (): Model =>
  (booleanModel ??= new (load('@microsoft/recognizers-text-choice') as ChoiceModule).ChoiceRecognizer(CULTURE).getBooleanModel(CULTURE) as Model);

/** Loads the three recognizers and builds their models now (the server calls it once it is answering). */
export function warmRecognizers(): void {
  numbers();
  ages();
  booleans();
}

const WORD = '(?:zero|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|half|dozen)';
/** A run of number words ("twenty one", "two and a half"): only these few words go to the recognizer. */
const NUMBER_RUN = new RegExp(`\\b${WORD}(?:(?: and a| and| a)? ${WORD})*\\b`, 'g');
/** "seven years old", "eighteen months old" (in words; digits are read by age.ts's own patterns, at a fraction of the cost). */
const AGE_PHRASE = new RegExp(`\\b${WORD}(?:(?: and a| and| a)? ${WORD})* (?:years?|yrs?|months?|weeks?|days?) old\\b`, 'g');

export type NumberSpan = { start: number; end: number; value: number };

/** Numbers written in words ("fourteen", "two and a half", "twenty one"), with where they are. */
export function numbersInWords(text: string): NumberSpan[] {
  const out: NumberSpan[] = [];
  for (const run of text.matchAll(NUMBER_RUN)) {
    for (const r of numbers().parse(run[0])) {
      const value = Number(r.resolution?.value);
      if (!Number.isFinite(value) || value < 1) continue; // "a half" alone, "zero"
      out.push({ start: run.index + r.start, end: run.index + r.end + 1, value });
    }
  }
  return out;
}

export type AgeSpan = { start: number; end: number; years: number };

/** "seven years old", "18 months old", "two and a half years old", as whole years. */
export function agesInText(text: string): AgeSpan[] {
  const out: AgeSpan[] = [];
  for (const phrase of text.matchAll(AGE_PHRASE)) {
    const from = phrase.index;
    const window = phrase[0];
    for (const r of ages().parse(window)) {
    const value = Number(r.resolution?.value);
    const unit = String(r.resolution?.unit ?? '');
    if (!Number.isFinite(value)) continue;
    const years = unit === 'Year' ? value : unit === 'Month' ? value / 12 : unit === 'Week' || unit === 'Day' ? 0 : NaN;
    if (Number.isFinite(years)) out.push({ start: from + r.start, end: from + r.end + 1, years: Math.floor(years) });
    }
  }
  return out;
}

/** Yes or no at the start of a short reply, as the choice recognizer reads it. */
export function yesOrNo(text: string): boolean | undefined {
  const first = booleans().parse(text)[0];
  if (!first || first.start > 2) return undefined;
  const value = first.resolution?.value;
  return typeof value === 'boolean' ? value : undefined;
}
