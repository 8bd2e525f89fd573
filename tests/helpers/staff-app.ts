/**
 * The staff router on its own express app and a free port, as the staff tests need it:
 * the JSON parser the service mounts before it, and optionally the service's helmet headers.
 */
import express from 'express';
import helmet from 'helmet';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { staffRouter, type StaffRouterDeps } from '../../staff/router.js';

export type StaffApp = { base: string; close(): Promise<void> };

export async function startStaffApp(deps: StaffRouterDeps, opts: { helmetWithoutCsp?: boolean } = {}): Promise<StaffApp> {
  const app = express();
  if (opts.helmetWithoutCsp) app.use(helmet({ contentSecurityPolicy: false }));
  app.use(express.json({ limit: '64kb' }));
  app.use('/staff', staffRouter(deps));
  const server = await new Promise<Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  return {
    base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
