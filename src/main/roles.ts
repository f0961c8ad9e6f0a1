import { createServer, type Server } from 'node:http';
import { registry } from '../metrics';
import type { Logger } from 'pino';
import type { Config } from '../config';
import { createFailFastConnection, createWorkerConnection, redisTarget, type Redis, type RedisTarget } from '../store/redis';
import { createKeys } from '../store/keys';
import { redisDurabilityWarnings } from '../store/redis-checks';
import { Gateway } from '../gateway/gateway';
import { WorkerRole } from '../jobs/worker-role';
import { createApp } from '../http/app';
import { adminRouter } from '../http/admin';
import { registerScripts } from '../store/scripts';
import { Queue } from 'bullmq';
import { QUEUE, type MtJob } from '../queues';
import { ReplyStore } from '../store/replies';
import { Outbox } from '../jobs/outbox';
import { replyDeadlines } from '../jobs/reply-deadlines';
import { MT_JOB_OPTIONS } from '../jobs/worker-role';
import { ledgerRouter } from '../http/ledger-routes';
import { deviceRouter } from '../http/device-routes';
import { sendPostingNotice } from '../jobs/ledger-relay';

export type Role = 'gateway' | 'worker' | 'api';

export interface RunningRoles {
  gateway?: Gateway;
  httpPort?: number;
  stop(): Promise<void>;
}

/**
 * The only place that creates connections, queues, workers and servers. Each role can run alone
 * (src/main/<role>.ts) or together (src/main/all.ts, and the embedded start).
 */
export async function startRoles(config: Config, roles: Role[], log: Logger, opts: { gatewayName?: string } = {}): Promise<RunningRoles> {
  const target = redisTarget(config.redis);
  if (!target) throw new Error('REDIS_URL (redis.url) or REDIS_CLUSTER_NODES (redis.clusterNodes) is not set');
  const connections: Redis[] = [];
  const conn = (r: Redis): Redis => {
    connections.push(r);
    r.on('error', (err) => log.debug({ err: err.message }, 'redis connection error'));
    return r;
  };
  const stops: Array<() => Promise<void>> = [];
  await warnAboutRedis(target, log);
  const running: RunningRoles = { stop: async () => undefined };

  if (roles.includes('worker')) {
    const worker = new WorkerRole({
      config,
      redis: conn(createWorkerConnection(target, 'simpair-worker')),
      storeRedis: conn(createWorkerConnection(target, 'simpair-worker-store', { autoPipelining: true })),
      outboxRedis: conn(createWorkerConnection(target, 'simpair-worker-outbox')),
      name: `worker-${opts.gatewayName ?? process.pid}-${process.pid}`,
      log: log.child({ role: 'worker' }),
    });
    await worker.start();
    stops.push(() => worker.stop());
  }
  if (roles.includes('gateway')) {
    if (!config.smpp.url && !config.smpp.connections.length) throw new Error('SMPP_URL (smpp.url) or smpp.connections is not set');
    const gateway = new Gateway({
      config,
      name: opts.gatewayName ?? `gw-${process.pid}`,
      intakeRedis: conn(createFailFastConnection(target, 'simpair-gateway-intake')),
      workerRedis: conn(createWorkerConnection(target, 'simpair-gateway-mt')),
      intakeStoreRedis: conn(createFailFastConnection(target, 'simpair-gateway-intake-store', { autoPipelining: true })),
      mtStoreRedis: conn(createWorkerConnection(target, 'simpair-gateway-mt-store', { autoPipelining: true })),
      log: log.child({ role: 'gateway' }),
    });
    await gateway.start();
    running.gateway = gateway;
    stops.unshift(() => gateway.stop()); // intake stops first on shutdown
  }
  if (roles.includes('api')) {
    const redis = conn(createFailFastConnection(target, 'simpair-api'));
    const keys = createKeys(config.redis.keyPrefix);
    const apiLog = log.child({ role: 'api' });
    const scripts = registerScripts(redis);
    // The API sends SMS too (a refund notice): through the reply queue like every reply.
    const apiMtQueue = new Queue<MtJob>(QUEUE.mt, { connection: redis, prefix: config.redis.queuePrefix, defaultJobOptions: MT_JOB_OPTIONS(config) });
    const apiOutbox = new Outbox(apiMtQueue, new ReplyStore(redis, keys, scripts), redis, keys, config.mo.repliesPerMsisdnPerMinute, replyDeadlines(config));
    stops.push(() => apiMtQueue.close());
    const app = createApp({
      redis,
      keys,
      log: apiLog,
      routers: [
        adminRouter({ redis, keys, scripts, config, log: apiLog }),
        deviceRouter({ redis, keys, scripts, config, log: apiLog }),
        // After the admin router, whose authentication covers these paths (ADMIN_PATHS).
        ledgerRouter({ redis, keys, scripts, config, log: apiLog, onPosting: (p) => sendPostingNotice(apiOutbox, p, { currency: config.currency, minorDigits: config.minorDigits }) }),
      ],
    });
    const server = await new Promise<Server>((resolve, reject) => {
      const s = app.listen(config.http.port, config.http.host, () => resolve(s));
      s.once('error', reject);
    });
    const addr = server.address();
    running.httpPort = typeof addr === 'object' && addr ? addr.port : config.http.port;
    stops.unshift(() => new Promise<void>((resolve) => server.close(() => resolve())));
  }

  if (!roles.includes('api') && config.http.metricsPort !== null) {
    const server = createServer(async (req, res) => {
      if (req.url === '/metrics') {
        res.writeHead(200, { 'content-type': registry.contentType }).end(await registry.metrics());
      } else if (req.url === '/healthz') {
        res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok"}');
      } else {
        res.writeHead(404).end();
      }
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(config.http.metricsPort!, config.http.host, () => resolve());
    });
    stops.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
  }

  running.stop = async () => {
    for (const stop of stops) await stop().catch((err: Error) => log.warn({ err: err.message }, 'error while stopping'));
    await Promise.all(connections.map((c) => c.quit().catch(() => c.disconnect())));
  };
  return running;
}

async function warnAboutRedis(url: RedisTarget, log: Logger): Promise<void> {
  const probe = createFailFastConnection(url, 'simpair-startup-check');
  probe.on('error', () => undefined);
  try {
    await new Promise<void>((resolve, reject) => {
      probe.once('ready', resolve);
      setTimeout(() => reject(new Error('Redis did not answer within 5 s')), 5000).unref();
    });
    for (const w of await redisDurabilityWarnings(probe)) {
      log.warn({ check: 'redis' }, w);
      process.stderr.write(`simpair: warning: ${w}\n`);
    }
  } catch (err) {
    log.warn({ err: (err as Error).message }, 'Redis unavailable at start-up; roles start anyway and wait for it');
  } finally {
    probe.disconnect();
  }
}

/** SIGTERM/SIGINT → graceful stop once; a second signal exits at once. */
export function onShutdown(log: Logger, stop: () => Promise<void>, graceMs: number): void {
  let stopping = false;
  const handler = (signal: string): void => {
    if (stopping) process.exit(1);
    stopping = true;
    log.info({ signal }, 'shutting down');
    setTimeout(() => {
      log.error({ graceMs }, 'graceful shutdown did not finish in time: exiting; what was held is recovered as after a crash');
      process.exit(1);
    }, graceMs).unref();
    stop()
      .then(() => process.exit(0))
      .catch((err: Error) => {
        log.error({ err: err.message }, 'shutdown failed');
        process.exit(1);
      });
  };
  process.on('SIGTERM', () => handler('SIGTERM'));
  process.on('SIGINT', () => handler('SIGINT'));
}
