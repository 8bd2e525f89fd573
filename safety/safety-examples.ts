/**
 * The reviewed example messages in `safety/safety-examples/`: risk of harm, needs a person, and
 * ordinary. They are the pass/fail lists of the patterns (tests/safety.test.ts), the training
 * data of the second net (safety-net.ts), and the numbers in `npm run bench`. Product data, so
 * they live here and not under tests/.
 *
 * One message per line; blank lines and lines starting with # are skipped. A comment line
 * starting `# --- blind set N` opens a set written by someone who had not seen the patterns;
 * the bench holds each such set out in turn to measure the net on wording it has not seen.
 * A set whose header says `covered by the second net` was not used to extend the patterns: the
 * tests require patterns or net to flag its lines, not the patterns alone.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const SAFETY_DATA = {
  risk: fileURLToPath(new URL('./safety-examples/risk.txt', import.meta.url)),
  needsPerson: fileURLToPath(new URL('./safety-examples/needs-person.txt', import.meta.url)),
  ordinary: fileURLToPath(new URL('./safety-examples/ordinary.txt', import.meta.url)),
} as const;

export type SafetyLine = {
  text: string;
  /** The blind set the line belongs to, or null. */
  blindSet: number | null;
  /** True for a set the patterns were not extended for (see above). */
  netOnly: boolean;
};

/** Every message of a list, with the blind set it came from. */
export function readSafetyExamples(file: string): SafetyLine[] {
  const lines: SafetyLine[] = [];
  let blindSet: number | null = null;
  let netOnly = false;
  for (const raw of readFileSync(file, 'utf8').split(/\r?\n/)) {
    const line = raw.trim();
    if (line.startsWith('# ---')) {
      const set = /^# --- blind set (\d+)/.exec(line);
      blindSet = set ? Number(set[1]) : null;
      netOnly = line.includes('covered by the second net');
      continue;
    }
    if (line.length > 0 && !line.startsWith('#')) lines.push({ text: line, blindSet, netOnly });
  }
  return lines;
}

/** The messages of a list, without their sets. */
export function readSafetyLines(file: string): string[] {
  return readSafetyExamples(file).map((line) => line.text);
}

/** The messages the patterns alone must get right: every line except sets covered by the second net. */
export function readPatternExamples(file: string): string[] {
  return readSafetyExamples(file)
    .filter((line) => !line.netOnly)
    .map((line) => line.text);
}
