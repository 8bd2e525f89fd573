/**
 * The knowledge search built on first use (app/lazy-search.ts): nothing is indexed until a
 * question or `warm()`, it is built once, and it answers exactly as the search built at once.
 */
import { describe, expect, it } from 'vitest';
import { lazySearch } from '../app/lazy-search.js';
import { loadKnowledgeBase } from '../knowledge/load.js';
import { KnowledgeSearch } from '../knowledge/search.js';

const kb = loadKnowledgeBase();
const direct = new KnowledgeSearch(kb);

describe('lazySearch', () => {
  it('builds nothing until first used, then once, and answers as the search built at once', () => {
    let builds = 0;
    const { search } = lazySearch(() => (builds++, new KnowledgeSearch(kb)));
    expect(builds).toBe(0);
    expect(search).toBeInstanceOf(KnowledgeSearch);
    for (const q of ['how do i apply for an ehcp', 'what is a send tribunal', 'can i get help with school transport']) {
      expect(search.search(q, { limit: 3 })).toEqual(direct.search(q, { limit: 3 }));
    }
    expect(search.settings).toEqual(direct.settings);
    expect(builds).toBe(1);
  });

  it('is built by warm() (just after the first turn), once', () => {
    let builds = 0;
    const { search, warm } = lazySearch(() => (builds++, new KnowledgeSearch(kb)));
    warm();
    expect(builds).toBe(1);
    search.search('ehcp');
    warm();
    expect(builds).toBe(1);
  });
});
