import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import { Redis } from 'ioredis';
import { RedisServer, freePort, type RedisServerOptions } from '../../src/store/redis-server';

export const ROOT = path.resolve(__dirname, '..', '..');

/** A private redis-server on a free port with its own data dir (AOF on), for one test file. */
export async function startRedis(opts: Partial<RedisServerOptions> = {}): Promise<RedisServer & { client(): Redis }> {
  const port = await freePort();
  const dir = mkdtempSync(path.join(os.tmpdir(), 'simpair-redis-'));
  const server = new RedisServer({ port, dir, ...opts }) as RedisServer & { client(): Redis };
  server.client = () => {
    const c = new Redis(server.url, { maxRetriesPerRequest: null });
    c.on('error', () => undefined); // tests stop Redis on purpose; failing commands still reject
    return c;
  };
  await server.start();
  return server;
}

/** A simpair program (src/main/<role>.ts): every role in one process, or one role alone. */
export type SimpairRole = 'all' | 'api' | 'gateway' | 'worker';

/** Whether a process of this role serves the admin API, /readyz and /metrics on its HTTP port. */
export const servesApi = (role: SimpairRole): boolean => role === 'all' || role === 'api';

export interface SimpairProcess {
  child: ChildProcess;
  role: SimpairRole;
  httpPort: number;
  baseUrl: string;
  /** Where it serves /metrics: its HTTP port with the API, else METRICS_PORT if set (else none). */
  metricsUrl?: string;
  output(): string;
  /** SIGTERM and wait for exit (graceful shutdown). */
  stop(): Promise<number | null>;
  /** SIGKILL: a crash. */
  kill(): Promise<void>;
}

/** Env that makes a test system react in test time rather than carrier time. */
export const FAST_ENV: Record<string, string> = {
  LOG_LEVEL: 'warn',
  SMPP_ENQUIRE_LINK_MS: '2000',
  SMPP_ENQUIRE_LINK_TIMEOUT_MS: '1500',
  SMPP_RESPONSE_TIMEOUT_MS: '3000',
  SMPP_RECONNECT_BASE_MS: '100',
};

/** Starts simpair roles (default: all in one process) as a child process and waits until ready. */
export async function startSimpair(env: Record<string, string>, roles: SimpairRole = 'all', timeoutMs = 20000): Promise<SimpairProcess> {
  const httpPort = env.HTTP_PORT ? Number(env.HTTP_PORT) : await freePort();
  // node --import tsx, not the tsx command: that one runs the program in a second process, which a
  // SIGKILL of the first would orphan (a "crashed" gateway would keep running).
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'src', 'main', `${roles}.ts`)], {
    cwd: ROOT,
    env: { ...process.env, ...FAST_ENV, HTTP_PORT: String(httpPort), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const onData = (d: Buffer): void => {
    out = (out + d.toString()).slice(-20000);
  };
  child.stdout?.on('data', onData);
  child.stderr?.on('data', onData);
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`simpair (${roles}) not ready after ${timeoutMs} ms:\n${out}`)), timeoutMs);
    const check = (): void => {
      if (out.includes('simpair ready')) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout?.on('data', check);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`simpair (${roles}) exited with ${code}:\n${out}`));
    });
  });
  const exit = (sig: NodeJS.Signals) =>
    new Promise<number | null>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve(child.exitCode);
      child.once('exit', (code) => resolve(code));
      child.kill(sig);
    });
  const baseUrl = `http://127.0.0.1:${httpPort}`;
  const metricsUrl = servesApi(roles) ? `${baseUrl}/metrics` : env.METRICS_PORT ? `http://127.0.0.1:${env.METRICS_PORT}/metrics` : undefined;
  return {
    child,
    role: roles,
    httpPort,
    baseUrl,
    ...(metricsUrl ? { metricsUrl } : {}),
    output: () => out,
    stop: () => exit('SIGTERM'),
    kill: async () => {
      await exit('SIGKILL');
    },
  };
}
