import { Queue, Worker } from 'bullmq';
import type { Logger } from 'pino';
import type { Config } from '../config';
import { EsmeSession, type BindCommand } from '../smpp/esme-session';
import { SegmentThrottle } from '../smpp/throttle';
import { QUEUE, type MoMessage, type MtJob } from '../queues';
import { createKeys, type Keys } from '../store/keys';
import { registerScripts } from '../store/scripts';
import { ReplyStore } from '../store/replies';
import type { Redis } from '../store/redis';
import { createIntake } from './intake';
import { createSender } from './sender';
import { metrics } from '../metrics';

const HEARTBEAT_MS = 2000;
const HEARTBEAT_TTL_MS = 6000;

export interface GatewayDeps {
  config: Config;
  name: string;
  smppUrl: string;
  /** Fail-fast connection: intake answers ESME_RX_T_APPN instead of waiting out an outage. */
  intakeRedis: Redis;
  /** Blocking connection for the MT worker (maxRetriesPerRequest: null). */
  workerRedis: Redis;
  /** Fail-fast, auto-pipelined: the intake's store commands (receipts, concatenated parts). */
  intakeStoreRedis: Redis;
  /** Blocking, auto-pipelined: the sender's reply records. */
  mtStoreRedis: Redis;
  log: Logger;
}

/**
 * The gateway role: SMPP session(s) to the SMSC, deliver_sm → durable enqueue → deliver_sm_resp,
 * queued replies → submit_sm, and a bind heartbeat in Redis that /readyz of any process reads.
 */
export class Gateway {
  readonly sessions: EsmeSession[] = [];
  private readonly moQueue: Queue<MoMessage>;
  private mtWorker: Worker<MtJob> | null = null;
  private heartbeat: NodeJS.Timeout | null = null;
  private readonly throttle: SegmentThrottle;
  private readonly keys: Keys;

  constructor(private readonly deps: GatewayDeps) {
    const { config } = deps;
    const prefix = config.redis.queuePrefix;
    this.moQueue = new Queue<MoMessage>(QUEUE.mo, {
      connection: deps.intakeRedis,
      prefix,
      defaultJobOptions: { attempts: 10, backoff: { type: 'exponential', delay: 500 }, removeOnComplete: { age: 600, count: 1000 }, removeOnFail: { age: 7 * 24 * 3600 } },
    });
    this.keys = createKeys(config.redis.keyPrefix);
    this.throttle = new SegmentThrottle({ segmentsPerSecond: config.smpp.segmentsPerSecond });
  }

  /** The session that carries submit_sm: the transceiver, or the transmitter of a pair. */
  private transmitter(): EsmeSession | null {
    return this.sessions.find((s) => s.bound && s.name.endsWith(':tx')) ?? this.sessions.find((s) => s.bound && s.name.endsWith(':trx')) ?? null;
  }

  get bound(): boolean {
    return this.sessions.some((s) => s.bound);
  }

  async start(): Promise<void> {
    const { config, log } = this.deps;
    const keys = this.keys;
    const scripts = registerScripts(this.deps.intakeStoreRedis);
    const intake = createIntake({
      gateway: this.deps.name,
      moQueue: this.moQueue,
      replies: new ReplyStore(this.deps.intakeStoreRedis, keys, scripts),
      scripts,
      redis: this.deps.intakeStoreRedis,
      keyPrefix: config.redis.keyPrefix,
      dedupeWindowMs: config.mo.dedupeWindowSeconds * 1000,
      reassemblyTtlMs: config.smpp.reassemblyTtlMs,
      maxMessageOctets: config.smpp.maxMessageOctets,
      imsiTlvTag: config.smpp.imsiTlvTag,
      messageIdTlvTag: config.smpp.messageIdTlvTag,
      enqueueTimeoutMs: 3000,
      log,
    });
    const binds: Array<[string, BindCommand]> =
      config.smpp.bindMode === 'transceiver'
        ? [[`${this.deps.name}:trx`, 'bind_transceiver']]
        : [[`${this.deps.name}:rx`, 'bind_receiver'], [`${this.deps.name}:tx`, 'bind_transmitter']];
    for (const [name, bind] of binds) {
      const s = new EsmeSession({
        name,
        url: this.deps.smppUrl,
        systemId: config.smpp.systemId,
        password: config.smpp.password,
        systemType: config.smpp.systemType,
        bind,
        enquireLinkMs: config.smpp.enquireLinkMs,
        enquireLinkTimeoutMs: config.smpp.enquireLinkTimeoutMs,
        responseTimeoutMs: config.smpp.responseTimeoutMs,
        connectTimeoutMs: config.smpp.connectTimeoutMs,
        window: config.smpp.window,
        reconnectBaseMs: config.smpp.reconnectBaseMs,
        reconnectMaxMs: config.smpp.reconnectMaxMs,
        log,
        onDeliver: bind === 'bind_transmitter' ? undefined : intake,
      });
      s.on('bound', () => this.onBindChange());
      s.on('unbound', () => this.onBindChange());
      this.sessions.push(s);
    }

    const replies = new ReplyStore(this.deps.mtStoreRedis, keys, registerScripts(this.deps.mtStoreRedis));
    this.mtWorker = new Worker<MtJob>(
      QUEUE.mt,
      createSender({
        session: () => this.transmitter(),
        throttle: this.throttle,
        replies,
        serviceNumber: config.serviceNumber,
        sourceTon: config.smpp.sourceTon,
        sourceNpi: config.smpp.sourceNpi,
        destTon: config.smpp.destTon,
        destNpi: config.smpp.destNpi,
        registeredDelivery: config.smpp.registeredDelivery,
        partAttempts: 20,
        log,
      }),
      {
        connection: this.deps.workerRedis,
        prefix: config.redis.queuePrefix,
        concurrency: config.smpp.mtConcurrency,
        autorun: false,
        lockDuration: config.worker.lockDurationMs,
        stalledInterval: config.worker.stalledIntervalMs,
        maxStalledCount: 5,
      },
    );
    this.mtWorker.on('error', (err) => log.warn({ err: err.message }, 'mt worker error'));
    this.mtWorker.on('failed', (job, err) => log.warn({ job: job?.id, attempts: job?.attemptsMade, err: err.message }, 'reply attempt failed'));

    for (const s of this.sessions) s.start();
    void this.mtWorker.run();
    this.heartbeat = setInterval(() => void this.beat(), HEARTBEAT_MS);
  }

  private onBindChange(): void {
    metrics.bindsUp.set(this.sessions.filter((s) => s.bound).length);
    void this.beat();
  }

  private async beat(): Promise<void> {
    const key = this.keys.bindHeartbeats();
    try {
      if (this.bound) await this.deps.intakeRedis.zadd(key, Date.now() + HEARTBEAT_TTL_MS, this.deps.name);
      else await this.deps.intakeRedis.zrem(key, this.deps.name);
    } catch {
      // Redis down: readiness reports that on its own.
    }
  }

  /** Graceful: stop taking replies, let in-flight submits finish, answer in-flight MOs, unbind. */
  async stop(): Promise<void> {
    if (this.heartbeat) clearInterval(this.heartbeat);
    await this.mtWorker?.close();
    await Promise.all(this.sessions.map((s) => s.stop()));
    await this.deps.intakeRedis.zrem(this.keys.bindHeartbeats(), this.deps.name).catch(() => undefined);
    await this.moQueue.close();
  }
}
