/**
 * Requests for help in the family's own words start triage; a question with a topic of its own
 * stays a question for the knowledge base.
 */
import { describe, expect, it } from 'vitest';
import { intentOf } from '../conversation/intents.js';

describe('a typed request for help', () => {
  it('starts triage, however it is worded', () => {
    for (const text of ['ok so wat do i do', 'what happens now?', 'who should we speak to', 'can u help us pls', 'help me sort this out', 'where do we even start', 'so what would you suggest?', 'i dont know what to do next']) {
      expect(intentOf(text), text).toBe('start-triage');
    }
  });
  it('is not a question that names its own topic', () => {
    for (const text of ['what do i do about transport?', 'who do i talk to about an ehcp', 'can you help me with dla', 'what can i do about the bullying', 'help me understand the annual review']) {
      expect(intentOf(text), text).toBeNull();
    }
  });
});
