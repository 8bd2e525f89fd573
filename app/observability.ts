/**
 * Request logs, correlation ids, the /metrics endpoint and the readiness check.
 *
 * One log line per request: method, route pattern (the path without its query, with
 * conversation ids and handover references replaced by placeholders), status, duration and
 * a correlation id. Never bodies, query strings, cookies or headers: they can carry what
 * families type, their contact details and tokens. The correlation id is a hash of the
 * conversation id for bot traffic (/api/messages and Direct Line), so one conversation's
 * requests can be followed without logging the id itself, and a random id otherwise; it is
 * returned in the `x-correlation-id` header.
 */
import { createHash, randomUUID, timingSafeEqual } from 'node:crypto';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { Logger } from 'pino';
import type { Metrics } from './metrics.js';

export const CORRELATION_HEADER = 'x-correlation-id';

const DIRECT_LINE_CONVERSATION = /^\/v3\/directline\/conversations\/([^/]+)(\/activities|\/upload)?\/?$/;
const EXACT = new Set([
  '/',
  '/api/messages',
  '/api/webchat/token',
  '/v3/directline/conversations',
  '/v3/directline/tokens/refresh',
  '/healthz',
  '/readyz',
  '/metrics',
  '/privacy',
  '/favicon.ico',
]);
/** GET requests too frequent to log at info (web chat polls every half second). */
const QUIET = new Set(['/healthz', '/readyz', '/metrics', '/favicon.ico', '/static/*', '/v3/directline/conversations/:conversation/activities']);

/** The correlation id of a conversation: stable, short, and not the id itself. */
export function correlationIdFor(conversationId: string): string {
  return createHash('sha256').update(`deal-correlation:${conversationId}`).digest('base64url').slice(0, 16);
}

/** The route pattern of a path, safe for logs and as a metric label (a small, fixed set of values). */
export function routeOf(path: string): string {
  if (EXACT.has(path)) return path;
  const directLine = DIRECT_LINE_CONVERSATION.exec(path);
  if (directLine) return `/v3/directline/conversations/:conversation${directLine[2] ?? ''}`;
  if (path.startsWith('/static/')) return '/static/*';
  if (/^\/articles\/[^/]+\/?$/.test(path)) return '/articles/:id';
  if (path === '/staff' || path.startsWith('/staff/')) {
    const pattern = path
      .split('/')
      .map((segment) => (/^deal-?[0-9a-z]{6}$/i.test(segment) ? ':reference' : segment))
      .join('/');
    return /^\/staff(\/(api\/)?[a-z-]*(\/:reference(\/[a-z-]+)?)?)?\/?$/.test(pattern) ? pattern : '/staff/*';
  }
  return 'other';
}

/** Logs every request when it ends and records its duration. Mount first, before the body parser. */
export function requestLogging(opts: { logger: Logger; metrics: Metrics }): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    const started = process.hrtime.bigint();
    const route = routeOf(req.path);
    const directLine = DIRECT_LINE_CONVERSATION.exec(req.path)?.[1];
    setCorrelation(res, directLine ? correlationIdFor(directLine) : randomUUID());
    res.once('close', () => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      opts.metrics.observeHttp({ method: req.method, route, status: res.statusCode, seconds });
      const level = res.statusCode >= 500 ? 'warn' : req.method === 'GET' && QUIET.has(route) && res.statusCode < 400 ? 'debug' : 'info';
      opts.logger[level](
        {
          method: req.method,
          path: route,
          status: res.statusCode,
          ms: Math.round(seconds * 10_000) / 10,
          correlationId: String(res.locals.correlationId),
          ...(res.writableFinished ? {} : { aborted: true }),
        },
        'request',
      );
    });
    next();
  };
}

/** Bot Framework activities name their conversation in the body: mount after the JSON parser. */
export function activityCorrelation(req: Request, res: Response, next: NextFunction): void {
  const id = (req.body as { conversation?: { id?: unknown } } | undefined)?.conversation?.id;
  if (req.path === '/api/messages' && typeof id === 'string' && id.length > 0 && id.length <= 512) setCorrelation(res, correlationIdFor(id));
  next();
}

function setCorrelation(res: Response, id: string): void {
  res.locals.correlationId = id;
  if (!res.headersSent) res.setHeader(CORRELATION_HEADER, id);
}

const digest = (text: string) => createHash('sha256').update(text).digest();

/**
 * GET /metrics in Prometheus text format. The metrics hold no personal data; set METRICS_TOKEN
 * to require `Authorization: Bearer <token>` anyway (e.g. when the service is on the internet).
 */
export function metricsEndpoint(metrics: Metrics, token: string | undefined): RequestHandler {
  return async (req, res) => {
    if (token) {
      const given = /^Bearer (.+)$/i.exec(req.get('authorization') ?? '')?.[1] ?? '';
      if (!timingSafeEqual(digest(given), digest(token))) {
        res.status(401).set('WWW-Authenticate', 'Bearer realm="metrics"').json({ error: 'A valid metrics token is required.' });
        return;
      }
    }
    const body = await metrics.registry.metrics();
    res.set('Content-Type', metrics.registry.contentType).set('Cache-Control', 'no-store').send(body);
  };
}

/**
 * GET /readyz: 200 only when every check passes (knowledge base loaded, each SQLite store
 * answers a trivial query), else 503 naming the failed checks. Errors go to the log, not the response.
 */
export function readinessEndpoint(opts: { logger: Logger; checks: Record<string, () => unknown>; info?: () => Record<string, unknown> }): RequestHandler {
  return async (_req, res) => {
    const results: Record<string, 'ok' | 'failed'> = {};
    for (const [name, check] of Object.entries(opts.checks)) {
      try {
        results[name] = (await check()) === false ? 'failed' : 'ok';
      } catch (error) {
        results[name] = 'failed';
        opts.logger.warn({ check: name, err: { name: (error as Error).name, message: (error as Error).message } }, 'readiness check failed');
      }
    }
    const ready = Object.values(results).every((r) => r === 'ok');
    res
      .status(ready ? 200 : 503)
      .set('Cache-Control', 'no-store')
      .json({ status: ready ? 'ready' : 'not ready', checks: results, ...(ready ? opts.info?.() : {}) });
  };
}
