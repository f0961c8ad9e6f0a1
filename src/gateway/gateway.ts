import type { Queue, Worker } from 'bullmq';
import type { Logger } from 'pino';
import { resolveConnections, type Config } from '../config';
import { QUEUE, type MoBatch, type MoMessage, type MtJob, type WorkerFactory } from '../queues';
import { createKeys, type Keys } from '../store/keys';
import { registerScripts } from '../store/scripts';
import { SharedThrottle } from '../store/shared-throttle';
import type { SegmentThrottle } from '../smpp/throttle';
import type { EsmeSession, EsmeSessionOptions } from '../smpp/esme-session';
import { ReplyStore } from '../store/replies';
import { MoIdentityStore } from '../store/mo-identity';
import { ReassemblyStore } from '../store/reassembly';
import type { Redis } from '../store/redis';
import { metrics } from '../metrics';
import { chooseConnection, SmscConnection, type ConnectionStatus } from './connection';
import { createIntake } from './intake';
import { moGroupCommit } from './mo-group-commit';
import { createReceiptIntake } from './receipt-intake';
import { createSender } from './sender';
import { GatewayStatusBoard } from './status-board';
import { BacklogGuard } from './backlog-guard';

export interface GatewayDeps {
  config: Config;
  name: string;
  /** Fail-fast connection: intake answers ESME_RX_T_APPN instead of waiting out an outage. */
  intakeRedis: Redis;
  /** The MO queue, on the fail-fast connection (src/main builds it); stop() closes it. */
  moQueue: Queue<MoMessage | MoBatch>;
  /** Builds the MT worker, on a blocking connection (src/main); stop() closes it. */
  worker: WorkerFactory;
  /** Opens one SMPP session of a connection (src/main: an EsmeSession); stop() unbinds it. */
  openSession: (opts: EsmeSessionOptions) => EsmeSession;
  /** Fail-fast, auto-pipelined: the intake's store commands (identity, receipts, parts). */
  intakeStoreRedis: Redis;
  /** Blocking, auto-pipelined: the sender's reply records. */
  mtStoreRedis: Redis;
  log: Logger;
}

/**
 * The gateway role: one or more SMSC connections (each one transceiver, or a receiver and a
 * transmitter), deliver_sm → durable enqueue → deliver_sm_resp, queued replies → submit_sm over a
 * connection that can carry them, and a status board in Redis that /readyz of any process reads.
 */
export class Gateway {
  readonly connections: SmscConnection[] = [];
  private mtWorker: Worker<MtJob> | null = null;
  private timers: NodeJS.Timeout[] = [];
  private readonly keys: Keys;
  private readonly board: GatewayStatusBoard;
  private readonly via = new Map<string, string>();
  private bindWaiters: Array<() => void> = [];
  private readonly backlog: BacklogGuard;

  constructor(private readonly deps: GatewayDeps) {
    const { config, moQueue } = deps;
    this.keys = createKeys(config.redis.keyPrefix);
    this.board = new GatewayStatusBoard(deps.intakeRedis, this.keys, deps.name, () => this.connections.map((c) => c.status()), config.gateway.statusIntervalMs);
    this.backlog = new BacklogGuard({
      // The oldest job still waiting (BullMQ lists waiting jobs oldest first with getWaiting).
      oldestWaitingAt: async () => (await moQueue.getWaiting(0, 0))[0]?.timestamp ?? null,
      limitMs: config.mo.maxBacklogSeconds * 1000,
      intervalMs: config.gateway.backlogCheckMs,
      log: deps.log,
    });
  }

  /** Every session of every connection. */
  get sessions() {
    return this.connections.flatMap((c) => c.sessions);
  }

  get bound(): boolean {
    return this.sessions.some((s) => s.bound);
  }

  status(): ConnectionStatus[] {
    return this.connections.map((c) => c.status());
  }

  async start(): Promise<void> {
    const { config, log } = this.deps;
    const keys = this.keys;
    const scripts = registerScripts(this.deps.intakeStoreRedis);
    const mtScripts = registerScripts(this.deps.mtStoreRedis);
    const reassembly = new ReassemblyStore(this.deps.intakeStoreRedis, keys, config.redis.keyPrefix, scripts, config.smpp.reassemblyTtlMs);
    const intake = createIntake({
      gateway: this.deps.name,
      moWriter: moGroupCommit(this.deps.moQueue, config.mo.groupCommitMax, config.mo.enqueueTimeoutMs),
      receipts: createReceiptIntake({ replies: new ReplyStore(this.deps.intakeStoreRedis, keys, scripts, config.retention.replySeconds), log }),
      identities: new MoIdentityStore(scripts),
      reassembly,
      keys,
      windowMs: config.mo.dedupeWindowSeconds * 1000,
      smscResponseTimeoutMs: config.mo.smscResponseTimeoutMs,
      messageIdRetentionMs: config.mo.messageIdRetentionSeconds * 1000,
      maxMessageOctets: config.smpp.maxMessageOctets,
      enqueueTimeoutMs: config.mo.enqueueTimeoutMs,
      linkAlive: (id) => this.linkAlive(id),
      admitting: () => this.backlog.admitting,
      rememberVia: (source, connection) => this.rememberVia(source, connection),
      log,
    });
    for (const c of resolveConnections(config)) {
      // The account is its credentials at its SMSC: every gateway bound with them shares the limit.
      const shared =
        c.throughputScope === 'per-account'
          ? (own: SegmentThrottle) => new SharedThrottle(mtScripts, keys.throughputBucket(`${c.systemId}@${c.host}:${c.port}`), own, c.segmentsPerSecond, log)
          : undefined;
      const conn = new SmscConnection(c, this.deps.name, config.smpp, intake, (reason) => metrics.pduRefused.inc({ reason }), log, this.deps.openSession, shared);
      for (const s of conn.sessions) {
        s.on('state', (state) => {
          if (state === 'refused') metrics.bindRefused.inc({ connection: c.name, status: s.status().refused?.status ?? 'unknown' });
          this.onBindChange();
        });
      }
      this.connections.push(conn);
    }

    const replies = new ReplyStore(this.deps.mtStoreRedis, keys, mtScripts, config.retention.replySeconds);
    // Not running until the connections are started below (queueSettings: autorun false).
    this.mtWorker = this.deps.worker<MtJob>(
      QUEUE.mt,
      createSender({
        route: (mt) => chooseConnection(this.connections, mt.to, this.via.get(mt.to)),
        waitForBind: (ms) => this.waitForBind(ms),
        linkWaitMs: config.smpp.linkWaitMs,
        replies,
        registeredDelivery: config.smpp.registeredDelivery,
        partAttempts: config.smpp.partAttempts,
        log,
      }),
    );
    this.mtWorker.on('error', (err) => log.warn({ err: err.message }, 'mt worker error'));
    this.mtWorker.on('failed', (job, err) => log.debug({ job: job?.id, attempts: job?.attemptsMade, err: err.message }, 'reply attempt failed'));

    for (const c of this.connections) c.start();
    void this.mtWorker.run();
    this.timers.push(setInterval(() => void this.board.publish(), config.gateway.statusIntervalMs));
    this.backlog.start();
    this.timers.push(
      setInterval(() => {
        reassembly
          .sweepExpired(Date.now())
          .then((expired) => {
            for (const parts of expired) {
              metrics.concatExpired.inc();
              log.warn({ partsReceived: parts }, 'concatenated MO incomplete after smpp.reassemblyTtlMs: given up');
            }
          })
          .catch(() => undefined);
      }, config.gateway.reassemblySweepMs),
    );
  }

  private linkAlive(id: string): boolean {
    for (const s of this.sessions) if (s.status().link?.id === id) return true;
    return this.board.remoteLinkAlive(id);
  }

  private rememberVia(source: string, connection: string): void {
    const key = source.replace(/^\+/, '');
    if (this.via.get(key) === connection) return;
    this.via.delete(key);
    this.via.set(key, connection);
    if (this.via.size > this.deps.config.gateway.routeMemory) this.via.delete(this.via.keys().next().value as string);
  }

  private waitForBind(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.bindWaiters = this.bindWaiters.filter((w) => w !== done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.bindWaiters.push(done);
    });
  }

  private onBindChange(): void {
    metrics.bindsUp.set(this.sessions.filter((s) => s.bound).length);
    for (const c of this.connections) metrics.connectionUp.set({ connection: c.name }, c.transmitter() ? 1 : c.sessions.some((s) => s.bound) ? 0.5 : 0);
    const waiters = this.bindWaiters;
    this.bindWaiters = [];
    for (const w of waiters) w();
    void this.board.publish();
  }

  /** Graceful: stop taking replies, let in-flight submits finish, answer in-flight MOs, unbind. */
  async stop(): Promise<void> {
    for (const t of this.timers) clearInterval(t);
    await this.backlog.stop();
    await this.mtWorker?.close();
    await Promise.all(this.connections.map((c) => c.stop()));
    await this.board.withdraw();
    await this.deps.moQueue.close();
  }
}
