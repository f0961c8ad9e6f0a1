import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { MtJob, MtMessage } from '../queues';
import { GroupCommit, groupJobId } from '../queues/group-commit';
import type { Keys } from '../store/keys';
import type { ReplyStore } from '../store/replies';
import { metrics } from '../metrics';

export interface Reply {
  to: string;
  text: string;
  kind: string;
  /** This reply obeys the per-MSISDN limit even when the others of its step do not. */
  limited?: boolean;
}

/**
 * Enqueues replies. Ids are deterministic (`<mo id>.<n>`). The replies of the steps that finish
 * while a reply job is being written go together in the next one (a group commit, as at intake):
 * a step alone gets the job id `<mo id>.r`, so a retried step adds it once while BullMQ holds it; a
 * group gets `m<steps>-<digest>`. A retried step whose replies are already recorded marks them
 * `recheck`, so that the sender reads their records before sending and skips what went out.
 * Unsolicited replies (help, errors) obey a per-MSISDN limit per minute so that nobody can use
 * simpair to pump SMS; payment outcomes are never suppressed.
 */
export class Outbox {
  private readonly writer: GroupCommit<{ correlationId: string; messages: MtMessage[] }>;

  constructor(
    private readonly mtQueue: Queue<MtJob>,
    private readonly replies: ReplyStore,
    private readonly redis: Redis,
    private readonly keys: Keys,
    private readonly perMinute: number,
    /** Kind → how long its reply may wait for a link, ms (reply-deadlines.ts). */
    private readonly deadlineMs: (kind: string) => number,
    /** The most steps whose replies share one job (replies.groupCommitMax). */
    groupMax = 50,
    /** One reply job may take this long to be written before the step fails and is retried (replies.enqueueTimeoutMs). */
    writeTimeoutMs = 10_000,
  ) {
    this.writer = new GroupCommit(
      async (steps) => {
        if (steps.length === 1) {
          await this.mtQueue.add('mt', { messages: steps[0].messages }, { jobId: `${steps[0].correlationId}.r` });
          return;
        }
        const messages = steps.flatMap((x) => x.messages);
        await this.mtQueue.add('mt', { messages }, { jobId: groupJobId('m', steps.map((x) => x.correlationId)) });
      },
      groupMax,
      writeTimeoutMs,
    );
  }

  async send(correlationId: string, list: Reply[], opts: { rateLimited: boolean; now: number }): Promise<number> {
    const messages: MtMessage[] = [];
    for (let i = 0; i < list.length; i++) {
      const r = list[i];
      if ((opts.rateLimited || r.limited) && !(await this.allow(r.to, correlationId, i, opts.now))) {
        metrics.repliesSuppressed.inc();
        continue;
      }
      const id = `${correlationId}.${i}`;
      messages.push({ id, to: r.to, text: r.text, kind: r.kind, correlationId, createdAt: opts.now, deadline: opts.now + this.deadlineMs(r.kind) });
    }
    if (!messages.length) return 0;
    // Reply records first, then the job: the sender may only ever find a reply that is already
    // recorded as queued.
    const fresh = await this.replies.markQueued(messages, opts.now);
    await this.writer.add({ correlationId, messages: messages.map((m, i) => (fresh[i] ? m : { ...m, recheck: true })) });
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
