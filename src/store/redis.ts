import { Redis, type RedisOptions } from 'ioredis';

export type { Redis } from 'ioredis';

// simpair's own store commands get connections of their own, apart from BullMQ's: ioredis copies
// every script defined on a connection into each pipeline it builds, and BullMQ defines ~50; and
// with auto-pipelining, store commands issued in the same tick leave in one write.

/**
 * Connection for BullMQ workers and long-lived consumers: commands wait through a Redis outage
 * (maxRetriesPerRequest: null, as BullMQ requires for blocking connections).
 */
export function createWorkerConnection(url: string, name: string, opts: { autoPipelining?: boolean } = {}): Redis {
  return new Redis(url, { maxRetriesPerRequest: null, connectionName: name, enableAutoPipelining: opts.autoPipelining ?? false, ...reconnect });
}

/**
 * Connection for request paths that must fail fast while Redis is down (deliver_sm intake answers
 * ESME_RX_T_APPN, HTTP answers 503) instead of queueing commands in memory.
 */
export function createFailFastConnection(url: string, name: string, opts: { autoPipelining?: boolean } = {}): Redis {
  return new Redis(url, {
    enableAutoPipelining: opts.autoPipelining ?? false,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    connectionName: name,
    connectTimeout: 2000,
    commandTimeout: 2000,
    ...reconnect,
  });
}

const reconnect: Partial<RedisOptions> = {
  // Keep trying forever with a capped delay; readiness reports the outage meanwhile.
  retryStrategy: (times: number) => Math.min(100 * 2 ** Math.min(times, 6), 2000),
};

/** Errors of a fail-fast connection while Redis is down or unreachable (answered 503, not 500). */
export function isRedisUnavailable(err: Error): boolean {
  return (
    err.name === 'MaxRetriesPerRequestError' ||
    /Stream isn't writeable|Connection is closed|Command timed out|ECONNREFUSED|ECONNRESET|ETIMEDOUT|LOADING/.test(err.message)
  );
}
