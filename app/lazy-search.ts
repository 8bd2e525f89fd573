/**
 * The knowledge search built when it is first used, not before the server's first answer.
 *
 * Building it (MiniSearch over every article's passages and the example-question model) is
 * about 140 ms of CPU, the largest single part of a cold start after loading the code, and a
 * greeting or a triage answer never searches. The articles and the phrasing file are still read
 * and checked at start-up by the caller, so a broken file stops the server as before; only the
 * indexing waits. `warm()` builds it just after the server's first turn (app/core.ts: a chat
 * opening or a first message), so a family's first question does not pay for it either; not on a
 * timer, which would stall whatever the process is doing at that moment, turn or not.
 */
import { KnowledgeSearch } from '../knowledge/search.js';

export function lazySearch(build: () => KnowledgeSearch): { search: KnowledgeSearch; warm: () => void } {
  let built: KnowledgeSearch | undefined;
  const real = () => (built ??= build());
  const methods = new Map<PropertyKey, unknown>();
  // Stands in for the instance: every property read goes to the built one, methods bound to it.
  const search = new Proxy(Object.create(KnowledgeSearch.prototype) as KnowledgeSearch, {
    get(_stub, key) {
      const target = real();
      const value: unknown = Reflect.get(target, key, target);
      if (typeof value !== 'function') return value;
      if (!methods.has(key)) methods.set(key, (value as (...args: unknown[]) => unknown).bind(target));
      return methods.get(key);
    },
  });
  return { search, warm: () => void real() };
}
