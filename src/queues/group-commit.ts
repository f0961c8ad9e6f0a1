import { createHash } from 'node:crypto';
import { withTimeout } from './with-timeout';

/**
 * Group commit (README "How it fits together"; BENCHMARKS.md): while one durable write is in flight, the
 * items that arrive meanwhile wait, then go together in one write — one BullMQ job, one job script,
 * one AOF record for many — and each caller's promise settles only when its write has. At low load
 * every item is written at once, alone, so grouping adds no latency; under load groups grow with
 * Redis's own latency, and the cost per item falls. Used for MOs at intake and for replies.
 */
export class GroupCommit<T> {
  private waiting: Array<{ item: T; done: (err?: Error) => void }> = [];
  private writing = false;

  constructor(
    /** Writes one group durably (it may be called with a single item). */
    private readonly write: (items: T[]) => Promise<void>,
    /** The most items in one write (a bound on job size and on the work one retry repeats). */
    private readonly maxItems: number,
    /** One write may take this long before its callers are told it failed. */
    private readonly timeoutMs: number,
  ) {}

  /** Resolves once the item is durably written; rejects when its write failed or timed out. */
  add(item: T): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.waiting.push({ item, done: (err) => (err ? reject(err) : resolve()) });
      if (!this.writing) void this.drain();
    });
  }

  private async drain(): Promise<void> {
    this.writing = true;
    try {
      while (this.waiting.length) {
        const group = this.waiting.splice(0, this.maxItems);
        try {
          await withTimeout(this.write(group.map((g) => g.item)), this.timeoutMs);
          for (const g of group) g.done();
        } catch (err) {
          for (const g of group) g.done(err as Error);
        }
      }
    } finally {
      this.writing = false;
    }
  }
}

/**
 * The job id of a group of several items: `<prefix><count>-<sha1 of their ids>`, deterministic for
 * the same group, and saying how many items the job holds (an operator or the benchmark can count
 * the waiting items from the queue's ids alone).
 */
export function groupJobId(prefix: string, ids: string[]): string {
  return `${prefix}${ids.length}-${createHash('sha1').update(ids.join('\n')).digest('hex')}`;
}
