// Step 5: Redis memory per pending payment (and RSS of the roles) with N pending payments enqueued
// straight into the MO queue, plus the sampling for the soak.
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { QUEUE, type MoMessage } from '../src/queues';
import { MERCHANT, QUEUE_PREFIX, QueueWatch, mainOf, median } from './load';
import { growthPerUnit, profileKeyspace, type GrowthRow } from './keyspace';
import { sleep, type Proc } from './rig';

export async function usedMemory(redis: Redis): Promise<number> {
  const info = await redis.info('memory');
  return Number(/^used_memory:(\d+)/m.exec(info)?.[1] ?? NaN);
}

const MiB = (kib: number | null): number | null => (kib === null ? null : Math.round((kib / 1024) * 10) / 10);

export interface MemoryResult {
  pending: number;
  fillSeconds: number;
  processed: boolean;
  usedMemoryBaseline: number;
  usedMemoryAfter: number;
  bytesPerPending: number;
  /** Growth per pending payment by kind of key (sampled MEMORY USAGE, see keyspace.ts). */
  breakdown: GrowthRow[];
  rssMiB: { gateway: number | null; worker: number | null };
  rssBaselineMiB: { gateway: number | null; worker: number | null };
  mtQueued: number;
  note: string;
}

/**
 * Enrols `count` subscribers first (the baseline excludes them), then enqueues one PAY request per
 * subscriber into the MO queue and waits until every one is processed. The MT queue is paused for
 * the fill, so the code SMS of each pending payment stays queued (and is counted) instead of being
 * sent: sending 100,000 SMS and their receipts would not fit the run's time budget.
 */
export async function measurePending(
  redis: Redis,
  opts: { base: number; count: number; gateway: Proc; worker: Proc; enrol: () => Promise<void>; timeoutMs: number },
): Promise<MemoryResult> {
  const watch = new QueueWatch(redis);
  const mt = new Queue(QUEUE.mt, { connection: redis, prefix: QUEUE_PREFIX });
  const mo = new Queue<MoMessage>(QUEUE.mo, { connection: redis, prefix: QUEUE_PREFIX });
  try {
    await opts.enrol();
    await mt.pause();
    await sleep(500);
    const mtBefore = (await watch.depths())[QUEUE.mt]?.waiting ?? 0;
    const before = await profileKeyspace(redis);
    const baseline = before.usedMemory;
    const rssBaseline = { gateway: MiB(opts.gateway.rssKiB()), worker: MiB(opts.worker.rssKiB()) };
    const t0 = Date.now();
    const now = Date.now();
    const idOf = (j: number): string => `bench-pending-${j}-${now.toString(36)}`;
    for (let i = 0; i < opts.count; i += 2000) {
      const jobs = [];
      for (let j = i; j < Math.min(opts.count, i + 2000); j++) {
        const id = idOf(j);
        const data: MoMessage = {
          id,
          source: mainOf(opts.base + j),
          sourceTon: 1,
          sourceNpi: 1,
          destination: '20555',
          text: `PAY 7.00 ${MERCHANT}`,
          dataCoding: 0,
          receivedAt: now,
          gateway: 'bench',
        };
        // The same job options the gateway's MO queue uses (src/gateway/gateway.ts).
        jobs.push({
          name: 'mo',
          data,
          opts: { jobId: id, attempts: 10, backoff: { type: 'exponential', delay: 500 }, removeOnComplete: { age: 3600, count: 10000 }, removeOnFail: { age: 7 * 24 * 3600 } },
        });
      }
      await mo.addBulk(jobs);
    }
    let processed = false;
    const deadline = Date.now() + opts.timeoutMs;
    while (Date.now() < deadline) {
      const d = await watch.depths();
      if (d[QUEUE.mo].waiting + d[QUEUE.mo].active === 0) {
        processed = true;
        break;
      }
      await sleep(250);
    }
    const fillSeconds = (Date.now() - t0) / 1000;
    await sleep(500);
    const afterProfile = await profileKeyspace(redis);
    const after = afterProfile.usedMemory;
    const depths = await watch.depths();
    const rss = { gateway: MiB(opts.gateway.rssKiB()), worker: MiB(opts.worker.rssKiB()) };
    const breakdown = growthPerUnit(before, afterProfile, opts.count).rows;
    return {
      pending: opts.count,
      fillSeconds: Math.round(fillSeconds * 10) / 10,
      processed,
      usedMemoryBaseline: baseline,
      usedMemoryAfter: after,
      bytesPerPending: Math.round((after - baseline) / opts.count),
      breakdown,
      rssMiB: rss,
      rssBaselineMiB: rssBaseline,
      mtQueued: (depths[QUEUE.mt]?.waiting ?? 0) - mtBefore,
      note: 'MT queue paused during the fill: each pending payment still holds its queued code SMS (an MT job) instead of a sent-reply record.',
    };
  } finally {
    // The MT queue stays paused: this is the last measurement, and the installation is thrown away.
    await watch.close();
    await mt.close();
    await mo.close();
  }
}

export interface SoakSample {
  t: number;
  gatewayRssMiB: number | null;
  workerRssMiB: number | null;
  usedMemory: number;
  pairsOffered: number;
}

export interface GrowthVerdict {
  firstThird: number;
  lastThird: number;
  changePct: number;
  growing: boolean;
}

/** Compares the median of the first and the last third of the samples; > 10 % more is growth. */
export function growth(values: number[]): GrowthVerdict {
  const n = values.length;
  const third = Math.max(1, Math.floor(n / 3));
  const first = median(values.slice(0, third));
  const last = median(values.slice(n - third));
  const changePct = Math.round(((last - first) / first) * 1000) / 10;
  return { firstThird: first, lastThird: last, changePct, growing: changePct > 10 };
}
