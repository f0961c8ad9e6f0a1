import { Redis, type RedisOptions } from 'ioredis';

export type { Redis } from 'ioredis';

/**
 * Connection for BullMQ workers and long-lived consumers: commands wait through a Redis outage
 * (maxRetriesPerRequest: null, as BullMQ requires for blocking connections).
 */
export function createWorkerConnection(url: string, name: string): Redis {
  return new Redis(url, { maxRetriesPerRequest: null, connectionName: name, ...reconnect });
}

/**
 * Connection for request paths that must fail fast while Redis is down (deliver_sm intake answers
 * ESME_RX_T_APPN, HTTP answers 503) instead of queueing commands in memory.
 */
export function createFailFastConnection(url: string, name: string): Redis {
  return new Redis(url, {
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
