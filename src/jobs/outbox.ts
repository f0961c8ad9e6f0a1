import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { MtMessage } from '../queues';
import type { Keys } from '../store/keys';
import type { ReplyStore } from '../store/replies';
import { metrics } from '../metrics';

export interface Reply {
  to: string;
  text: string;
  kind: string;
}

/**
 * Enqueues replies. Ids are deterministic (`<mo id>.<n>`), so a retried job enqueues each reply
 * once while BullMQ still holds it. Unsolicited replies (help, errors) obey a per-MSISDN limit
 * per minute so that nobody can use simpair to pump SMS; payment outcomes are never suppressed.
 */
export class Outbox {
  constructor(
    private readonly mtQueue: Queue<MtMessage>,
    private readonly replies: ReplyStore,
    private readonly redis: Redis,
    private readonly keys: Keys,
    private readonly perMinute: number,
  ) {}

  async send(correlationId: string, list: Reply[], opts: { rateLimited: boolean; now: number }): Promise<number> {
    const jobs: Array<{ name: string; data: MtMessage; opts: { jobId: string } }> = [];
    for (let i = 0; i < list.length; i++) {
      const r = list[i];
      if (opts.rateLimited && !(await this.allow(r.to, correlationId, i, opts.now))) {
        metrics.repliesSuppressed.inc();
        continue;
      }
      const id = `${correlationId}.${i}`;
      jobs.push({ name: 'mt', data: { id, to: r.to, text: r.text, kind: r.kind, correlationId, createdAt: opts.now }, opts: { jobId: id } });
    }
    if (!jobs.length) return 0;
    // Reply records first (one transaction), then the jobs (one call): the sender may only ever
    // find a reply that is already recorded as queued.
    await this.replies.markQueued(jobs.map((j) => ({ id: j.data.id, to: j.data.to, kind: j.data.kind })), opts.now);
    await this.mtQueue.addBulk(jobs);
    return jobs.length;
  }

  /** Counts each reply once per (correlation, index), so a retried job is not charged twice. */
  private async allow(msisdn: string, correlationId: string, index: number, now: number): Promise<boolean> {
    const minute = Math.floor(now / 60000);
    const key = this.keys.replyRate(msisdn, minute);
    const [[, added], [, count]] = (await this.redis.multi().sadd(key, `${correlationId}.${index}`).scard(key).expire(key, 120).exec()) as [[null, number], [null, number], unknown];
    return added === 0 ? true : count <= this.perMinute;
  }
}
