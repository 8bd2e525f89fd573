/**
 * Structured logs with personal data removed at the source.
 *
 * Families' words, names and contact details must never reach a log file. pino's `redact`
 * removes the known paths; our own log calls only pass ids, counts and route names.
 */
import { pino, type DestinationStream, type Logger } from 'pino';

export const REDACT_PATHS = [
  'text',
  '*.text',
  'activity.text',
  'activity.value',
  'value',
  '*.value',
  'contact',
  '*.contact',
  'name',
  '*.name',
  'email',
  '*.email',
  'phone',
  '*.phone',
  'detail',
  '*.detail',
  'concern',
  '*.concern',
  'transcript',
  '*.transcript',
  'password',
  '*.password',
  'req.headers.authorization',
  'req.headers.cookie',
  'res.headers["set-cookie"]',
];

/**
 * Text from an error or a library, made safe to log: the first line only, cut before anything
 * that looks like an echoed body (JSON, quotes, markup), with email addresses, phone numbers,
 * ids, tokens and URL paths replaced, at most 160 characters. Families' words can reach error
 * messages (a connector that echoes the activity), so no message is ever logged verbatim.
 */
export function redactText(input: unknown): string {
  const line = String(input ?? '').split(/\r?\n/)[0]!;
  return line
    .split(/[{["'`<]/)[0]!
    .replace(/\b[\w.%+-]+@[\w.-]+\.[a-z]{2,}\b/gi, '[email]')
    .replace(/(https?:\/\/[^/\s]+)[^\s]*/gi, '$1/…')
    .replace(/\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gi, '[id]')
    .replace(/\+?\d[\d\s-]{7,}\d/g, '[number]')
    .replace(/\b[A-Za-z0-9_-]{24,}\b/g, '[token]')
    .trim()
    .slice(0, 160);
}

/** pino's serialiser for `err`: the name, code and status, and the message through `redactText`; never the stack or the raw message. */
export function safeError(error: unknown): Record<string, unknown> {
  if (!error || typeof error !== 'object') return { message: redactText(error) };
  const e = error as { name?: unknown; message?: unknown; code?: unknown; statusCode?: unknown; status?: unknown };
  return {
    type: typeof e.name === 'string' ? e.name.slice(0, 60) : 'Error', // not `name`: pino's redact removes every *.name
    message: redactText(e.message),
    ...(typeof e.code === 'string' || typeof e.code === 'number' ? { code: String(e.code).slice(0, 40) } : {}),
    ...(typeof (e.statusCode ?? e.status) === 'number' ? { status: e.statusCode ?? e.status } : {}),
  };
}

/**
 * Sends what libraries print with console.* (botbuilder dumps errors there, multi-line, with
 * conversation ids) to the logger as one redacted JSON line each. Returns a function that
 * puts the console back. Called once per process, in app/main.ts.
 */
export function captureConsole(logger: Logger): () => void {
  const saved = { error: console.error, warn: console.warn, log: console.log, info: console.info, debug: console.debug };
  const forward = (level: 'error' | 'warn' | 'info' | 'debug') => (...args: unknown[]) => {
    const error = args.find((a) => a instanceof Error);
    logger[level]({ source: 'console', ...(error ? { err: error } : { summary: redactText(args.map(String).join(' ')) }) }, 'library output');
  };
  console.error = forward('error');
  console.warn = forward('warn');
  console.log = forward('info');
  console.info = forward('info');
  console.debug = forward('debug');
  return () => Object.assign(console, saved);
}

export function createLogger(level: string, destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'deal-front-door' },
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      serializers: { err: safeError },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    destination,
  );
}
