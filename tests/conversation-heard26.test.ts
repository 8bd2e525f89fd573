/**
 * Fixes from round 26 and the misses left from round 25, tested through the real /api/messages: a long story that
 * names no worry is not asked "what is happening?" again, only what the worry is. Wording written afresh, not copied
 * from the sets.
 */
import { describe, expect, it } from 'vitest';
import { all, chatWithOwnService, stepOf } from './helpers/deal-chat.js';

const { send, open } = chatWithOwnService('heard26');

describe('a long story that names no worry', () => {
  it('is asked what the worry is, not what is happening', async () => {
    const id = await open();
    const first = await send(id, "My wife and I are 70 and we have looked after our granddaughter since she was three, she is nine now and at the first school in Gillingham. The teacher keeps sending letters home about a meeting and a plan and we don't really follow it. Please could somebody phone us and go through it?");
    expect(stepOf(first)).toBe('concern');
    expect(all(first)).toMatch(/most worried about/);
    expect(all(first)).not.toMatch(/In a sentence or two, what is happening/);
  });

  it('a short message with no story is still asked what is happening', async () => {
    const first = await send(await open(), 'can someone phone me please');
    expect(stepOf(first)).toBe('concern');
    expect(all(first)).toMatch(/In a sentence or two, what is happening/);
  });
});
