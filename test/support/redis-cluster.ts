import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';
import { RedisServer } from '../../src/store/redis-server';
import { createWorkerConnection, type Redis as StoreRedis } from '../../src/store/redis';
import { waitFor } from './processes';

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

  private constructor() {}

  static async start(opts: { masters?: number; replicasPerMaster?: number; nodeTimeoutMs?: number } = {}): Promise<LocalRedisCluster> {
    const masters = opts.masters ?? 3;
    const replicas = opts.replicasPerMaster ?? 0;
    const c = new LocalRedisCluster();
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
      for (const n of c.nodes) {
        const r = new Redis(n.port, '127.0.0.1', { lazyConnect: true, maxRetriesPerRequest: 1 });
        try {
          await r.connect();
          const info = String(await r.cluster('INFO'));
          if (!/cluster_state:ok/.test(info) || !/cluster_slots_ok:16384/.test(info)) return false;
        } finally {
          r.disconnect();
        }
      }
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
      const r = new Redis(n.port, '127.0.0.1', { lazyConnect: true, maxRetriesPerRequest: 1 });
      try {
        await r.connect();
        const lines = String(await r.cluster('NODES')).trim().split('\n');
        return lines.filter((l) => / master /.test(` ${l.split(' ')[2].replace(/,/g, ' ')} `) && !/fail/.test(l.split(' ')[2])).map((l) => Number(l.split(' ')[1].split(':')[1].split('@')[0]));
      } catch {
        continue;
      } finally {
        r.disconnect();
      }
    }
    return [];
  }

  /** DBSIZE of each master now (port → keys). */
  async keysPerMaster(): Promise<Map<number, number>> {
    const out = new Map<number, number>();
    for (const port of await this.masterPorts()) {
      const r = new Redis(port, '127.0.0.1', { lazyConnect: true, maxRetriesPerRequest: 1 });
      try {
        await r.connect();
        out.set(port, await r.dbsize());
      } finally {
        r.disconnect();
      }
    }
    return out;
  }

  async stop(): Promise<void> {
    await Promise.all(this.nodes.map((n) => n.server.stop()));
  }
}
