/**
 * The shape of the Local Offer knowledge base: articles, contacts and glossary.
 *
 * Content lives as data (markdown with YAML front matter, and YAML files); these zod
 * schemas are the single definition of that data, and every type is derived from them.
 */
import { z } from 'zod';

/** Lower-case words joined by hyphens, e.g. `ehcna-request`. */
export const ArticleId = z
  .string()
  .regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, 'must be lower-case words joined by hyphens');

/** A date written as YYYY-MM-DD (YAML 1.2 keeps it a string). */
export const IsoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date written as YYYY-MM-DD')
  .refine((value) => !Number.isNaN(Date.parse(value)), 'is not a real date');

export const Audience = z.enum(['parent', 'professional', 'young-person']);
export type Audience = z.infer<typeof Audience>;

/**
 * A link shown under an article. `confirmed: false` marks an address the service owner
 * has still to check; `deal kb lint` lists every one of them.
 */
export const ArticleLink = z
  .object({
    title: z.string().min(3),
    url: z.string().url().startsWith('https://', 'must be an https:// address'),
    confirmed: z.boolean().default(true),
  })
  .strict();
export type ArticleLink = z.infer<typeof ArticleLink>;

/** The front matter of one article in `knowledge/articles/<id>.md`. */
export const ArticleFrontMatter = z
  .object({
    id: ArticleId,
    title: z.string().min(3).max(80),
    /** One or two plain-English sentences: what a parent reads first. */
    summary: z.string().min(20).max(320),
    /** The same, written for a SENCO, health visitor or social worker (shown in Teams). */
    professionalSummary: z.string().min(20).max(420),
    audience: z.array(Audience).min(1),
    /** Words and phrases that should find this article. */
    keywords: z.array(z.string().min(2)).min(3),
    /** Other ways people say the same thing (informal words, old names, common misspellings). */
    synonyms: z.array(z.string().min(2)).default([]),
    /** Questions people ask in their own words that this article answers. */
    questions: z.array(z.string().min(5)).default([]),
    /** Ids of articles to offer next, as suggested actions. */
    related: z.array(ArticleId).default([]),
    links: z.array(ArticleLink).default([]),
    /** Ids from `knowledge/contacts.yaml`. */
    contacts: z.array(ArticleId).default([]),
    /** Short, doable next steps in plain English, most useful first. */
    nextSteps: z.array(z.string().min(5)).min(1).max(5),
    /**
     * What a SENCO, health visitor or social worker does next (the setting's duties, the evidence
     * a request needs, who to refer to and how), shown instead of `nextSteps` to professionals.
     * Addressed to the professional, never to a parent ("your child"): `deal kb lint` checks.
     */
    professionalNextSteps: z.array(z.string().min(5)).min(2).max(4),
    owner: z.string().min(3),
    lastReviewed: IsoDate,
    reviewDue: IsoDate,
  })
  .strict();
export type ArticleFrontMatter = z.infer<typeof ArticleFrontMatter>;

/** An article as the rest of the product sees it: front matter plus its markdown body. */
export type Article = ArticleFrontMatter & {
  /** Markdown after the front matter. */
  body: string;
  /** The `## For professionals` section of the body, if the article has one. */
  professionalBody: string | null;
  /** Path of the source file, for error messages. */
  file: string;
};

/**
 * A contact that articles refer to by id, so that each phone number, email and web
 * address is written once. `confirmed: false` means the service owner must check it
 * before launch; `deal kb lint` lists it.
 */
export const Contact = z
  .object({
    id: ArticleId,
    name: z.string().min(2),
    description: z.string().min(5),
    phone: z
      .string()
      .regex(/^(?:999|111|116 ?123|0\d{2,4}(?: ?\d{3,4}){1,2})$/, 'must be a UK phone number')
      .optional(),
    email: z.string().email().optional(),
    url: z.string().url().startsWith('https://').optional(),
    confirmed: z.boolean(),
    note: z.string().optional(),
  })
  .strict()
  .refine((c) => c.phone || c.email || c.url || c.note, 'needs a phone, email, url or note');
export type Contact = z.infer<typeof Contact>;

/** One acronym or term in `knowledge/glossary.yaml`. */
export const GlossaryEntry = z
  .object({
    term: z.string().min(2),
    /** What the letters stand for, e.g. "education, health and care plan". */
    stands: z.string().min(2),
    /** One plain-English sentence saying what it is. */
    meaning: z.string().min(10),
    /** Other spellings people use, e.g. "EHC plan". */
    variants: z.array(z.string()).default([]),
    article: ArticleId.optional(),
  })
  .strict();
export type GlossaryEntry = z.infer<typeof GlossaryEntry>;

/** `knowledge/synonyms.yaml`: groups of words or phrases that mean the same to a family. */
export const SynonymGroup = z.array(z.string().min(2)).min(2);

/** Regular expressions written as strings; each must compile. */
const regexList = (min: number) =>
  z.array(z.string().min(2)).min(min).superRefine((patterns, ctx) => {
    patterns.forEach((p, i) => {
      try {
        new RegExp(p);
      } catch {
        ctx.addIssue({ code: z.ZodIssueCode.custom, path: [i], message: `is not a valid regular expression: ${p}` });
      }
    });
  });

/** `knowledge/out-of-scope.yaml`: everyday topics we do not answer, with where to go instead. */
export const OutOfScopeTopic = z
  .object({
    id: ArticleId,
    /** Plain words for the topic, used in "For {label}, contact ...". */
    label: z.string().min(3),
    patterns: regexList(1),
    /**
     * The topic does not apply when the question also matches one of these: "a school place"
     * is an admissions question, but "a school place for my son with an EHCP" is SEND.
     */
    unless: regexList(0).default([]),
    contact: ArticleId,
  })
  .strict();
export type OutOfScopeTopic = z.infer<typeof OutOfScopeTopic>;
