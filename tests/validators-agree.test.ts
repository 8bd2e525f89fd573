/**
 * One validator per fact: whatever the chat accepts as a phone number, an email address or a
 * reference, the store accepts too (and the other way round), so a family is never told to
 * "press Send again" for a detail that can never be stored.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { validContact } from '../conversation/handover-flow.js';
import { referenceIn } from '../conversation/intents.js';
import { Contact, Reference } from '../handover/schema.js';

const phoneLike = fc.oneof(
  fc.stringMatching(/^(\+44 ?|0044 ?|0)[1-9][0-9 ()-]{8,13}$/),
  fc.constantFrom('04441234567', '+44 (0)7700 900123', '07700 900123', '07700-900-777', '+44 7700 900288', '01305 221000', '0770090012', '077009001234'),
  fc.string({ maxLength: 20 }),
);
const emailLike = fc.oneof(
  fc.emailAddress(),
  fc.constantFrom('someone@-bad.com', 'a?b@example.com', 'x&bcc=y@example.com', 'jo.bloggs@example.com', 'JO@EXAMPLE.ORG', 'a..b@example.com'),
  fc.string({ maxLength: 30 }),
);

describe('the chat and the store agree on every contact detail', () => {
  it('phone numbers', () => {
    fc.assert(
      fc.property(phoneLike, (typed) => {
        const chat = validContact('phone', typed);
        const store = Contact.safeParse({ name: 'Sam', bestTime: 'Any time', method: 'phone', detail: typed });
        expect(chat !== null, typed).toBe(store.success);
        if (chat && store.success) expect(chat).toBe(store.data.detail);
      }),
      { numRuns: 500 },
    );
  });

  it('email addresses', () => {
    fc.assert(
      fc.property(emailLike, (typed) => {
        const chat = validContact('email', typed);
        const store = Contact.safeParse({ name: 'Sam', bestTime: 'Any time', method: 'email', detail: typed });
        expect(chat !== null, typed).toBe(store.success);
        if (chat && store.success) expect(chat).toBe(store.data.detail);
      }),
      { numRuns: 500 },
    );
  });

  it('references, typed the way people type them', () => {
    for (const typed of ['deal 7k3f9q', 'DEAL-7K3F9Q', 'my ref is deal-7k3f9q.', 'Deal7K3F9Q']) {
      const found = referenceIn(typed);
      expect(found, typed).toBe('DEAL-7K3F9Q');
      expect(Reference.safeParse(found).success).toBe(true);
    }
    // Letters the reference alphabet leaves out (I, L, O, U) are never a reference.
    expect(referenceIn('deal-7k3f9o')).toBeNull();
  });
});
