/**
 * The knowledge search is indexed on first use (KnowledgeSearch.warm): nothing is built until a
 * question or `warm()`, it is built once, and it answers exactly as a search already warmed.
 */
import { describe, expect, it } from 'vitest';
import { loadKnowledgeBase } from '../knowledge/load.js';
import { KnowledgeSearch } from '../knowledge/search.js';

const kb = loadKnowledgeBase();
const warmed = new KnowledgeSearch(kb);
warmed.warm();

describe('KnowledgeSearch indexed on first use', () => {
  it('builds nothing until first asked, and then answers as a search warmed at once', () => {
    const search = new KnowledgeSearch(kb);
    expect(search.isWarm).toBe(false);
    expect(search.article('ehcna-request')?.id).toBe('ehcna-request'); // reading an article needs no index
    expect(search.settings).toEqual(warmed.settings);
    expect(search.isWarm).toBe(false);
    for (const q of ['how do i apply for an ehcp', 'what is a send tribunal', 'can i get help with school transport']) {
      expect(search.search(q, { limit: 3 })).toEqual(warmed.search(q, { limit: 3 }));
    }
    expect(search.isWarm).toBe(true);
  });

  it('is built by warm() (the server calls it just after the first turn)', () => {
    const search = new KnowledgeSearch(kb);
    search.warm();
    expect(search.isWarm).toBe(true);
    expect(search.rank('ehcp')).toEqual(warmed.rank('ehcp'));
  });
});
