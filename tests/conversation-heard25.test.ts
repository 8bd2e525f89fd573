/**
 * Fixes from held-out set 25 (conversations written blind), tested through the real /api/messages: a seizure told with
 * when it happened ("last Friday... went blue... the ambulance came, she's completely fine") and the school's plan "if he
 * fits they'll ring 999" are health care plan questions, not safety cards; where a child had surgery is not where the
 * family lives; a child "now at the Learning Centre" after an exclusion is in alternative provision, and a refused
 * assessment there goes to independent advice first; "in reception" is school even when the story began at nursery.
 * Wording written afresh, not copied from the set.
 */
import { describe, expect, it } from 'vitest';
import { all, answerToSummary, chatWithOwnService, skip, type Sent } from './helpers/deal-chat.js';

const { send, open } = chatWithOwnService('heard25');
const kinds = (r: Sent[]) => r.map((x) => x.deal?.kind);

describe('a medical emergency that is over', () => {
  it('is a question about care at school, not a safety card', async () => {
    const past = await send(await open(), "My son is 8 with epilepsy. Last Friday he had a long seizure at school, turned blue and they rang 999 - he's completely fine now. The school now say nobody will give his buccal midazolam. Is that allowed?");
    expect(kinds(past)).not.toContain('safety');
    expect(all(past)).toMatch(/health ?care plan|medical/i);
    const plan = await send(await open(), "my daughter has epilepsy and the new head says if she has a seizure they will just call an ambulance and wait, no one is trained for her rescue meds. who should train them?");
    expect(kinds(plan)).not.toContain('safety');
  });
});

describe('what the family told us', () => {
  it('a hospital town is not home', async () => {
    const id = await open();
    await send(id, 'my son had heart surgery at Bristol when he was a baby, he is 2 now and not talking yet, we are worried');
    const { summary } = await answerToSummary(send, id, await send(id, 'what should we do'), (step) => (step === 'safety' ? 'no' : step === 'place' ? 'Bridport' : skip(step)));
    expect(all(summary)).toMatch(/Bridport/);
    expect(all(summary)).not.toMatch(/Bristol/);
  });

  it('a child now at a Learning Centre whose assessment was refused gets independent advice first', async () => {
    const id = await open();
    await send(id, 'my nephew is 14, he got permanently excluded in year 8 and now goes to the learning centre in weymouth. his mum asked for an ehc needs assessment and the council said no last month. she wants to know if she can appeal');
    const { summary } = await answerToSummary(send, id, await send(id, 'what should she do'), (step) => (step === 'safety' ? 'no' : step === 'place' ? 'Weymouth' : skip(step)));
    expect(all(summary)).toMatch(/Alternative provision|Learning Centre/i);
    expect(all(summary)).not.toMatch(/Not in school right now/);
    const result = await send(id, "yes that's right");
    expect(all(result)).toMatch(/SENDIASS|Tribunal|mediation/);
  });

  it('"in reception" is school, even after a story about nursery', async () => {
    const id = await open();
    await send(id, 'My son is 5 and in reception at the village school. He had SEN support right through pre-school and has Down syndrome. His 1:1 is paid by the school and the SENCO thinks we should ask for an EHCP.');
    const { summary } = await answerToSummary(send, id, await send(id, 'what happens next'), (step) => (step === 'safety' ? 'no' : step === 'place' ? 'Sherborne' : skip(step)));
    expect(all(summary)).toMatch(/Mainstream/);
    expect(all(summary)).not.toMatch(/Nursery, pre-school/);
    expect(all(summary)).not.toMatch(/it has just started/);
  });
});
