/**
 * Starts the DEAL front door: web chat at /, the Bot Framework endpoint at /api/messages,
 * and the staff pages at /staff, with SQLite storage under DATA_DIR (handovers in PostgreSQL
 * when DATABASE_URL is set).
 */
// `npm start` passes --dev: a fresh machine with no settings runs in development mode. Without it
// (and without NODE_ENV) the server runs as production and refuses to start half-configured.
if (process.argv.includes('--dev') && !process.env.NODE_ENV) process.env.NODE_ENV = 'development';

const { loadConfig } = await import('./config.js');
const { captureConsole, createLogger } = await import('./logger.js');
const { createService } = await import('./server.js');

let config;
try {
  config = loadConfig();
} catch (error) {
  process.stderr.write(`${(error as Error).message}\n`);
  process.exit(1);
}
const logger = createLogger(config.LOG_LEVEL);
captureConsole(logger); // botbuilder's console dumps become redacted JSON lines
if (!config.authenticated) {
  logger.warn(
    'Running UNAUTHENTICATED: no MicrosoftAppId is set, so /api/messages accepts activities without a Bot Framework token. Use this for local development only.',
  );
}

let service;
try {
  service = createService(config, { logger });
} catch (error) {
  logger.fatal({ err: { message: (error as Error).message } }, 'cannot start');
  process.stderr.write(`${(error as Error).message}\n`);
  process.exit(1);
}
try {
  await service.ready; // PostgreSQL (DATABASE_URL): connected and migrated, or a clear reason not to start
} catch (error) {
  logger.fatal({ err: error as Error }, 'cannot start: the handover database is not usable');
  process.stderr.write(`The handover database (DATABASE_URL) is not usable: ${(error as Error).message}\n`);
  await service.close().catch(() => {});
  process.exit(1);
}
await service.listen(config.PORT);
logger.info({ url: config.PUBLIC_URL, host: config.HOST, port: config.PORT, handovers: config.DATABASE_URL ? 'postgresql' : 'sqlite' }, `DEAL front door listening: web chat at ${config.PUBLIC_URL}/`);

let stopping = false;
async function shutdown(signal: string) {
  if (stopping) return;
  stopping = true;
  logger.info({ signal }, 'shutting down: finishing turns in progress');
  const force = setTimeout(() => process.exit(1), 10_000);
  force.unref();
  await service!.close();
  logger.info('stopped');
  process.exit(0);
}
process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGINT', () => void shutdown('SIGINT'));
