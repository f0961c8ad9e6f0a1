import { createServer, type Server } from 'node:http';
import { exportQueueDepths, registry } from '../metrics';
import { queueDepths } from '../queues/depth';
import type { Logger } from 'pino';
import type { Config } from '../config';
import { createFailFastConnection, createWorkerConnection, redisTarget, type Redis, type RedisTarget } from '../store/redis';
import { createKeys } from '../store/keys';
import { redisDurabilityWarnings } from '../store/redis-checks';
import { Gateway } from '../gateway/gateway';
import { WorkerRole } from '../jobs/worker-role';
import { createApiApp } from '../http/api';
import { registerScripts } from '../store/scripts';
import { QUEUE, type MoBatch, type MoMessage, type MtJob } from '../queues';
import type { MerchantJob } from '../jobs/merchant-notifier';
import { EsmeSession } from '../smpp/esme-session';
import { Bull } from './queues';
import { ReplyStore } from '../store/replies';
import { Outbox } from '../jobs/outbox';
import { replyDeadlines } from '../jobs/reply-deadlines';
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
  await warnAboutRedis(target, config.redis.failFastTimeoutMs, log);
  const running: RunningRoles = { stop: async () => undefined };

  if (roles.includes('worker')) {
    const bull = new Bull(config, conn(createWorkerConnection(target, 'simpair-worker')));
    const worker = new WorkerRole({
      config,
      mtQueue: bull.queue<MtJob>(QUEUE.mt),
      merchantQueue: bull.queue<MerchantJob>(QUEUE.merchant),
      worker: (name, processor) => bull.worker(name, processor),
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
    const intakeRedis = conn(createFailFastConnection(target, 'simpair-gateway-intake', config.redis.failFastTimeoutMs));
    const mtBull = new Bull(config, conn(createWorkerConnection(target, 'simpair-gateway-mt')));
    const gateway = new Gateway({
      config,
      name: opts.gatewayName ?? `gw-${process.pid}`,
      intakeRedis,
      moQueue: new Bull(config, intakeRedis).queue<MoMessage | MoBatch>(QUEUE.mo),
      worker: (name, processor) => mtBull.worker(name, processor),
      openSession: (sessionOptions) => new EsmeSession(sessionOptions),
      intakeStoreRedis: conn(createFailFastConnection(target, 'simpair-gateway-intake-store', config.redis.failFastTimeoutMs, { autoPipelining: true })),
      mtStoreRedis: conn(createWorkerConnection(target, 'simpair-gateway-mt-store', { autoPipelining: true })),
      log: log.child({ role: 'gateway' }),
    });
    await gateway.start();
    running.gateway = gateway;
    stops.unshift(() => gateway.stop()); // intake stops first on shutdown
  }
  if (roles.includes('api')) {
    const redis = conn(createFailFastConnection(target, 'simpair-api', config.redis.failFastTimeoutMs));
    const keys = createKeys(config.redis.keyPrefix);
    const apiLog = log.child({ role: 'api' });
    const scripts = registerScripts(redis);
    const bull = new Bull(config, redis);
    // The API sends SMS too (a refund notice): through the reply queue like every reply.
    const apiMtQueue = bull.queue<MtJob>(QUEUE.mt);
    const apiOutbox = new Outbox(apiMtQueue, new ReplyStore(redis, keys, scripts, config.retention.replySeconds), redis, keys, config.mo.repliesPerMsisdnPerMinute, replyDeadlines(config), config.replies.groupCommitMax, config.replies.enqueueTimeoutMs);
    stops.push(() => apiMtQueue.close());
    // Read-only handles for the depths the network view and simpair_queue_jobs show.
    const depthQueues = [QUEUE.mo, QUEUE.merchant].map((name) => bull.queue(name));
    stops.push(() => Promise.all(depthQueues.map((q) => q.close())).then(() => undefined));
    const queues = [depthQueues[0], apiMtQueue, depthQueues[1]];
    exportQueueDepths(() => queueDepths(queues));
    stops.push(async () => exportQueueDepths(null));
    const app = createApiApp({
      redis,
      keys,
      scripts,
      config,
      log: apiLog,
      queues,
      onPosting: (p) => sendPostingNotice(apiOutbox, p, { currency: config.currency, minorDigits: config.minorDigits }),
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

/** How long the start-up look at Redis's durability settings waits for Redis (a few reconnects); it only warns. */
const STARTUP_CHECK_MS = 5000;

async function warnAboutRedis(url: RedisTarget, timeoutMs: number, log: Logger): Promise<void> {
  const probe = createFailFastConnection(url, 'simpair-startup-check', timeoutMs);
  probe.on('error', () => undefined);
  try {
    await new Promise<void>((resolve, reject) => {
      probe.once('ready', resolve);
      setTimeout(() => reject(new Error(`Redis did not answer within ${STARTUP_CHECK_MS / 1000} s`)), STARTUP_CHECK_MS).unref();
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
