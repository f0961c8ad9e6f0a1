// Process management for the benchmark: redis-server, the simulator, simpair roles and the bare
// ESME, each a separate process on this machine. Every process started here is registered and
// stopped by stopAll() (SIGTERM, then SIGKILL after a grace period), also when a phase throws.
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { RedisServer, freePort } from '../src/store/redis-server';
import { startSimulatorProcess, type SimulatorProcess } from '../smsc-sim/harness';
import { LocalRedisCluster } from '../test/support/redis-cluster';

export const ROOT = path.resolve(__dirname, '..');

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** One child process whose stdout/stderr go to a log file (cheap: no pipe for us to drain). */
export class Proc {
  private exitedCode: number | null | undefined = undefined;
  readonly exited: Promise<number | null>;

  constructor(
    readonly name: string,
    readonly child: ChildProcess,
    readonly logFile: string,
  ) {
    this.exited = new Promise((resolve) =>
      child.once('exit', (code, signal) => {
        this.exitedCode = code ?? (signal ? -1 : null);
        resolve(code);
      }),
    );
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  get alive(): boolean {
    return this.exitedCode === undefined;
  }

  log(): string {
    try {
      return readFileSync(this.logFile, 'utf8');
    } catch {
      return '';
    }
  }

  /** Resident set size in KiB from /proc/<pid>/status (VmRSS), or null once gone. */
  rssKiB(): number | null {
    return readRssKiB(this.pid);
  }

  async waitForLine(re: RegExp, timeoutMs: number, count = 1): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    const global = new RegExp(re.source, re.flags.includes('g') ? re.flags : `${re.flags}g`);
    for (;;) {
      if ((this.log().match(global) ?? []).length >= count) return;
      if (!this.alive) throw new Error(`${this.name} exited before it was ready:\n${tail(this.log())}`);
      if (Date.now() > deadline) throw new Error(`${this.name} not ready after ${timeoutMs} ms:\n${tail(this.log())}`);
      await sleep(50);
    }
  }

  /** SIGTERM, wait up to graceMs, then SIGKILL. */
  async stop(graceMs = 8000): Promise<void> {
    if (!this.alive) return;
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), graceMs);
    await this.exited;
    clearTimeout(timer);
  }
}

/** The bare ESME process, which can unbind and bind again on request (SIGUSR1 / SIGUSR2). */
export class BareEsme {
  private binds = 1;
  private unbinds = 0;
  bound = true;
  constructor(readonly proc: Proc) {}

  get pid(): number {
    return this.proc.pid;
  }

  async unbind(): Promise<void> {
    if (!this.bound) return;
    this.proc.child.kill('SIGUSR1');
    await this.proc.waitForLine(/bare-esme unbound/, 10_000, ++this.unbinds);
    this.bound = false;
  }

  async bind(): Promise<void> {
    if (this.bound) return;
    this.proc.child.kill('SIGUSR2');
    await this.proc.waitForLine(/bare-esme bound/, 10_000, ++this.binds);
    this.bound = true;
  }

  stop(): Promise<void> {
    return this.proc.stop();
  }
}

export function readRssKiB(pid: number): number | null {
  try {
    const m = /VmRSS:\s+(\d+)\s+kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : null;
  } catch {
    return null;
  }
}

function tail(s: string, lines = 30): string {
  return s.trim().split('\n').slice(-lines).join('\n');
}

export interface RigOptions {
  logLevel: string;
  /** Extra environment for every simpair role. */
  roleEnv: Record<string, string>;
  simEnv: Record<string, string>;
  keepLogs: boolean;
}

/** The installation under test. */
export class Rig {
  readonly workDir = mkdtempSync(path.join(os.tmpdir(), 'simpair-bench-'));
  redisServer: RedisServer | null = null;
  /** A local Redis Cluster instead of redisServer (the scale-out phase). */
  cluster: LocalRedisCluster | null = null;
  redisPid = 0;
  redisUrl = '';
  sim: SimulatorProcess | null = null;
  smppPort = 0;
  private readonly procs = new Set<Proc>();
  private readonly clients: Redis[] = [];
  private serial = 0;

  constructor(readonly opts: RigOptions) {
    mkdirSync(path.join(this.workDir, 'logs'), { recursive: true });
  }

  async startRedis(appendfsync: 'everysec' | 'always' = 'everysec'): Promise<void> {
    const port = await freePort();
    this.redisServer = new RedisServer({ port, dir: path.join(this.workDir, 'redis'), appendfsync });
    await this.redisServer.start();
    this.redisUrl = this.redisServer.url;
    const c = this.client();
    const info = await c.info('server');
    this.redisPid = Number(/process_id:(\d+)/.exec(info)?.[1] ?? 0);
  }

  /** A local cluster of `masters` masters (no replicas: the bench measures throughput, not failover). */
  async startCluster(masters: number): Promise<void> {
    this.cluster = await LocalRedisCluster.start({ masters, replicasPerMaster: 0 });
  }

  /** The environment that points a role at this rig's Redis. */
  get redisEnv(): Record<string, string> {
    return this.cluster ? { REDIS_CLUSTER_NODES: this.cluster.nodesEnv } : { REDIS_URL: this.redisUrl };
  }

  /** A bench-side Redis connection (closed by stopAll); a Cluster client on a cluster rig. */
  client(): Redis {
    if (this.cluster) {
      const c = this.cluster.client();
      this.clients.push(c);
      return c;
    }
    const c = new Redis(this.redisUrl, { maxRetriesPerRequest: null, connectionName: 'simpair-bench' });
    c.on('error', () => undefined);
    this.clients.push(c);
    return c;
  }

  /** Picks the simulator's SMPP port up front, so an ESME can be started alongside it. */
  async reserveSmppPort(): Promise<void> {
    if (!this.smppPort) this.smppPort = await freePort();
  }

  async startSim(): Promise<SimulatorProcess> {
    await this.reserveSmppPort();
    this.sim = await startSimulatorProcess({
      env: { SIM_SMPP_PORT: String(this.smppPort), SIM_LOG_LEVEL: 'warn', ...this.opts.simEnv },
    });
    return this.sim;
  }

  get simUrl(): string {
    return this.sim!.baseUrl;
  }

  get smppUrl(): string {
    return `smpp://127.0.0.1:${this.smppPort}`;
  }

  private spawnNode(name: string, script: string, args: string[], env: Record<string, string>, nodeArgs: string[] = []): Proc {
    return this.spawnProgram(name, process.execPath, [...nodeArgs, '--import', 'tsx', script, ...args], env);
  }

  /** Any program as a registered child of the run (Kannel's boxes, say), its output in the run's logs. */
  spawnProgram(name: string, file: string, args: string[], env: Record<string, string> = {}): Proc {
    const logFile = path.join(this.workDir, 'logs', `${String(++this.serial).padStart(2, '0')}-${name}.log`);
    const fd = openSync(logFile, 'a');
    const child = spawn(file, args, {
      cwd: ROOT,
      env: { ...process.env, ...env },
      stdio: ['ignore', fd, fd],
    });
    closeSync(fd);
    const p = new Proc(name, child, logFile);
    this.procs.add(p);
    void p.exited.then(() => this.procs.delete(p));
    return p;
  }

  /** A simpair role as its own process (`node --import tsx src/main/<role>.ts`), ready when it says so. */
  async startRole(role: 'gateway' | 'worker', name: string, env: Record<string, string> = {}, nodeArgs: string[] = []): Promise<Proc> {
    const p = this.spawnNode(name, path.join('src', 'main', `${role}.ts`), [], {
      ...this.redisEnv,
      SMPP_URL: this.smppUrl,
      LOG_LEVEL: this.opts.logLevel,
      GATEWAY_NAME: name,
      ...this.opts.roleEnv,
      ...env,
    }, nodeArgs);
    await p.waitForLine(/simpair ready/, 30_000);
    return p;
  }

  /** A node script of the bench (bench/<file>) as its own process, ready when it prints `ready`. */
  async startBenchScript(name: string, file: string, args: string[], ready: RegExp): Promise<Proc> {
    const p = this.spawnNode(name, path.join('bench', file), args, {});
    await p.waitForLine(ready, 15_000);
    return p;
  }

  async startBareEsme(): Promise<BareEsme> {
    const p = this.spawnNode('bare-esme', path.join('bench', 'bare-esme.ts'), [this.smppUrl, 'simpair', 'secret'], {});
    await p.waitForLine(/bare-esme bound/, 15_000);
    return new BareEsme(p);
  }

  /** Stops everything this rig started: roles and ESMEs first, then the simulator, Redis last. */
  async stopAll(): Promise<void> {
    await Promise.all([...this.procs].map((p) => p.stop().catch(() => undefined)));
    await this.sim?.stop().catch(() => undefined);
    this.sim = null;
    for (const c of this.clients) c.disconnect();
    this.clients.length = 0;
    await this.cluster?.stop().catch(() => undefined);
    this.cluster = null;
    if (this.redisServer) {
      const server = this.redisServer;
      this.redisServer = null;
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        server.stop(),
        new Promise<void>((resolve) => {
          timer = setTimeout(() => {
            if (this.redisPid) {
              try {
                process.kill(this.redisPid, 'SIGKILL');
              } catch {
                // already gone
              }
            }
            resolve();
          }, 8000);
        }),
      ]);
      clearTimeout(timer);
    }
    if (!this.opts.keepLogs) rmSync(this.workDir, { recursive: true, force: true });
    else rmSync(path.join(this.workDir, 'redis'), { recursive: true, force: true });
  }

  /** Synchronous last resort from an 'exit' handler. */
  killNow(): void {
    for (const p of this.procs) if (p.alive) p.child.kill('SIGKILL');
    this.sim?.kill();
    this.cluster?.killNow();
    if (this.redisPid) {
      try {
        process.kill(this.redisPid, 'SIGKILL');
      } catch {
        // gone
      }
    }
  }
}

/** JSON over HTTP to the simulator. */
export async function http<T = unknown>(method: string, url: string, body?: unknown): Promise<T> {
  const res = await fetch(url, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (res.status >= 400) throw new Error(`${method} ${url}: ${res.status} ${text.slice(0, 200)}`);
  return (text ? JSON.parse(text) : undefined) as T;
}

/** CPU time (user + system) of a process in seconds, from /proc/<pid>/stat; null once gone. */
export function cpuSeconds(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may contain spaces) start after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const utime = Number(fields[11]);
    const stime = Number(fields[12]);
    return (utime + stime) / CLOCK_TICKS;
  } catch {
    return null;
  }
}

/** USER_HZ: 100 on every Linux this runs on (sysconf(_SC_CLK_TCK)). */
const CLOCK_TICKS = 100;

/** CPU use of named processes over an interval, in % of one core. */
export class CpuMeter {
  private start = new Map<string, { pid: number; cpu: number }>();
  private t0 = 0;

  begin(pids: Record<string, number>): void {
    this.start.clear();
    this.t0 = Date.now();
    for (const [name, pid] of Object.entries(pids)) {
      const cpu = cpuSeconds(pid);
      if (cpu !== null) this.start.set(name, { pid, cpu });
    }
  }

  end(): Record<string, number> {
    const dt = (Date.now() - this.t0) / 1000;
    const out: Record<string, number> = {};
    for (const [name, { pid, cpu }] of this.start) {
      const now = cpuSeconds(pid);
      if (now !== null && dt > 0) out[name] = Math.round(((now - cpu) / dt) * 100);
    }
    return out;
  }
}
