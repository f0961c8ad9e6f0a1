import type { Queue, Worker } from 'bullmq';
import type { Logger } from 'pino';
import type { Config } from '../config';
import { QUEUE, type MoBatch, type MoMessage, type MtJob, type WorkerFactory } from '../queues';
import { PaymentStore } from '../store/payments';
import { DeviceKeySealer } from '../store/device-keys';
import { parseAmount } from '../domain/money';
import { startExpirySweeper } from './expiry';
import { ExpiryStore } from '../store/expiries';
import type { PaymentRules } from './payment-step';
import { createKeys } from '../store/keys';
import { registerScripts } from '../store/scripts';
import { ReplyStore } from '../store/replies';
import type { Redis } from '../store/redis';
import { Outbox } from './outbox';
import { replyDeadlines } from './reply-deadlines';
import { PresenterFailures } from '../store/presenters';
import { createSimSwapCheck } from './sim-swap';
import { createMerchantProcessor, merchantChannels, startMerchantRelay, type MerchantJob } from './merchant-notifier';
import { MerchantOutbox } from '../store/merchant-outbox';
import { LedgerOutbox } from '../store/ledger-outbox';
import { startLedgerRelay } from './ledger-relay';
import { createMoProcessor, processMoBatch } from './mo';
import { createUssdProcessor } from './ussd';
import { UssdScreens } from './ussd-outbox';
import { startUssdSweeper } from './ussd-sweeper';
import { UssdSessionStore } from '../store/ussd-sessions';
import { PaymentReader } from '../store/payments-read';

export interface WorkerRoleDeps {
  config: Config;
  /** The reply queue and the merchant queue (src/main builds them on a blocking connection); stop() closes them. */
  mtQueue: Queue<MtJob>;
  merchantQueue: Queue<MerchantJob>;
  /** Builds this role's workers (src/main, on the same blocking connection); stop() closes them. */
  worker: WorkerFactory;
  /** simpair's own store commands (auto-pipelined, no BullMQ scripts defined on it). */
  storeRedis: Redis;
  /** Blocking reads of the merchant outbox (XREADGROUP BLOCK), nothing else. */
  outboxRedis: Redis;
  /** Names this process's merchant relay (a consumer of the outbox's group). */
  name: string;
  log: Logger;
}

/** The worker role: MO processing, window ends, the ledger and merchant relays; replies leave through the MT queue (delivery receipts are applied by the gateway, README "How it fits together"). */
export class WorkerRole {
  private readonly workers: Worker[] = [];
  private stopUssdSweeper: () => Promise<void> = async () => undefined;
  private stopExpirySweeper: () => Promise<void> = async () => undefined;
  private stopMerchantRelay: () => Promise<void> = async () => undefined;
  private stopLedgerRelay: () => Promise<void> = async () => undefined;

  constructor(private readonly deps: WorkerRoleDeps) {}

  async start(): Promise<void> {
    const { config, storeRedis, mtQueue, merchantQueue, log } = this.deps;
    const keys = createKeys(config.redis.keyPrefix);
    const scripts = registerScripts(storeRedis);
    const replies = new ReplyStore(storeRedis, keys, scripts, config.retention.replySeconds);
    const outbox = new Outbox(mtQueue, replies, storeRedis, keys, config.mo.repliesPerMsisdnPerMinute, replyDeadlines(config), config.replies.groupCommitMax, config.replies.enqueueTimeoutMs);
    const expiries = new ExpiryStore(storeRedis, keys, scripts);
    const store = new PaymentStore(storeRedis, keys, scripts, config.retention.appliedMoSeconds, DeviceKeySealer.fromConfig(config.devices.keyEncryptionKey));
    const stepDeps = { store, outbox, expiries, rules: paymentRules(config), log };
    const ussdSessions = new UssdSessionStore(storeRedis, keys, scripts);
    const simSwap = createSimSwapCheck(config.simSwap, log);
    const ussd = createUssdProcessor({
      ...stepDeps,
      simSwap,
      sessions: ussdSessions,
      screens: new UssdScreens(mtQueue, replies, config.ussd.sessionTimeoutSeconds * 1000),
      payments: new PaymentReader(storeRedis, keys),
      ussd: { serviceCode: config.ussd.serviceCode, sessionTimeoutMs: config.ussd.sessionTimeoutSeconds * 1000, maxAmountMinor: MAX_AMOUNT_MINOR },
    });
    this.stopUssdSweeper = startUssdSweeper(ussdSessions, config.worker.ussdSweepMs, log);
    const processMo = createMoProcessor({
      ...stepDeps,
      countryCode: config.countryCode,
      serviceNumber: config.serviceNumber,
      maxAmountMinor: MAX_AMOUNT_MINOR,
      ussd,
      payments: new PaymentReader(storeRedis, keys),
      presenters: new PresenterFailures(storeRedis, keys, config.payments.presenterMaxFailures, config.payments.presenterWindowSeconds * 1000),
      simSwap,
    });
    // A job is one MO, or a group commit of several (job name `mos`, gateway/mo-group-commit.ts).
    const mo = this.deps.worker<MoMessage | MoBatch>(QUEUE.mo, (job) =>
      job.name === 'mos' ? processMoBatch((job.data as MoBatch).mos, processMo, log) : processMo(job.data as MoMessage),
    );
    this.stopExpirySweeper = startExpirySweeper(stepDeps, expiries, { leaseMs: config.worker.expiryLeaseMs, everyMs: config.worker.expirySweepMs }, log);

    // The second side of each transfer (merchant, float, payer of a refund), from the accounts' outboxes.
    this.stopLedgerRelay = startLedgerRelay({
      ledger: new LedgerOutbox(storeRedis, keys, scripts),
      replies: outbox,
      settings: { currency: config.currency, minorDigits: config.minorDigits, leaseMs: config.worker.ledgerLeaseMs, idleMs: config.worker.ledgerIdleMs },
      log,
    });

    // Merchant notices: the outbox (written with the money) → the merchant queue → SMS and webhook.
    const notifierSettings = {
      currency: config.currency,
      minorDigits: config.minorDigits,
      timeoutMs: config.webhooks.timeoutMs,
      deadlineMs: config.webhooks.deadlineSeconds * 1000,
    };
    this.stopMerchantRelay = startMerchantRelay({
      outbox: new MerchantOutbox(this.deps.outboxRedis, keys),
      queue: merchantQueue,
      consumer: this.deps.name,
      settings: notifierSettings,
      timing: { leaseMs: config.webhooks.relayLeaseMs, readBlockMs: config.webhooks.relayReadBlockMs, claimIntervalMs: config.webhooks.relayClaimIntervalMs },
      channels: (merchants) => merchantChannels(storeRedis, keys, merchants),
      log,
    });
    const merchant = this.deps.worker<MerchantJob>(QUEUE.merchant, createMerchantProcessor({ redis: storeRedis, keys, replies: outbox, settings: notifierSettings, log }));
    for (const w of [mo, merchant]) {
      w.on('error', (err) => log.warn({ queue: w.name, err: err.message }, 'worker error'));
      w.on('failed', (job, err) => log.warn({ queue: w.name, job: job?.id, attempts: job?.attemptsMade, err: err.message }, 'job attempt failed'));
      this.workers.push(w);
    }
  }

  /** Graceful: workers finish their active jobs (BullMQ close waits), then queues close. */
  async stop(): Promise<void> {
    await this.stopUssdSweeper();
    await this.stopExpirySweeper();
    await this.stopLedgerRelay();
    await this.stopMerchantRelay();
    await Promise.all(this.workers.map((w) => w.close()));
    await Promise.all([this.deps.mtQueue.close(), this.deps.merchantQueue.close()]);
  }
}

/** Amounts above this are refused by the grammar outright (far above any configured limit). */
const MAX_AMOUNT_MINOR = 1e12;

export function paymentRules(config: Config): PaymentRules {
  const minor = (name: string, text: string): number => {
    const r = parseAmount(text, config.minorDigits, MAX_AMOUNT_MINOR);
    if (!r.ok) throw new Error(`payments.${name}: "${text}" is not an amount with at most ${config.minorDigits} decimals`);
    return r.minor;
  };
  return {
    windowMs: config.payments.windowSeconds * 1000,
    strict: config.payments.strict,
    maxPaymentMinor: minor('maxPayment', config.payments.maxPayment),
    dailyMaxMinor: minor('dailyMax', config.payments.dailyMax),
    maxFailedAuth: config.payments.maxFailedAuth,
    failedAuthDecayMs: config.payments.failedAuthDecaySeconds * 1000,
    missingImsiPolicy: config.payments.missingImsiPolicy,
    timeZone: config.timezone,
    currency: config.currency,
    minorDigits: config.minorDigits,
    deviceRefusalLimit: config.devices.refusalLimit,
    deviceRefusalWindowMs: config.devices.refusalWindowSeconds * 1000,
  };
}
