import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { MtJob, MtMessage } from '../queues';
import { GroupCommit, groupJobId } from '../queues/group-commit';
import type { Keys } from '../store/keys';
import type { ReplyStore } from '../store/replies';
import { metrics } from '../metrics';
import type { Reply } from '../domain/decision';

/**
 * Enqueues replies. Reply ids are deterministic, `<origin id>.<n>` (docs/ARCHITECTURE.md,
 * "Vocabulary"): the origin is the step id of a payment step (the MO id, or `exp-<payment id>`),
 * the MO id of a direct answer, the transfer id of a refund's SMS, `<event id>.m` of a merchant
 * notice. The replies of the steps that finish
 * while a reply job is being written go together in the next one (a group commit, as at intake):
 * a step alone gets the job id `<origin id>.r`, so a retried step adds it once while BullMQ holds it; a
 * group gets `m<steps>-<digest>`. A retried step whose replies are already recorded marks them
 * `recheck`, so that the sender reads their records before sending and skips what went out.
 * Unsolicited replies (help, errors) obey a per-MSISDN limit per minute so that nobody can use
 * simpair to pump SMS; payment outcomes are never suppressed.
 */
export class Outbox {
  private readonly writer: GroupCommit<{ originId: string; messages: MtMessage[] }>;

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
          await this.mtQueue.add('mt', { messages: steps[0].messages }, { jobId: `${steps[0].originId}.r` });
          return;
        }
        const messages = steps.flatMap((x) => x.messages);
        await this.mtQueue.add('mt', { messages }, { jobId: groupJobId('m', steps.map((x) => x.originId)) });
      },
      groupMax,
      writeTimeoutMs,
    );
  }

  async send(originId: string, list: Reply[], opts: { rateLimited: boolean; now: number }): Promise<number> {
    const messages: MtMessage[] = [];
    for (let i = 0; i < list.length; i++) {
      const r = list[i];
      if ((opts.rateLimited || r.limited) && !(await this.allow(r.to, originId, i, opts.now))) {
        metrics.repliesSuppressed.inc();
        continue;
      }
      const id = `${originId}.${i}`;
      messages.push({ id, to: r.to, text: r.text, kind: r.kind, createdAt: opts.now, deadline: opts.now + this.deadlineMs(r.kind) });
    }
    if (!messages.length) return 0;
    // Reply records first, then the job: the sender may only ever find a reply that is already
    // recorded as queued.
    const fresh = await this.replies.markQueued(messages, opts.now);
    await this.writer.add({ originId, messages: messages.map((m, i) => (fresh[i] ? m : { ...m, recheck: true })) });
    return messages.length;
  }

  /** Counts each reply once per (correlation, index), so a retried job is not charged twice. */
  private async allow(msisdn: string, originId: string, index: number, now: number): Promise<boolean> {
    const minute = Math.floor(now / 60000);
    const key = this.keys.replyRate(msisdn, minute);
    const [[, added], [, count]] = (await this.redis.multi().sadd(key, `${originId}.${index}`).scard(key).expire(key, 120).exec()) as [[null, number], [null, number], unknown];
    return added === 0 ? true : count <= this.perMinute;
  }
}
