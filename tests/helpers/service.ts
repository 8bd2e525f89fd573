/** Starts the real service on a free port with its own data directory, for HTTP and browser tests. */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { loadConfig } from '../../bot/config.js';
import { createLogger } from '../../bot/logger.js';
import { createService, type Service } from '../../bot/server.js';

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as AddressInfo;
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}

export type TestService = Service & { url: string; dataDir: string; logs: string[]; stop(): Promise<void> };

export async function startService(env: Record<string, string> = {}, dataDir?: string): Promise<TestService> {
  const port = await freePort();
  const dir = dataDir ?? mkdtempSync(join(tmpdir(), 'deal-test-'));
  const logs: string[] = [];
  const sink = new Writable({
    write(chunk, _enc, done) {
      logs.push(String(chunk));
      done();
    },
  });
  const config = loadConfig({ NODE_ENV: 'test', PORT: String(port), HOST: '127.0.0.1', DATA_DIR: dir, LOG_LEVEL: 'info', ...env });
  const service = createService(config, { logger: createLogger('info', sink) });
  await service.listen(port);
  return {
    ...service,
    url: `http://127.0.0.1:${port}`,
    dataDir: dir,
    logs,
    async stop() {
      await service.close();
      if (!dataDir) rmSync(dir, { recursive: true, force: true });
    },
  };
}
