/**
 * General fixes from held-out set 12 (conversations, questions and triage cases written blind), tested through the
 * real /api/messages: a family's story that asks to be guided or called back, and that an article clearly answers,
 * gets that answer in the same turn as the first question; more ways of asking to be guided start the questions;
 * a sensory complaint about a school tie is not an alarm. The wordings are written here afresh, not the scripts'.
 */
import { describe, expect, it } from 'vitest';
import { all, chatWithOwnService, type Sent, stepOf } from './helpers/deal-chat.js';

const { send, open } = chatWithOwnService('heard12');
const kinds = (r: Sent[]) => r.map((x) => x.deal?.kind);

describe('a story that asks to be guided, with a question an article answers', () => {
  it('gets the answer first, then the first question, in one turn', async () => {
    const id = await open();
    const replies = await send(id, 'The council have refused to do an EHC needs assessment for my son, the letter came last week. What are my options?');
    expect(kinds(replies).filter(Boolean)[0], JSON.stringify(kinds(replies))).toBe('answer');
    expect(replies.find((r) => r.deal?.kind === 'answer')?.deal?.articles?.[0]).toBe('disagreements-and-appeals');
    expect(stepOf(replies), JSON.stringify(kinds(replies))).toBeDefined();
  });

  it('and asking to be rung: the answer first, then the steps to a person', async () => {
    const id = await open();
    const replies = await send(id, 'My daughter is 7 and has been on SEN support for two years, school think she needs an EHC needs assessment. Can we ask for it ourselves? Could someone ring me to talk it through?');
    expect(kinds(replies).filter(Boolean)[0], JSON.stringify(kinds(replies))).toBe('answer');
    expect(replies.find((r) => r.deal?.kind === 'answer')?.deal?.articles?.[0]).toBe('ehcna-request');
    expect(stepOf(replies)).toBeDefined();
  });

  it('a short ask alone still starts the questions with no article', async () => {
    const id = await open();
    const replies = await send(id, 'what are my options');
    expect(kinds(replies)).not.toContain('answer');
    expect(stepOf(replies)).toBeDefined();
  });
});

describe('asking to be guided', () => {
  it.each(['what are we supposed to do now', 'how do we get anyone to take this seriously'])('"%s" after a story starts the questions', async (ask) => {
    const id = await open();
    await send(id, 'my son is 8 and falls apart every evening after school, screaming and throwing things, but school say he is fine there');
    const replies = await send(id, ask);
    expect(stepOf(replies), JSON.stringify(kinds(replies))).toBeDefined();
  });
});

describe('a correction in their own words at another question', () => {
  it('changes what was said before, says so, and asks the same question again', async () => {
    const id = await open();
    const first = await send(id, 'my daughter is 11 and in year 6 at a primary in Bridport, she has dyslexia and school have given her a reading group since September. can you help me work out what to do');
    const asked = stepOf(first);
    expect(asked).toBeDefined();
    expect(asked).not.toBe('age');
    const replies = await send(id, "sorry, I meant she's 10 not 11");
    expect(all(replies)).toContain("I've changed that");
    expect(stepOf(replies)).toBe(asked);
  });
});

describe('words that sound like harm but are not', () => {
  it('a school tie that "feels like it is strangling him" gets the answer, not the safety card', async () => {
    const id = await open();
    const replies = await send(id, 'my son is 13 and autistic, he says his school tie feels like its choking him and the blazer label is unbearable. can school let him wear something else?');
    expect(kinds(replies)).not.toContain('safety');
  });
});
