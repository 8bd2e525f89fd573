/** The redactor that stands between a family's question and the insight store (insight/redact.ts). */
import { describe, expect, it } from 'vitest';
import { redact, wordCount } from '../insight/redact.js';
import { rowForTurn } from '../insight/record.js';
import { STOPWORDS } from '../knowledge/text.js';

const known = new Set([...STOPWORDS, 'school', 'autism', 'weymouth', 'dorset', 'ehcp', 'holiday', 'club', 'ask', 'respite', 'support']);

describe('redact', () => {
  it.each([
    ['my son is called Zorblat Quimby and he needs respite', 'my son is called [name] and he needs respite'],
    ["My daughter's name is amelia-rose, can she get a trampoline club?", "My daughter's name is [name], can she get a trampoline club?"],
    ['our child is named Kit, what now', 'our child is named [name], what now'],
    ['my son Jake has no school place', 'my son [name] has no school place'],
    ['my name is Sally and I am his nan', 'my name is [name] and I am his nan'],
    ["he's called Bob", "he's called [name]"],
  ])('names: %s', (input, output) => {
    expect(redact(input).text).toBe(output);
  });

  it.each([
    ['call 07700 900123 please', 'call [phone] please'],
    ['tel +44 (0)1305 221000', 'tel [phone]'],
    ['ring 01305-221-000', 'ring [phone]'],
    ['email jo.bloggs+sen@example.co.uk', 'email [email]'],
    ['jo (at) example (dot) com', '[email]'],
    ['we live at DT1 1AA', 'we live at [postcode]'],
    ['near bh218qz', 'near [postcode]'],
    ['born on 3/4/2015', 'born on [date]'],
    ['dob: 12.06.2015', 'dob: [date]'],
    ['his birthday is 5th May 2016', 'his birthday is [date]'],
    ['born March 14 2016', 'born [date]'],
    ['born in 2016, is he in year 3?', 'born [date], is he in year 3?'],
    ['ref DEAL-7K3F9Q', 'ref [reference]'],
    ['my reference is deal 7k3f9q', 'my reference is [reference]'],
    ['it was 7K3F9Q i think', 'it was [reference] i think'],
  ])('contact details, dates and references: %s', (input, output) => {
    expect(redact(input).text).toBe(output);
  });

  it('leaves ordinary questions alone, and counts what it replaced', () => {
    expect(redact('my son is autistic, what help is there?')).toEqual({ text: 'my son is autistic, what help is there?', redactions: 0 });
    expect(redact('is there a holiday club for children in year 7?').redactions).toBe(0);
    expect(redact('call 07700 900123 or jo@example.org').redactions).toBe(2);
  });

  it('with known words, takes other capitalised words inside a sentence for names', () => {
    expect(redact('Is there a holiday club in Weymouth for Autism? Ask Bertha at School.', { knownWords: known }).text).toBe(
      'Is there a holiday club in Weymouth for Autism? Ask [name] at School.',
    );
    expect(redact('does SEN support need an EHCP?', { knownWords: known }).text).toBe('does SEN support need an EHCP?');
    expect(redact('Quenby Smith. Can she get respite?', { knownWords: known }).text).toBe('[name] [name]. Can she get respite?');
  });

  it('counts words', () => {
    expect(wordCount('  what is an  EHCP ? ')).toBe(4);
  });
});

describe('rowForTurn', () => {
  const now = new Date('2026-03-04T10:47:13.123Z');
  it('keeps a short unanswered question, redacted, and the time to the hour', () => {
    const row = rowForTurn({ channel: 'webchat', audience: 'family', text: 'can Ziggy Stardust at DT1 1AA get respite?', replies: [{ kind: 'text', text: 'x', deal: { kind: 'not-sure' } }] }, now, known);
    expect(row).toMatchObject({ kind: 'not-sure', hour: Date.parse('2026-03-04T10:00:00Z'), question: 'can [name] [name] at [postcode] get respite?', questionTooLong: false });
  });
  it('does not keep a text with no word the knowledge base knows (a name typed alone)', () => {
    const row = rowForTurn({ channel: 'webchat', text: 'quenby zorblatt', replies: [{ kind: 'text', text: 'x', deal: { kind: 'not-sure' } }] }, now, known);
    expect(row).toMatchObject({ question: null, questionTooLong: true });
  });
  it('counts, and does not keep, a long question', () => {
    const text = Array.from({ length: 26 }, (_, i) => `word${i}`).join(' ');
    const row = rowForTurn({ channel: 'webchat', text, replies: [{ kind: 'text', text: 'x', deal: { kind: 'clarify', articles: ['ehc-plan', 'sen-support'] } }] }, now);
    expect(row).toMatchObject({ kind: 'clarify', question: null, questionTooLong: true, articles: ['ehc-plan', 'sen-support'] });
  });
  it('keeps no text for answers, and names a check-in followed by an answer an answer with its safety kind', () => {
    const row = rowForTurn(
      {
        channel: 'teams',
        text: 'my son Jake is scared',
        replies: [
          { kind: 'text', text: 'x', deal: { kind: 'checkin', safety: 'possible-risk' } },
          { kind: 'text', text: 'y', deal: { kind: 'answer', articles: ['ehc-plan'] } },
        ],
      },
      now,
    );
    expect(row).toMatchObject({ kind: 'answer', safety: 'possible-risk', question: null, articles: ['ehc-plan'], audience: 'professional' });
  });
});
