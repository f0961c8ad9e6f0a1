// Queue names, how each queue keeps and retries its jobs, and the plain-JSON messages that cross
// them. The SMPP transport and the payment workers meet only here: nothing in these types knows
// about SMPP sessions or payments. The queues and workers themselves are built in src/main.

import type { DefaultJobOptions, Job, Worker, WorkerOptions } from 'bullmq';
import type { Config } from '../config';

export const QUEUE = {
  /** Mobile-originated messages, enqueued by a gateway before it answers deliver_sm. */
  mo: 'mo',
  /** Mobile-terminated replies, sent by whichever gateway holds a transmitting bind. */
  mt: 'mt',
  /** Merchant notices (SMS to the merchant's phone, signed webhooks), relayed from the merchant outbox. */
  merchant: 'merchant',
} as const;

export type QueueName = (typeof QUEUE)[keyof typeof QUEUE];

/**
 * Builds a worker for a queue with that queue's settings (queueSettings below). src/main supplies
 * it: the roles build their processors, the composition root builds the BullMQ objects.
 */
export type WorkerFactory = <T>(queue: QueueName, processor: (job: Job<T>) => Promise<unknown>) => Worker<T>;

/** Finished jobs are kept a while for the operator's eye; failed ones a week, for the post-mortem. */
const KEPT = { removeOnComplete: { age: 600, count: 1000 }, removeOnFail: { age: 7 * 24 * 3600 } } as const;

/**
 * Each queue's job options (for whoever adds jobs: `new Queue(name, { defaultJobOptions: jobs })`)
 * and its workers' options (`new Worker(name, processor, worker)`); src/main adds the connection
 * and the prefix. One place for every role that adds or processes jobs of a queue.
 */
export function queueSettings(config: Config): Record<QueueName, { jobs: DefaultJobOptions; worker: Omit<WorkerOptions, 'connection' | 'prefix'> }> {
  // A job whose worker died is handed to another after its lock lapses (processors are idempotent);
  // one that kept killing its workers is failed after worker.maxStalledCount such hand-overs.
  const recovery = { lockDuration: config.worker.lockDurationMs, stalledInterval: config.worker.stalledIntervalMs, maxStalledCount: config.worker.maxStalledCount };
  return {
    // A job is one MO, or a group commit of several (job name `mos`, gateway/mo-group-commit.ts).
    mo: {
      jobs: { attempts: 10, backoff: { type: 'exponential', delay: 500 }, ...KEPT },
      worker: { ...recovery, concurrency: config.worker.concurrency },
    },
    // Reply jobs: bounded by each reply's deadline (the sender fails it then), so a reply survives a
    // long outage of every bind; retries are spaced but not capped by a short exponential series.
    mt: {
      jobs: { attempts: config.smpp.mtMaxAttempts, backoff: { type: 'capped' }, ...KEPT },
      worker: {
        ...recovery,
        concurrency: config.smpp.mtConcurrency,
        autorun: false, // the gateway runs it once its connections are started
        settings: { backoffStrategy: (attemptsMade: number) => Math.min(30_000, 500 * 2 ** Math.min(attemptsMade, 10)) },
      },
    },
    // Merchant notices: a failed webhook is retried after 1 s, 2 s, 4 s … at most 10 min apart, until its deadline.
    merchant: {
      jobs: { attempts: 1000, backoff: { type: 'capped' }, removeOnComplete: { age: 3600, count: 1000 }, removeOnFail: KEPT.removeOnFail },
      worker: {
        ...recovery,
        concurrency: config.webhooks.concurrency,
        settings: { backoffStrategy: (attemptsMade: number) => Math.min(600_000, 1000 * 2 ** Math.min(attemptsMade - 1, 20)) },
      },
    },
  };
}

export interface MoMessage {
  /** Unique id of this MO (dedupe key plus first-seen time), stable across job retries. */
  id: string;
  source: string;
  sourceTon: number;
  sourceNpi: number;
  destination: string;
  text: string;
  dataCoding: number;
  /** IMSI reported by the network in the configured vendor TLV, when present. */
  imsi?: string;
  /** The IMSI TLV was there but could not be read (never silently the same as "no IMSI"). */
  imsiUnreadable?: boolean;
  /** SMSC message id for the MO, when the carrier supplies one. */
  smscMessageId?: string;
  serviceType?: string;
  ussd?: { op: number; sessionInfo?: string };
  receivedAt: number;
  gateway: string;
  /** The SMSC connection (config name) and bind incarnation that carried it. */
  connection?: string;
  link?: string;
}

/** One MO job of a group commit at intake (job name `mos`): MOs written together, processed one by one. */
export interface MoBatch {
  mos: MoMessage[];
}

/**
 * One MT job: the replies of one step (e.g. "Paid" to the main SIM and the confirmation to the
 * device), or of the steps whose replies were group-committed together (jobs/outbox.ts); each
 * recipient's replies are sent in order.
 */
export interface MtJob {
  messages: MtMessage[];
  /** Multi-part messages only: the parts the SMSC accepted, so a retry resends none of them. */
  progress?: Record<string, { ref: number; sent: string[] }>;
}

export interface MtMessage {
  /**
   * Deterministic reply id, `<origin id>.<n>` (jobs/outbox.ts; a USSD screen: `<mo id>.u`), so a
   * retried job enqueues the reply once. Jobs written by earlier versions also carry an unread
   * `correlationId` (the origin id again).
   */
  id: string;
  to: string;
  text: string;
  kind: string;
  ussd?: { op: number; sessionInfo?: string };
  createdAt: number;
  /**
   * Until when the reply is worth sending (ms): a confirmation code is useless after the payment
   * window, a receipt is not. Past it the reply is failed ("expired"); it also sets validity_period.
   */
  deadline?: number;
  /**
   * Its record existed before this job was written (a retried step queued it again, maybe in another
   * job): the sender reads the record first and skips what was sent.
   */
  recheck?: boolean;
}

