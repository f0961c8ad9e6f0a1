import type { Queue } from 'bullmq';

// How many jobs each queue holds, by state: what an operator watches to see a backlog grow (the
// console's network view, the simpair_queue_jobs gauge). One getJobCounts per queue: a few
// ZCARD/LLEN on Redis, cheap enough for every scrape.

export const DEPTH_STATES = ['waiting', 'active', 'delayed', 'prioritized', 'failed'] as const;
export type DepthState = (typeof DEPTH_STATES)[number];
export type QueueDepths = Record<string, Record<DepthState, number>>;

export async function queueDepths(queues: readonly Queue[]): Promise<QueueDepths> {
  const out: QueueDepths = {};
  await Promise.all(
    queues.map(async (q) => {
      const counts = await q.getJobCounts(...DEPTH_STATES);
      out[q.name] = Object.fromEntries(DEPTH_STATES.map((s) => [s, counts[s] ?? 0])) as Record<DepthState, number>;
    }),
  );
  return out;
}
