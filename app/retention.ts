/**
 * Retention: every 15 minutes, delete what we no longer need to keep (idle conversations,
 * closed handovers' personal data after RETENTION_DAYS, expired staff sessions, old insight
 * rows). Its own file so the rule and its timer are in one place; `housekeeping` runs it now.
 */
import type { Logger } from 'pino';
import type { Config } from './config.js';
import type { Core } from './core.js';

export const RETENTION_EVERY_MS = 15 * 60_000;

export type Retention = { housekeeping(now?: Date): Promise<void>; stop(): void };

export function startRetention(config: Config, core: Pick<Core, 'storage' | 'store' | 'insightStore'>, logger: Logger): Retention {
  const { storage, store, insightStore } = core;
  const housekeeping = async (now = new Date()) => {
    const conversations = await storage.purgeIdle(config.CONVERSATION_TTL_HOURS * 3_600_000, now.getTime()); // SQLite: also checkpoints the WAL
    const handovers = await store.purgeResolvedOlderThan(config.RETENTION_DAYS, now);
    await store.purgeExpiredSessions(now);
    await insightStore.purgeOlderThan(config.INSIGHT_RETENTION_DAYS, now);
    if (conversations || handovers) logger.info({ conversations, handovers }, 'retention: deleted old personal data');
  };
  const timer = setInterval(() => void housekeeping().catch((error: Error) => logger.error({ err: error.message }, 'retention failed')), RETENTION_EVERY_MS);
  timer.unref();
  return { housekeeping, stop: () => clearInterval(timer) };
}
