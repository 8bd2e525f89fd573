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

export function createLogger(level: string, destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'deal-front-door' },
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    destination,
  );
}
