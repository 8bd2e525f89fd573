/**
 * Fixes from held-out set 24 (conversations written blind), tested through the real /api/messages: a vocal tic ("I'll
 * kill you") and a hypo told as last term's emergency are not safety cards; where the family works or has moved from
 * is not where they live; a deaf parent's deafness is not the child's hearing need; an opening under 40 words still gets
 * the open question, where families tell the rest. Wording written afresh, not copied from the set.
 */
import { describe, expect, it } from 'vitest';
import { all, answerToSummary, chatWithOwnService, skip, skipTo, stepOf, type Sent } from './helpers/deal-chat.js';

const { send, open } = chatWithOwnService('heard24');
const kinds = (r: Sent[]) => r.map((x) => x.deal?.kind);

describe('worrying words that carry no risk', () => {
  it('a vocal tic and an emergency told as the past get their answer, not a safety card', async () => {
    const tics = await send(await open(), "my daughter has tourettes and one of her vocal tics at the moment is shouting 'I'll kill you' at random, she hates it. school gave her a detention for it. can they do that?");
    expect(kinds(tics)).not.toContain('safety');
    expect(kinds(tics).some((k) => k === 'answer' || k === 'clarify')).toBe(true);
    const hypo = await send(await open(), 'my son has type 1 diabetes. last month he went unconscious in PE from a hypo and the school called an ambulance. now nobody will do his pump. who makes sure staff are trained?');
    expect(kinds(hypo)).not.toContain('safety');
    expect(all(hypo)).toMatch(/health ?care plan|medical/i);
  });
});

describe('where the family lives', () => {
  it('is not where they work or moved from', async () => {
    const id = await open();
    await send(id, 'my husband works out of weymouth on the ferries. we moved from weymouth to hamworthy in poole in the summer. our daughter is 9 and has an ehcp and the new school say they have not got it');
    const { summary } = await answerToSummary(send, id, await send(id, 'so who do i talk to'), (step) => (step === 'safety' ? 'no' : skip(step)));
    expect(all(summary)).toMatch(/Hamworthy|Poole|BCP/);
    expect(all(summary)).not.toMatch(/Where: Weymouth/);
  });

  it("a deaf parent's deafness is not the child's need", async () => {
    const id = await open();
    await send(id, 'Me Deaf, BSL first language. My daughter 2 year 5 month, she hearing, test at birth fine. She not many words. Dad also Deaf. We live Sherborne.');
    const { summary } = await answerToSummary(send, id, await send(id, 'what next please'), (step) => (step === 'safety' ? 'no' : skip(step)));
    expect(all(summary)).not.toMatch(/Hearing, sight/);
    expect(all(summary)).not.toMatch(/Setting: Mainstream/);
  });
});

describe('a short opening', () => {
  it('under 40 words still gets the open question about what is happening', async () => {
    const id = await open();
    await send(id, 'hi my daughter broke her leg badly in the summer and is in a wheelchair now and school say they cannot have her back yet, i dont know where to start');
    const replies = await skipTo(send, id, await send(id, 'can someone help me with this'), 'concern');
    expect(stepOf(replies)).toBe('concern');
  });
});
