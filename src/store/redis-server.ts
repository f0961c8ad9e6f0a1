import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';

export interface RedisServerOptions {
  port: number;
  dir: string;
  /** everysec (default) or always; see README "Guarantees". */
  appendfsync?: 'everysec' | 'always';
  /**
   * Own process group: a Ctrl-C in the terminal then reaches only the parent, which stops its
   * roles first and Redis last, instead of Redis dying under in-flight work.
   */
  detached?: boolean;
  /** For tests of the start-up checks only: run without AOF / with another eviction policy. */
  appendonly?: boolean;
  maxmemoryPolicy?: string;
  /** More redis-server arguments (a Redis Cluster node: --cluster-enabled yes, …). */
  extraArgs?: string[];
}

/**
 * A private redis-server child process with the durability simpair needs: AOF on, noeviction
 * (an evicted key would be a lost payment), no RDB snapshots (the AOF is the record).
 */
export class RedisServer {
  private child: ChildProcess | null = null;
  constructor(readonly opts: RedisServerOptions) {}

  get url(): string {
    return `redis://127.0.0.1:${this.opts.port}`;
  }

  async start(timeoutMs = 10000): Promise<void> {
    mkdirSync(this.opts.dir, { recursive: true });
    const args = [
      '--port', String(this.opts.port),
      '--bind', '127.0.0.1',
      '--dir', path.resolve(this.opts.dir),
      '--appendonly', this.opts.appendonly === false ? 'no' : 'yes',
      '--appendfsync', this.opts.appendfsync ?? 'everysec',
      '--maxmemory-policy', this.opts.maxmemoryPolicy ?? 'noeviction',
      '--save', '',
      '--protected-mode', 'yes',
      ...(this.opts.extraArgs ?? []),
    ];
    const child = spawn('redis-server', args, { stdio: ['ignore', 'pipe', 'pipe'], detached: this.opts.detached ?? false });
    this.child = child;
    let output = '';
    child.stdout?.on('data', (d: Buffer) => (output = (output + d.toString()).slice(-4000)));
    child.stderr?.on('data', (d: Buffer) => (output = (output + d.toString()).slice(-4000)));
    const exited = new Promise<never>((_, reject) => {
      child.once('error', (err) => reject(new Error(`redis-server could not start (is it on PATH?): ${err.message}`)));
      child.once('exit', (code) => reject(new Error(`redis-server exited with ${code}: ${output.trim().split('\n').slice(-3).join(' | ')}`)));
    });
    await Promise.race([waitForPort(this.opts.port, timeoutMs), exited]);
  }

  /** Last resort from a process 'exit' handler: synchronous, no waiting. */
  killNow(): void {
    if (this.child && this.child.exitCode === null) this.child.kill('SIGTERM');
  }

  /** SIGTERM: redis flushes the AOF and exits. */
  async stop(): Promise<void> {
    await this.signal('SIGTERM');
  }

  /** SIGKILL: what a crash looks like; the AOF holds what was fsynced. */
  async kill(): Promise<void> {
    await this.signal('SIGKILL');
  }

  private async signal(sig: NodeJS.Signals): Promise<void> {
    const child = this.child;
    this.child = null;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    await new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      child.kill(sig);
    });
  }
}

export function waitForPort(port: number, timeoutMs: number, host = '127.0.0.1'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  return new Promise((resolve, reject) => {
    const attempt = (): void => {
      const sock = net.connect(port, host);
      sock.once('connect', () => {
        sock.destroy();
        resolve();
      });
      sock.once('error', () => {
        sock.destroy();
        if (Date.now() > deadline) reject(new Error(`nothing listens on ${host}:${port} after ${timeoutMs} ms`));
        else setTimeout(attempt, 50);
      });
    };
    attempt();
  });
}

/** A port the OS says is free right now (bind to 0, read, close). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}
