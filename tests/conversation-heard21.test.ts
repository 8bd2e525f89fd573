/**
 * A fix from held-out set 21 (conversations written blind), tested through the real /api/messages: an opening of
 * thirty words or more that names no worry ("the teacher stopped me at pick up, he is struggling and they want a
 * meeting") has not said what is happening, so the open question is still asked, and what the family tells there
 * (a child left alone at night) gets the safety card. Wording written afresh, not copied from the set.
 */
import { describe, expect, it } from 'vitest';
import { all, chatWithOwnService, skip, stepOf } from './helpers/deal-chat.js';

const { send, open } = chatWithOwnService('heard21');

describe('a longer opening that names no worry', () => {
  it('still gets the open question, and a disclosure there gets the safety card', async () => {
    const id = await open();
    await send(id, 'hiya just after some advice for my daughter, she is 9 and at the primary school in Weymouth, her teacher stopped me at the gate after school and said she is struggling and they want a meeting next week');
    let replies = await send(id, 'what should i do');
    const steps: string[] = [];
    for (let i = 0; i < 10 && stepOf(replies) && stepOf(replies) !== 'concern' && stepOf(replies) !== 'confirm'; i++) {
      steps.push(stepOf(replies)!);
      replies = await send(id, stepOf(replies) === 'safety' ? 'no' : skip(stepOf(replies)!));
    }
    expect(stepOf(replies)).toBe('concern');
    const card = await send(id, "she's tired cos i work nights at the hospital and there's nobody else, so she's in the house on her own till i get back at 8");
    expect(card.map((r) => r.deal?.kind)).toContain('safety');
    expect(all(card)).toMatch(/999/);
  });
});
