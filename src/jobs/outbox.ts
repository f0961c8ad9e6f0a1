import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { MtJob, MtMessage } from '../queues';
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
    private readonly mtQueue: Queue<MtJob>,
    private readonly replies: ReplyStore,
    private readonly redis: Redis,
    private readonly keys: Keys,
    private readonly perMinute: number,
    /** Kind → how long its reply may wait for a link, ms (reply-deadlines.ts). */
    private readonly deadlineMs: (kind: string) => number,
  ) {}

  async send(correlationId: string, list: Reply[], opts: { rateLimited: boolean; now: number }): Promise<number> {
    const messages: MtMessage[] = [];
    for (let i = 0; i < list.length; i++) {
      const r = list[i];
      if (opts.rateLimited && !(await this.allow(r.to, correlationId, i, opts.now))) {
        metrics.repliesSuppressed.inc();
        continue;
      }
      const id = `${correlationId}.${i}`;
      messages.push({ id, to: r.to, text: r.text, kind: r.kind, correlationId, createdAt: opts.now, deadline: opts.now + this.deadlineMs(r.kind) });
    }
    if (!messages.length) return 0;
    // Reply records first (one transaction), then one job for the step: the sender may only ever
    // find a reply that is already recorded as queued. The job id is deterministic, so a retried
    // step adds it once.
    await this.replies.markQueued(messages, opts.now);
    await this.mtQueue.add('mt', { messages }, { jobId: `${correlationId}.r` });
    return messages.length;
  }

  /** Counts each reply once per (correlation, index), so a retried job is not charged twice. */
  private async allow(msisdn: string, correlationId: string, index: number, now: number): Promise<boolean> {
    const minute = Math.floor(now / 60000);
    const key = this.keys.replyRate(msisdn, minute);
    const [[, added], [, count]] = (await this.redis.multi().sadd(key, `${correlationId}.${index}`).scard(key).expire(key, 120).exec()) as [[null, number], [null, number], unknown];
    return added === 0 ? true : count <= this.perMinute;
  }
}
