import { Cluster, Redis, type ClusterOptions, type RedisOptions } from 'ioredis';

export type { Redis } from 'ioredis';

// simpair's own store commands get connections of their own, apart from BullMQ's: ioredis copies
// every script defined on a connection into each pipeline it builds, and BullMQ defines ~50; and
// with auto-pipelining, store commands issued in the same tick leave in one write (on Redis
// Cluster, one write per node).

/** Where Redis is: one server (REDIS_URL) or a Redis Cluster's seed nodes (REDIS_CLUSTER_NODES). */
export type RedisTarget = { url: string } | { clusterNodes: string[] };

export function redisTarget(redis: { url: string | null; clusterNodes: string[] }): RedisTarget | null {
  if (redis.clusterNodes.length) return { clusterNodes: redis.clusterNodes };
  return redis.url ? { url: redis.url } : null;
}

export function describeTarget(t: RedisTarget): string {
  return 'url' in t ? t.url : `cluster ${t.clusterNodes.join(',')}`;
}

/**
 * Connection for BullMQ workers and long-lived consumers: commands wait through a Redis outage
 * (maxRetriesPerRequest: null, as BullMQ requires for blocking connections).
 */
export function createWorkerConnection(target: RedisTarget, name: string, opts: { autoPipelining?: boolean } = {}): Redis {
  return connect(target, { maxRetriesPerRequest: null, connectionName: name }, opts.autoPipelining ?? false, true);
}

/**
 * Connection for request paths that must fail fast while Redis is down (deliver_sm intake answers
 * ESME_RX_T_APPN, HTTP answers 503) instead of queueing commands in memory.
 */
export function createFailFastConnection(target: RedisTarget, name: string, timeoutMs: number, opts: { autoPipelining?: boolean } = {}): Redis {
  return connect(target, { maxRetriesPerRequest: 0, connectionName: name, connectTimeout: timeoutMs, commandTimeout: timeoutMs }, opts.autoPipelining ?? false, false);
}

function connect(target: RedisTarget, options: RedisOptions, autoPipelining: boolean, offlineQueue: boolean): Redis {
  if ('url' in target) return new Redis(target.url, { ...options, enableAutoPipelining: autoPipelining, enableOfflineQueue: offlineQueue, ...reconnect });
  const cluster: ClusterOptions = {
    redisOptions: options,
    enableAutoPipelining: autoPipelining,
    enableOfflineQueue: offlineQueue,
    // Writes and the reads that decide go to masters only: a replica may lag behind a decision.
    scaleReads: 'master',
    clusterRetryStrategy: (times: number) => Math.min(100 * 2 ** Math.min(times, 6), 2000),
    // Through a failover a slot moves: follow MOVED/ASK and wait for the new master.
    maxRedirections: 32,
    retryDelayOnFailover: 200,
    retryDelayOnClusterDown: 300,
    slotsRefreshTimeout: 2000,
  };
  const nodes = target.clusterNodes.map((n) => {
    const i = n.lastIndexOf(':');
    return { host: n.slice(0, i), port: Number(n.slice(i + 1)) };
  });
  // The Cluster client has the command interface of a single-server client (which is what the
  // store, BullMQ and the roles use); only connection management differs.
  return new Cluster(nodes, cluster) as unknown as Redis;
}

const reconnect: Partial<RedisOptions> = {
  // Keep trying forever with a capped delay; readiness reports the outage meanwhile.
  retryStrategy: (times: number) => Math.min(100 * 2 ** Math.min(times, 6), 2000),
};

// Told apart by the HTTP layer, which must not import the connection factories above (`npm run lint`).
export { isRedisUnavailable } from './redis-errors';
