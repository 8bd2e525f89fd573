/**
 * Helpers for the load benchmark: start a server as a child process (so the load generator
 * never shares its event loop), wait until it answers, sample its resident memory from
 * /proc, and compute latency percentiles.
 */
import { createServer, type AddressInfo } from 'node:net';
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** A port nobody is listening on now, for a server this process is about to start. */
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

export type Child = {
  name: string;
  url: string;
  pid: number;
  process: ChildProcess;
  /** From spawning the process to its first answer on /api/messages, ms. */
  coldStartMs: number;
  /** Resident memory when it first answered, MB. */
  startRssMb: number;
  /** CPU time (user + system) it had used by its first answer, ms: what the start costs, whatever else the machine is doing. */
  startCpuMs: number;
  /** The highest resident memory since it started (the kernel's high-water mark), MB. */
  peakRssMb: () => number;
  output: () => string;
  stop(): Promise<number | null>;
};

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** The first turn a cold server answers: a new conversation's "hello", as web chat posts it. */
const FIRST_TURN = JSON.stringify({
  type: 'message',
  channelId: 'webchat',
  serviceUrl: 'http://127.0.0.1:9/',
  conversation: { id: `cold-start-${process.pid}` },
  from: { id: `cold-start-${process.pid}`, role: 'user' },
  recipient: { id: 'bot', role: 'bot' },
  deliveryMode: 'expectReplies',
  text: 'hello',
});

/**
 * Starts `node [--import tsx] script` and waits for its first answer on /api/messages, polling
 * every 10 ms: the cold start is from spawning the process to that answer. `script` is a .ts
 * file (run through tsx) or a .js file (plain Node, as `npm start` runs the built dist/); `cwd`:
 * the checkout it runs in (another one for bench/cold-start.ts's baseline).
 */
export async function startChild(name: string, script: string, port: number, env: Record<string, string>, cwd: string = ROOT): Promise<Child> {
  const spawnedAt = performance.now();
  const args = script.endsWith('.ts') ? ['--import', 'tsx', script] : [script];
  const child = spawn(process.execPath, args, {
    cwd,
    env: { ...process.env, ...env, PORT: String(port), HOST: '127.0.0.1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (c: Buffer) => (output = (output + c.toString()).slice(-20_000)));
  child.stderr!.on('data', (c: Buffer) => (output = (output + c.toString()).slice(-20_000)));
  const url = `http://127.0.0.1:${port}`;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${name} exited with ${child.exitCode}:\n${output}`);
    try {
      const res = await fetch(`${url}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: FIRST_TURN });
      if (res.ok && (await res.text()).includes('"activities":[{')) break;
    } catch {
      // not listening yet
    }
    if (performance.now() - spawnedAt > 60_000) throw new Error(`${name} did not answer within 60 s:\n${output}`);
    await new Promise((r) => setTimeout(r, 10));
  }
  const coldStartMs = performance.now() - spawnedAt;
  const startRssMb = rssMb(child.pid!);
  const startCpuMs = cpuMs(child.pid!);
  let peakSeen = 0;
  const peakRssMb = () => Math.max(peakSeen, rssMb(child.pid!, 'VmHWM'));
  return {
    name,
    url,
    pid: child.pid!,
    process: child,
    coldStartMs,
    startRssMb,
    startCpuMs,
    peakRssMb,
    output: () => output,
    stop: () =>
      new Promise((resolve) => {
        peakSeen = peakRssMb();
        if (child.exitCode !== null) return resolve(child.exitCode);
        child.once('exit', (code) => resolve(code));
        child.kill('SIGTERM');
      }),
  };
}

/** Resident set size of a process in MB, from /proc (Linux); `VmHWM` is the highest it has been. */
export function rssMb(pid: number, field: 'VmRSS' | 'VmHWM' = 'VmRSS'): number {
  try {
    const kb = new RegExp(`${field}:\\s+(\\d+)`).exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return kb ? Number(kb) / 1024 : 0;
  } catch {
    return 0;
  }
}

/** Samples a process's RSS every 100 ms until stopped; returns the peak in MB. */
export function sampleRss(pid: number): () => number {
  let peak = rssMb(pid);
  const timer = setInterval(() => (peak = Math.max(peak, rssMb(pid))), 100);
  return () => {
    clearInterval(timer);
    return Math.max(peak, rssMb(pid));
  };
}

/** CPU time (user + system) a process has used so far, in ms, from /proc (Linux). */
export function cpuMs(pid: number): number {
  try {
    // Fields after the ")" of the command name: utime and stime are fields 14 and 15 of the line.
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS;
  } catch {
    return Number.NaN;
  }
}
const CLOCK_TICKS = 100;

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

export function summarise(latencies: number[]): { p50: number; p95: number; p99: number } {
  const sorted = [...latencies].sort((a, b) => a - b);
  return { p50: percentile(sorted, 50), p95: percentile(sorted, 95), p99: percentile(sorted, 99) };
}
