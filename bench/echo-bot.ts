/**
 * The load benchmark's baseline: the smallest bot on the same Bot Framework adapter as ours
 * (the TeamsAdapter from `bot/adapter.ts`, unauthenticated, deliveryMode expectReplies) behind
 * the same express 5 JSON parser. It echoes the text and keeps no state, so the difference
 * between it and the real server is the cost of our own per-turn work.
 *
 * Run directly (`node --import tsx bench/echo-bot.ts`) it listens on PORT (default 3979).
 */
import express from 'express';
import type { Server } from 'node:http';
import { pathToFileURL } from 'node:url';
import { createHttpAdapter } from '../bot/adapter.js';
import { loadConfig } from '../app/config.js';

export function createEchoBot(): express.Express {
  // Same adapter factory as the real server; no MicrosoftAppId, so no token checks (as in the bench of ours).
  const adapter = createHttpAdapter(loadConfig({ NODE_ENV: 'development' }));
  const app = express();
  app.disable('x-powered-by');
  app.use(express.json({ limit: '64kb' }));
  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.post('/api/messages', async (req, res) => {
    await adapter.process(req, res, async (context) => {
      if (context.activity.type === 'message') await context.sendActivity(`echo: ${context.activity.text ?? ''}`);
    });
  });
  return app;
}

export function listenEcho(port: number, host = '127.0.0.1'): Promise<Server> {
  const app = createEchoBot();
  return new Promise((resolve, reject) => {
    const server = app.listen(port, host, (error?: Error) => (error ? reject(error) : resolve(server)));
  });
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const server = await listenEcho(Number(process.env.PORT ?? 3979), process.env.HOST ?? '127.0.0.1');
  process.on('SIGTERM', () => server.close(() => process.exit(0)));
}
