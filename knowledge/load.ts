/**
 * Loads and validates the knowledge base from disk.
 *
 * A bad article is a clear error naming the file and the field, and the server refuses to
 * start with it: families must never see half-checked content.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { checkYaml, checkYamlFile } from '../text/load-yaml.js';
import {
  type Article,
  ArticleFrontMatter,
  Contact,
  GlossaryEntry,
  OutOfScopeTopic,
  SynonymGroup,
} from './schema.js';

export const DEFAULT_KNOWLEDGE_DIR = fileURLToPath(new URL('.', import.meta.url));

export type KnowledgeBase = {
  articles: Article[];
  byId: Map<string, Article>;
  contacts: Map<string, Contact>;
  glossary: GlossaryEntry[];
  synonyms: string[][];
  outOfScope: OutOfScopeTopic[];
};

/** Thrown for any content problem; `problems` lists each as "file: field: message". */
export class KnowledgeError extends Error {
  constructor(readonly problems: string[]) {
    super(`The knowledge base has ${problems.length} problem(s):\n  ${problems.join('\n  ')}`);
    this.name = 'KnowledgeError';
  }
}

const FRONT_MATTER = /^---\r?\n([\s\S]*?)\r?\n---\r?\n?([\s\S]*)$/;
const PROFESSIONAL_SECTION = /^## For professionals\s*$([\s\S]*?)(?=^## |(?![\s\S]))/m;

/** Parses one article file; pushes problems instead of throwing so every problem is reported at once. */
export function parseArticle(file: string, text: string, problems: string[]): Article | null {
  const match = FRONT_MATTER.exec(text);
  if (!match) {
    problems.push(`${file}: front matter: the file must start with a --- YAML block ---`);
    return null;
  }
  const parsed = checkYaml(match[1]!, ArticleFrontMatter, file);
  if (!parsed.ok) {
    problems.push(...parsed.problems.map((p) => p.replace(`${file}: cannot read:`, `${file}: front matter:`)));
    return null;
  }
  const body = match[2]!.trim();
  if (body.length < 200) problems.push(`${file}: body: is too short to be an article`);
  const professional = PROFESSIONAL_SECTION.exec(body);
  return { ...parsed.data, body, professionalBody: professional ? professional[1]!.trim() : null, file };
}

/** A YAML list file (an empty file is an empty list); pushes its problems. */
function loadList<T>(file: string, schema: z.ZodType<T, z.ZodTypeDef, unknown>, problems: string[]): T[] {
  const parsed = checkYamlFile(file, z.preprocess((raw) => raw ?? [], z.array(schema)));
  if (parsed.ok) return parsed.data;
  problems.push(...parsed.problems);
  return [];
}

/**
 * Reads `articles/*.md`, `contacts.yaml`, `glossary.yaml`, `synonyms.yaml` and
 * `out-of-scope.yaml` from `dir`,
 * checks cross-references, and returns the knowledge base or throws `KnowledgeError`.
 */
export function loadKnowledgeBase(dir: string = DEFAULT_KNOWLEDGE_DIR): KnowledgeBase {
  const root = resolve(dir);
  const problems: string[] = [];
  const articlesDir = join(root, 'articles');
  const articles: Article[] = [];
  for (const name of readdirSync(articlesDir).filter((f) => f.endsWith('.md')).sort()) {
    const file = join(articlesDir, name);
    const article = parseArticle(file, readFileSync(file, 'utf8'), problems);
    if (!article) continue;
    if (`${article.id}.md` !== name) problems.push(`${file}: id: "${article.id}" must match the file name`);
    articles.push(article);
  }

  const contactsFile = join(root, 'contacts.yaml');
  const contacts = loadList(contactsFile, Contact, problems);
  const glossaryFile = join(root, 'glossary.yaml');
  const glossary = loadList(glossaryFile, GlossaryEntry, problems);
  const synonymsFile = join(root, 'synonyms.yaml');
  const synonyms = loadList(synonymsFile, SynonymGroup, problems);

  const outOfScopeFile = join(root, 'out-of-scope.yaml');
  const outOfScope = loadList(outOfScopeFile, OutOfScopeTopic, problems);

  const byId = new Map<string, Article>();
  for (const article of articles) {
    if (byId.has(article.id)) problems.push(`${article.file}: id: "${article.id}" is used twice`);
    byId.set(article.id, article);
  }
  const contactsById = new Map(contacts.map((c) => [c.id, c]));
  for (const article of articles) {
    article.related.forEach((id, i) => {
      if (!byId.has(id)) problems.push(`${article.file}: related.${i}: no article has id "${id}"`);
    });
    article.contacts.forEach((id, i) => {
      if (!contactsById.has(id)) problems.push(`${article.file}: contacts.${i}: no contact has id "${id}"`);
    });
  }
  glossary.forEach((entry, i) => {
    if (entry.article && !byId.has(entry.article)) {
      problems.push(`${glossaryFile}: ${i}.article: no article has id "${entry.article}"`);
    }
  });

  outOfScope.forEach((topic, i) => {
    if (!contactsById.has(topic.contact)) problems.push(`${outOfScopeFile}: ${i}.contact: no contact has id "${topic.contact}"`);
  });

  if (problems.length > 0) throw new KnowledgeError(problems);
  return { articles, byId, contacts: contactsById, glossary, synonyms, outOfScope };
}
