/**
 * Builds the whole service in one process: the Bot Framework endpoint for Teams and Azure,
 * the embedded Direct Line and web chat page, and the public article pages.
 * `createService` composes the core (app/core.ts), the HTTP app (app/http.ts) and the
 * retention timer (app/retention.ts) without listening, so tests drive the same app over HTTP.
 */
import type express from 'express';
import type { Server } from 'node:http';
import type { Logger } from 'pino';
import type { DirectLine } from '../bot/directline.js';
import type { OutboxWorker } from '../handover/outbox-worker.js';
import type { HandoverStore } from '../handover/store.js';
import type { KnowledgeBase } from '../knowledge/load.js';
import type { KnowledgeSearch } from '../knowledge/search.js';
import type { Config } from './config.js';
import { buildCore } from './core.js';
import { buildHttpApp, hardenServer } from './http.js';
import { createLogger } from './logger.js';
import { startRetention } from './retention.js';

export { hardenServer };

export type Service = {
  app: express.Express;
  kb: KnowledgeBase;
  /** SQLite under DATA_DIR, or PostgreSQL when DATABASE_URL is set. */
  store: HandoverStore;
  /** Resolves when the handover database is usable (PostgreSQL: connected and migrated); rejects when it is not. */
  ready: Promise<void>;
  outbox: OutboxWorker | null;
  search: KnowledgeSearch;
  logger: Logger;
  directLine: DirectLine;
  /** Retention now (as every 15 minutes): idle conversations, closed handovers' personal data, expired sessions. */
  housekeeping(now?: Date): Promise<void>;
  listen(port?: number): Promise<Server>;
  close(): Promise<void>;
};

export function createService(config: Config, opts: { logger?: Logger; knowledgeDir?: string } = {}): Service {
  const logger = opts.logger ?? createLogger(config.LOG_LEVEL);
  const core = buildCore(config, logger, opts.knowledgeDir);
  const app = buildHttpApp(config, core, logger);
  const retention = startRetention(config, core, logger);
  const { kb, store, ready, outbox, search, directLine, storage, insightStore } = core;
  outbox?.start();

  let server: Server | null = null;
  return {
    app,
    kb,
    store,
    ready,
    outbox,
    search,
    logger,
    directLine,
    housekeeping: retention.housekeeping,
    listen(port = config.PORT) {
      return new Promise((resolve, reject) => {
        const s = app.listen(port, config.HOST, (error?: Error) => (error ? reject(error) : resolve(s)));
        hardenServer(s, config.MAX_CONNECTIONS_PER_ADDRESS);
        directLine.attach(s); // streaming Direct Line (WebSocket upgrades)
        server = s;
      });
    },
    async close() {
      retention.stop();
      core.live.close();
      directLine.closeStreams();
      if (server) {
        const closed = new Promise<void>((resolve) => server!.close(() => resolve()));
        // server.close() waits for requests in flight; a keep-alive connection that finishes its
        // request meanwhile would hold it open until it times out, so close those as they go idle.
        const sweep = setInterval(() => server!.closeIdleConnections(), 50);
        await closed.finally(() => clearInterval(sweep));
      }
      await outbox?.stop();
      await storage.close();
      await directLine.store.close();
      await core.attempts?.close();
      await Promise.all([core.liveEvents?.close(), core.listener?.close()]);
      await insightStore.close();
      await store.close();
    },
  };
}
