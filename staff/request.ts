/**
 * Reading staff requests: cookies, form fields, secrets compared in constant time, whether a
 * request is for the JSON API, and the optional closing note both the form and the API take.
 */
import type { Request } from 'express';
import { timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { NoteText } from '../handover/schema.js';

export function parseCookies(header: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (!header) return out;
  for (const pair of header.split(';')) {
    const i = pair.indexOf('=');
    if (i < 0) continue;
    const key = pair.slice(0, i).trim();
    const raw = pair.slice(i + 1).trim();
    if (!key || key in out) continue;
    try {
      out[key] = decodeURIComponent(raw);
    } catch {
      out[key] = raw;
    }
  }
  return out;
}

export function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && x.length > 0 && timingSafeEqual(x, y);
}

export const isApi = (req: Request) => req.path === '/api' || req.path.startsWith('/api/');

/** A form field as a single string ('' when missing or repeated). */
export function field(body: unknown, name: string): string {
  const value = body && typeof body === 'object' ? (body as Record<string, unknown>)[name] : undefined;
  return typeof value === 'string' ? value : '';
}

export function publicOrigin(url: string): string | null {
  try {
    return new URL(url).origin;
  } catch {
    return null;
  }
}

/** An optional note: empty means none; otherwise a valid note. */
export const OptionalNote = z
  .string()
  .max(2000, 'must be at most 2000 characters')
  .optional()
  .superRefine((s, ctx) => {
    if (s !== undefined && s.trim() !== '' && !NoteText.safeParse(s).success) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, message: 'must not contain control characters' });
    }
  });
