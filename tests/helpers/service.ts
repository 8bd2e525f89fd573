/** Starts the real service on a free port with its own data directory, for HTTP and browser tests. */
import { mkdtempSync, rmSync } from 'node:fs';
import { freePort } from '../../bench/processes.js';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { loadConfig } from '../../app/config.js';
import { createLogger } from '../../app/logger.js';
import { createService, type Service } from '../../app/server.js';

export { freePort };

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
