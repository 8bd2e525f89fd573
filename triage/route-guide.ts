/**
 * The route guide (triage/routes.yaml): what each route means for a family (and, optionally,
 * as a professional reads it), checked when loaded: every RouteId present, article and
 * contact ids well formed, no professional text that speaks to a parent.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseYamlText as parse } from '../text/load-yaml.js';
import { z } from 'zod';
import { RuleError } from './conditions.js';
import { Id, issues, PARENT_WORDS } from './rules.js';
import { RouteId } from './schema.js';

const ROUTES_PATH = new URL('./routes.yaml', import.meta.url);

const RouteGuideEntry = z
  .object({
    title: z.string().min(3).max(80),
    /** What happens next: 2–4 short steps. */
    next: z.array(z.string().min(10)).min(2).max(4),
    /** Knowledge article ids (knowledge/articles/<id>.md). */
    articles: z.array(Id).min(1),
    /** Contact ids from knowledge/contacts.yaml. */
    contacts: z.array(Id).default([]),
    /** The title and next steps as a professional reads them (about the child and the family); optional. */
    professionalTitle: z.string().min(3).max(80).optional(),
    professionalNext: z.array(z.string().min(10)).min(2).max(4).optional(),
  })
  .strict()
  .superRefine((entry, ctx) => {
    for (const [i, text] of [entry.professionalTitle, ...(entry.professionalNext ?? [])].entries()) {
      const parent = text === undefined ? null : PARENT_WORDS.exec(text);
      if (parent) ctx.addIssue({ code: 'custom', path: [i === 0 ? 'professionalTitle' : `professionalNext.${i - 1}`], message: `speaks to a parent ("${parent[0]}")` });
    }
  });
export type RouteGuideEntry = z.infer<typeof RouteGuideEntry>;
const RouteGuide = z.object(Object.fromEntries(RouteId.options.map((id) => [id, RouteGuideEntry])) as Record<RouteId, typeof RouteGuideEntry>).strict();
export type RouteGuide = Record<RouteId, RouteGuideEntry>;

/** Loads and checks triage/routes.yaml (every RouteId must be present). */
export function loadRouteGuide(path: string | URL = ROUTES_PATH): RouteGuide {
  const file = typeof path === 'string' ? path : fileURLToPath(path);
  const name = file.replace(/^.*?(triage\/)/, '$1');
  const parsed = RouteGuide.safeParse(parse(readFileSync(file, 'utf8')));
  if (!parsed.success) throw new RuleError(`${name}: ${issues(parsed.error)}`);
  return parsed.data as RouteGuide;
}
