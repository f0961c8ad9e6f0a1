import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';
import { RedisServer } from '../../src/store/redis-server';
import { createWorkerConnection, type Redis as StoreRedis } from '../../src/store/redis';
import { waitFor } from './wait';

const run = promisify(execFile);

/** A port whose cluster bus port (port + 10000) is free too, so both stay in range. */
async function freeClusterPort(taken: Set<number>): Promise<number> {
  for (;;) {
    const port = 20000 + Math.floor(Math.random() * 25000);
    if (taken.has(port) || taken.has(port + 10000)) continue;
    if ((await isFree(port)) && (await isFree(port + 10000))) {
      taken.add(port);
      taken.add(port + 10000);
      return port;
    }
  }
}

function isFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = net.createServer();
    srv.once('error', () => resolve(false));
    srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
  });
}

/** Runs `fn` on a short-lived plain connection to one node (a node may be dead: then it throws). */
async function onNode<T>(port: number, fn: (r: Redis) => Promise<T>): Promise<T> {
  const r = new Redis(port, '127.0.0.1', { lazyConnect: true, maxRetriesPerRequest: 1, retryStrategy: () => null });
  r.on('error', () => undefined);
  try {
    await r.connect();
    return await fn(r);
  } finally {
    r.disconnect();
  }
}

const clusterOk = (info: string) => /cluster_state:ok/.test(info) && /cluster_slots_ok:16384/.test(info);

export interface ClusterNode {
  port: number;
  server: RedisServer;
}

/**
 * A local Redis Cluster for one test file: `masters` masters (the slots split evenly by
 * redis-cli --cluster create) and `replicasPerMaster` replicas each, every node a redis-server on a
 * free port with AOF on, as simpair runs it. A master killed -9 is replaced by its replica after
 * cluster-node-timeout.
 */
export class LocalRedisCluster {
  readonly nodes: ClusterNode[] = [];

  private constructor(readonly masters: number) {}

  static async start(opts: { masters?: number; replicasPerMaster?: number; nodeTimeoutMs?: number } = {}): Promise<LocalRedisCluster> {
    const masters = opts.masters ?? 3;
    const replicas = opts.replicasPerMaster ?? 0;
    const c = new LocalRedisCluster(masters);
    const taken = new Set<number>();
    const root = mkdtempSync(path.join(os.tmpdir(), 'simpair-cluster-'));
    for (let i = 0; i < masters * (1 + replicas); i++) {
      const port = await freeClusterPort(taken);
      const server = new RedisServer({
        port,
        dir: path.join(root, String(port)),
        extraArgs: ['--cluster-enabled', 'yes', '--cluster-config-file', 'nodes.conf', '--cluster-node-timeout', String(opts.nodeTimeoutMs ?? 2000)],
      });
      await server.start();
      c.nodes.push({ port, server });
    }
    const hosts = c.nodes.map((n) => `127.0.0.1:${n.port}`);
    await run('redis-cli', ['--cluster', 'create', ...hosts, '--cluster-replicas', String(replicas), '--cluster-yes'], { timeout: 30_000 });
    await waitFor('every cluster node to report cluster_state:ok with all slots', async () => {
      for (const n of c.nodes) if (!clusterOk(await onNode(n.port, async (r) => String(await r.cluster('INFO'))))) return false;
      return true;
    }, 30_000, 200);
    return c;
  }

  /** REDIS_CLUSTER_NODES for simpair's roles. */
  get nodesEnv(): string {
    return this.nodes.map((n) => `127.0.0.1:${n.port}`).join(',');
  }

  /** A Cluster client (waits through failovers; the tests' own view of the data). */
  client(): StoreRedis {
    const c = createWorkerConnection({ clusterNodes: this.nodes.map((n) => `127.0.0.1:${n.port}`) }, 'simpair-test');
    c.on('error', () => undefined);
    return c;
  }

  /** The ports of the nodes that are masters now, as the cluster sees it. */
  async masterPorts(): Promise<number[]> {
    for (const n of this.nodes) {
      // CLUSTER NODES lines: <id> <ip:port@bus> <flags> … ; flags such as "myself,master" or "master,fail".
      const lines = await onNode(n.port, async (r) => String(await r.cluster('NODES')).trim().split('\n')).catch(() => null);
      if (!lines) continue;
      return lines
        .map((l) => l.split(' '))
        .filter((f) => f[2].split(',').includes('master') && !f[2].includes('fail'))
        .map((f) => Number(f[1].split('@')[0].split(':').pop()));
    }
    return [];
  }

  /**
   * kill -9 of one master (a crash), then waits until its replica has taken over its slots and
   * every surviving node reports cluster_state:ok. Returns the killed node's port.
   */
  async killMasterAndAwaitFailover(timeoutMs = 30_000): Promise<number> {
    const [port] = await this.masterPorts();
    const node = this.nodes.find((n) => n.port === port)!;
    await node.server.kill();
    const alive = this.nodes.filter((n) => n.port !== port);
    await waitFor(`a replica to take over the slots of master ${port}`, async () => {
      for (const n of alive) if (!clusterOk(await onNode(n.port, async (r) => String(await r.cluster('INFO'))).catch(() => ''))) return false;
      const masters = await this.masterPorts();
      return masters.length === this.masters && !masters.includes(port);
    }, timeoutMs, 200);
    return port;
  }

  /** DBSIZE of each master now (port → keys). */
  async keysPerMaster(): Promise<Map<number, number>> {
    const out = new Map<number, number>();
    for (const port of await this.masterPorts()) out.set(port, await onNode(port, (r) => r.dbsize()));
    return out;
  }

  async stop(): Promise<void> {
    await Promise.all(this.nodes.map((n) => n.server.stop()));
  }

  /** Last resort from a process 'exit' handler: synchronous, no waiting. */
  killNow(): void {
    for (const n of this.nodes) n.server.killNow();
  }
}
