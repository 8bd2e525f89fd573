/**
 * Settings from the environment, validated once at start-up with a clear message per bad value.
 * Everything has a default that runs locally with no cloud account.
 */
import { resolve } from 'node:path';
import { z } from 'zod';
import { issueLines } from '../text/zod-issues.js';

const optionalText = z
  .string()
  .optional()
  .transform((v) => (v && v.trim() ? v.trim() : undefined));

export const Config = z
  .object({
    /** Unset means production: only NODE_ENV=development (or test) relaxes the checks below. `npm start` sets development. */
    NODE_ENV: z.enum(['development', 'production', 'test']).default('production'),
    PORT: z.coerce.number().int().min(0).max(65535).default(3978),
    /** Default 0.0.0.0 in production, 127.0.0.1 in development (nobody else on the network can reach an unauthenticated bot). */
    HOST: optionalText,
    /** The address people use to reach this server; used in "read more" links and staff links. */
    PUBLIC_URL: optionalText,
    /** Where the SQLite files live. */
    DATA_DIR: z.string().default('data'),
    /**
     * A `postgres://` URL: handovers, notes, events, outbox, staff accounts and sessions, Teams
     * channel links, the audit log and conversation state live in that database, shared by every instance. Unset: SQLite under DATA_DIR.
     */
    DATABASE_URL: optionalText.refine((v) => v === undefined || /^postgres(ql)?:\/\/[^\s]+$/.test(v), 'must be a postgres:// URL'),
    /** PostgreSQL schema for the tables (default public). */
    DATABASE_SCHEMA: optionalText.refine((v) => v === undefined || /^[a-z_][a-z0-9_]{0,62}$/.test(v), 'must be lower-case letters, digits and _'),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    /** Bot registration (Azure Bot Service). Without them the bot runs unauthenticated, for local use only. */
    MicrosoftAppId: optionalText,
    MicrosoftAppPassword: optionalText,
    /** Single tenant by default: a council's bot talks to its own organisation only. */
    MicrosoftAppType: z.enum(['MultiTenant', 'SingleTenant', 'UserAssignedMSI']).default('SingleTenant'),
    MicrosoftAppTenantId: optionalText,
    /** Azure Direct Line secret: when set, the web chat page uses Azure's Direct Line instead of the embedded one. */
    DIRECTLINE_SECRET: optionalText,
    DIRECTLINE_ENDPOINT: z.string().url().default('https://directline.botframework.com/v3/directline'),
    /** Signs embedded Direct Line tokens and staff CSRF tokens. Random per start if unset (tokens then end with the process). */
    SESSION_SECRET: optionalText,
    /** Days after a handover is resolved before its personal data is deleted. */
    RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(90),
    /** Immediate (safeguarding) handovers one caller may store an hour; beyond it the family is asked to phone. */
    IMMEDIATE_HANDOVERS_PER_HOUR: z.coerce.number().int().min(1).max(1000).default(3),
    /** Days the anonymous insight rows (insight/store.ts) are kept. */
    INSIGHT_RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(90),
    /** Hours of inactivity after which a conversation's state is deleted. */
    CONVERSATION_TTL_HOURS: z.coerce.number().min(1).max(720).default(24),
    /** Outbox worker (Teams cards): time between polls, delay before the first retry, and send timeout, in ms. */
    OUTBOX_POLL_MS: z.coerce.number().int().min(10).max(600_000).default(2_000),
    OUTBOX_BACKOFF_BASE_MS: z.coerce.number().int().min(10).max(3_600_000).default(5_000),
    OUTBOX_SEND_TIMEOUT_MS: z.coerce.number().int().min(100).max(300_000).default(15_000),
    /**
     * Proxies whose X-Forwarded-For is believed, as express's `trust proxy`: a hop count, or
     * addresses/subnets/`loopback` separated by commas. Unset: none (the socket's address is the client).
     */
    TRUST_PROXY: z
      .string()
      .optional()
      .transform((v): boolean | number | string[] => {
        const t = v?.trim() ?? '';
        if (!t || t === 'false') return false;
        if (t === 'true') return true;
        if (/^\d+$/.test(t)) return Number(t);
        return t.split(',').map((x) => x.trim()).filter(Boolean);
      }),
    /** Open connections allowed from one address (0: no cap); behind a proxy, everything comes from the proxy, so raise it there. */
    MAX_CONNECTIONS_PER_ADDRESS: z.coerce.number().int().min(0).max(100_000).default(256),
    /** Who may link Teams channels to localities (see bot/teams-links.yaml). */
    TEAMS_LINKS_FILE: optionalText,
    PRIVACY_URL: optionalText,
    TERMS_URL: optionalText,
    /** When set, GET /metrics needs `Authorization: Bearer <token>` (the counts hold no personal data either way). Required in production unless METRICS_PUBLIC=true. */
    METRICS_TOKEN: optionalText,
    METRICS_PUBLIC: z
      .enum(['true', 'false', ''])
      .optional()
      .transform((v) => v === 'true'),
  })
  .transform((c) => ({
    ...c,
    DATA_DIR: resolve(c.DATA_DIR),
    HOST: c.HOST ?? (c.NODE_ENV === 'production' ? '0.0.0.0' : '127.0.0.1'),
    production: c.NODE_ENV === 'production',
    PUBLIC_URL: (c.PUBLIC_URL ?? `http://localhost:${c.PORT}`).replace(/\/$/, ''),
    authenticated: Boolean(c.MicrosoftAppId),
  }));
export type Config = z.infer<typeof Config>;

/** Reads the environment; throws one error listing every bad setting. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = Config.safeParse(env);
  if (!parsed.success) {
    const lines = issueLines(parsed.error).map((line) => `  ${line}`);
    throw new Error(`Invalid settings:\n${lines.join('\n')}`);
  }
  const config = parsed.data;
  if (config.production && !config.authenticated) {
    throw new Error(
      'Refusing to start: NODE_ENV=production needs MicrosoftAppId and MicrosoftAppPassword, so that /api/messages only accepts activities signed by the Bot Framework. (NODE_ENV unset counts as production; for local use run `npm start`, which sets NODE_ENV=development.)',
    );
  }
  const missing = config.production ? productionProblems(env, config) : [];
  if (missing.length) throw new Error(`Refusing to start in production:\n${missing.map((m) => `  ${m}`).join('\n')}`);
  if (config.authenticated && config.MicrosoftAppType === 'SingleTenant' && !config.MicrosoftAppTenantId) {
    throw new Error('Invalid settings:\n  MicrosoftAppTenantId: is required with MicrosoftAppType=SingleTenant (the default); set it, or MicrosoftAppType=MultiTenant');
  }
  if (config.authenticated && !config.MicrosoftAppPassword && config.MicrosoftAppType !== 'UserAssignedMSI') {
    throw new Error('Invalid settings:\n  MicrosoftAppPassword: is required with MicrosoftAppId');
  }
  return config;
}

/** What production needs beyond credentials: an https PUBLIC_URL (Secure cookies), a SESSION_SECRET, and a METRICS_TOKEN unless metrics are public on purpose. */
function productionProblems(env: NodeJS.ProcessEnv, config: Config): string[] {
  const problems: string[] = [];
  if (!env.PUBLIC_URL?.trim() || !config.PUBLIC_URL.startsWith('https://')) problems.push('PUBLIC_URL: must be set to the https:// address people use (staff cookies are Secure only then)');
  if (!config.SESSION_SECRET || config.SESSION_SECRET.length < 32) problems.push('SESSION_SECRET: must be set, 32 or more random characters (it signs web chat tokens)');
  if (!config.METRICS_TOKEN && !config.METRICS_PUBLIC) problems.push('METRICS_TOKEN: must be set (or METRICS_PUBLIC=true to leave /metrics open on purpose)');
  return problems;
}

/** Bot Framework and Teams connector hosts: in production the bot posts replies only to these (https). */
const TRUSTED_SERVICE_HOSTS = [/(^|\.)botframework\.com$/, /^smba\.trafficmanager\.net$/, /(^|\.)botframework\.azure\.us$/, /(^|\.)teams\.microsoft\.us$/];

/** True when a serviceUrl may receive the bot's replies: anything outside production, only trusted https hosts in production. */
export function trustedServiceUrl(serviceUrl: string, production: boolean): boolean {
  if (!production) return true;
  try {
    const url = new URL(serviceUrl);
    return url.protocol === 'https:' && TRUSTED_SERVICE_HOSTS.some((h) => h.test(url.hostname.toLowerCase()));
  } catch {
    return false;
  }
}
