/**
 * Everyday council topics we send elsewhere (`knowledge/out-of-scope.yaml`), unless the message
 * names a SEND need after all. A need that is denied ("he has no additional needs", "she isn't
 * autistic") does not keep a question in.
 */
import type { OutOfScopeTopic } from '../schema.js';

/** "no", "not", "without" and the like, with the next three words (not across punctuation). */
const NEGATED = /\b(?:no|not|non|without|isnt|doesnt|hasnt|havent|dont|never|nothing)\b(?:[ -]+[a-z0-9]+){0,3}/g;

export class Scope {
  private readonly topics: { topic: OutOfScopeTopic; pattern: RegExp; unless: RegExp | null }[];

  constructor(
    topics: readonly OutOfScopeTopic[],
    private readonly negatedNeeds: boolean,
  ) {
    this.topics = topics.map((topic) => ({
      topic,
      pattern: new RegExp(topic.patterns.join('|')),
      unless: topic.unless.length > 0 ? new RegExp(topic.unless.join('|')) : null,
    }));
  }

  /** The everyday topic a lower-cased message is about, if it names no SEND need. */
  topicOf(lower: string): OutOfScopeTopic | undefined {
    const needs = this.negatedNeeds ? lower.replace(NEGATED, ' ') : lower;
    return this.topics.find((t) => t.pattern.test(lower) && !t.unless?.test(needs))?.topic;
  }
}
