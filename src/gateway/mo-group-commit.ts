import type { Queue } from 'bullmq';
import type { MoBatch, MoMessage } from '../queues';
import { GroupCommit, groupJobId } from '../queues/group-commit';

/** Job ids of group-committed MO jobs: `b<number of MOs>-<digest>`. */
export const MO_BATCH_ID_PREFIX = 'b';

/** How many MOs a job of the MO queue holds, from its id alone. */
export function mosInJob(jobId: string): number {
  const m = /^b(\d+)-[0-9a-f]{40}$/.exec(jobId);
  return m ? Number(m[1]) : 1;
}

/**
 * Group commit of inbound MOs (queues/group-commit.ts): the MOs that arrive while the previous
 * write is in flight become one MO job, and each is answered ESME_ROK only once that job is in
 * Redis. A group of one keeps the MO's own id as its job id (a redelivery that may not have been
 * queued adds nothing); a larger group's id is `b<count>-<digest of its MO ids>` (the count lets an
 * operator or the benchmark read the MOs waiting from the queue's ids alone). Either way the
 * worker's applied markers make a second processing of an MO change nothing.
 */
export function moGroupCommit(queue: Queue<MoMessage | MoBatch>, maxMos: number, timeoutMs: number): GroupCommit<MoMessage> {
  return new GroupCommit<MoMessage>(
    async (mos) => {
      if (mos.length === 1) {
        await queue.add('mo', mos[0], { jobId: mos[0].id });
        return;
      }
      await queue.add('mos', { mos }, { jobId: groupJobId(MO_BATCH_ID_PREFIX, mos.map((m) => m.id)) });
    },
    maxMos,
    timeoutMs,
  );
}
