import { createHash } from 'node:crypto';
import type { Queue } from 'bullmq';
import type { MoBatch, MoMessage } from '../queues';
import { withTimeout } from './with-timeout';

type MoJobData = MoMessage | MoBatch;

/** Job ids of group-committed MO jobs: `b<number of MOs>-<digest>`. */
export const MO_BATCH_ID_PREFIX = 'b';

/** How many MOs a job of the MO queue holds, from its id alone. */
export function mosInJob(jobId: string): number {
  const m = /^b(\d+)-[0-9a-f]{40}$/.exec(jobId);
  return m ? Number(m[1]) : 1;
}

/**
 * Group commit of inbound MOs (README "How it fits together"): while one durable write is in
 * flight, the MOs that arrive meanwhile wait and then go together as one job — one BullMQ job, one
 * job script, one AOF record for many MOs — and each is answered ESME_ROK only when that write has
 * returned. At low load every MO is written at once, alone, so grouping adds no latency; under load
 * batches grow with Redis's own latency, and the cost per MO falls.
 *
 * A batch of one keeps the MO's own id as its job id (a redelivery that may not have been queued
 * adds nothing); a larger batch's id is `b<count>-<digest of its MO ids>` (the count lets an
 * operator or the benchmark read the MOs waiting from the queue's ids alone). Either way the
 * worker's applied markers make a second processing of an MO change nothing.
 */
export class MoGroupCommit {
  private waiting: Array<{ mo: MoMessage; done: (err?: Error) => void }> = [];
  private writing = false;

  constructor(
    private readonly queue: Queue<MoJobData>,
    /** The most MOs in one job (a bound on job size and on the work one retry repeats). */
    private readonly maxBatch: number,
    /** One write may take this long before its MOs are answered as not queued. */
    private readonly timeoutMs: number,
  ) {}

  /** Resolves once the MO is durably queued; rejects when its write failed or timed out. */
  add(mo: MoMessage): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.waiting.push({ mo, done: (err) => (err ? reject(err) : resolve()) });
      if (!this.writing) void this.drain();
    });
  }

  private async drain(): Promise<void> {
    this.writing = true;
    try {
      while (this.waiting.length) {
        const batch = this.waiting.splice(0, this.maxBatch);
        try {
          await withTimeout(this.write(batch.map((b) => b.mo)), this.timeoutMs);
          for (const b of batch) b.done();
        } catch (err) {
          for (const b of batch) b.done(err as Error);
        }
      }
    } finally {
      this.writing = false;
    }
  }

  private async write(mos: MoMessage[]): Promise<void> {
    if (mos.length === 1) {
      await this.queue.add('mo', mos[0], { jobId: mos[0].id });
      return;
    }
    const digest = createHash('sha1').update(mos.map((m) => m.id).join('\n')).digest('hex');
    await this.queue.add('mos', { mos }, { jobId: `${MO_BATCH_ID_PREFIX}${mos.length}-${digest}` });
  }
}
