/**
 * Microsoft's text recognizers (the ones the Bot Framework's own prompts use), behind cheap
 * pre-checks. A call costs 0.1 ms on a short reply and 0.3 to 0.4 ms on a long message
 * (bench/understanding.ts --latency), so each is called only when a quick regular expression
 * says it can find something: a number word for the number recognizer, "old" after a number
 * for the age recognizer, a short reply to a yes/no question for the choice recognizer.
 * They are CommonJS packages; Node's ESM loader gives us their named exports.
 */
import { recognizeBoolean } from '@microsoft/recognizers-text-choice';
import { recognizeNumber } from '@microsoft/recognizers-text-number';
import { recognizeAge } from '@microsoft/recognizers-text-number-with-unit';

const CULTURE = 'en-us';

const NUMBER_WORD =
  /\b(zero|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|half|dozen)\b/;
const AGE_PHRASE = /\b(\d+|[a-z]+teen|twenty|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|half)( and a half)? (years?|yrs?|months?|weeks?|days?) old\b/;

export type NumberSpan = { start: number; end: number; value: number };

/** Numbers written in words ("fourteen", "two and a half", "twenty one"), with where they are. */
export function numbersInWords(text: string): NumberSpan[] {
  if (!NUMBER_WORD.test(text)) return [];
  const out: NumberSpan[] = [];
  for (const r of recognizeNumber(text, CULTURE)) {
    if (/^[\d.\s]+$/.test(r.text)) continue; // digits: read by our own patterns
    const value = Number(r.resolution?.value);
    if (!Number.isFinite(value) || value < 1) continue; // "a half" alone, "zero"
    out.push({ start: r.start, end: r.end + 1, value });
  }
  return out;
}

export type AgeSpan = { start: number; end: number; years: number };

/** "seven years old", "18 months old", "two and a half years old", as whole years. */
export function agesInText(text: string): AgeSpan[] {
  if (!AGE_PHRASE.test(text)) return [];
  const out: AgeSpan[] = [];
  for (const r of recognizeAge(text, CULTURE)) {
    const value = Number(r.resolution?.value);
    const unit = String(r.resolution?.unit ?? '');
    if (!Number.isFinite(value)) continue;
    const years = unit === 'Year' ? value : unit === 'Month' ? value / 12 : unit === 'Week' || unit === 'Day' ? 0 : NaN;
    if (Number.isFinite(years)) out.push({ start: r.start, end: r.end + 1, years: Math.floor(years) });
  }
  return out;
}

/** Yes or no at the start of a short reply, as the choice recognizer reads it. */
export function yesOrNo(text: string): boolean | undefined {
  const first = recognizeBoolean(text, CULTURE)[0];
  if (!first || first.start > 2) return undefined;
  const value = first.resolution?.value;
  return typeof value === 'boolean' ? value : undefined;
}
