/**
 * A load balancer without sticky sessions, for tests and benches of several instances: each
 * HTTP request and each WebSocket upgrade goes to the next instance in turn. The Host header
 * is passed on unchanged, so the instances build URLs (the Direct Line's streamUrl) that point
 * back at the balancer, as behind a real one; web pages stay on one origin for their CSP.
 */
import { createServer, request, type IncomingHttpHeaders, type Server } from 'node:http';
import { connect } from 'node:net';

export type RoundRobin = {
  url: string;
  /** Requests (and upgrades) each instance was given, by path prefix `/v3/directline` or all. */
  served: { all: number[]; directLine: number[] };
  close(): Promise<void>;
};

const headerLines = (headers: IncomingHttpHeaders) =>
  Object.entries(headers)
    .flatMap(([name, value]) => (Array.isArray(value) ? value.map((v) => `${name}: ${v}`) : value === undefined ? [] : [`${name}: ${value}`]))
    .join('\r\n');

export async function roundRobin(targets: string[], port = 0): Promise<RoundRobin> {
  const ports = targets.map((t) => Number(new URL(t).port));
  const served = { all: ports.map(() => 0), directLine: ports.map(() => 0) };
  let n = 0;
  const next = (path: string | undefined) => {
    const i = n++ % ports.length;
    served.all[i]!++;
    if (path?.startsWith('/v3/directline')) served.directLine[i]!++;
    return ports[i]!;
  };
  const server: Server = createServer((req, res) => {
    const forward = request({ host: '127.0.0.1', port: next(req.url), method: req.method, path: req.url, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    forward.on('error', () => res.destroy());
    req.pipe(forward);
  });
  server.on('upgrade', (req, socket, head) => {
    const upstream = connect(next(req.url), '127.0.0.1', () => {
      upstream.write(`${req.method} ${req.url} HTTP/1.1\r\n${headerLines(req.headers)}\r\n\r\n`);
      upstream.write(head);
      socket.pipe(upstream).pipe(socket);
    });
    upstream.on('error', () => socket.destroy());
    socket.on('error', () => upstream.destroy());
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const address = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${address.port}`,
    served,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
