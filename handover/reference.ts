/**
 * New handover references: `DEAL-` and 6 characters from a 30-character alphabet without
 * look-alikes (no 0, O, 1, I, L or U), chosen with a cryptographic random number generator
 * so they cannot be guessed from one another. 30^6 is about 729 million; the store checks
 * each new reference is unused and draws again if not.
 *
 * A reference alone never reveals anything: "check my reference" also needs the contact detail.
 */
import { randomInt } from 'node:crypto';
import { REFERENCE_ALPHABET, REFERENCE_LENGTH, REFERENCE_PREFIX } from './schema.js';

export function generateReference(): string {
  let body = '';
  for (let i = 0; i < REFERENCE_LENGTH; i++) body += REFERENCE_ALPHABET[randomInt(REFERENCE_ALPHABET.length)];
  return `${REFERENCE_PREFIX}${body}`;
}
