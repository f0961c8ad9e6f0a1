import type { Redis } from 'ioredis';
import { concatKey, type Keys } from './keys';
import type { ScriptClient } from './scripts';

/** Parts outlive their deadline by this much, so the sweeper still finds what was incomplete. */
const SWEEP_MARGIN_MS = 60_000;

export type PartOutcome = { complete: false; stored: number } | { complete: true; key: string; payloads: Buffer[] };

/**
 * Parts of concatenated MOs until the last one arrives (storeConcatPart.lua), and the deadline
 * after which an incomplete message is given up, logged and counted (sweepExpired). The parts hash
 * and the deadlines set are written by separate commands (one hash slot each, for Redis Cluster).
 */
export class ReassemblyStore {
  constructor(
    private readonly redis: Redis,
    private readonly keys: Keys,
    private readonly keyPrefix: string,
    private readonly scripts: ScriptClient,
    private readonly ttlMs: number,
  ) {}

  async storePart(digest: string, seq: number, total: number, payload: Buffer, now: number): Promise<PartOutcome> {
    const key = concatKey(this.keyPrefix, digest);
    // The deadlines set and the parts hash are in different hash slots (Redis Cluster: no script
    // may touch both), so two commands, the deadline first: a part never exists without a deadline,
    // and a crash in between leaves only a deadline without parts, which the sweep skips (HLEN 0).
    // NX: the first part of a message sets its deadline, later parts (and redeliveries) keep it.
    await this.redis.zadd(this.keys.concatDeadlines(), 'NX', now + this.ttlMs, key);
    const r = (await this.scripts.run('storeConcatPart', [key], [seq, payload.toString('hex'), total, this.ttlMs + SWEEP_MARGIN_MS])) as Array<number | string>;
    if (Number(r[0]) !== 1) return { complete: false, stored: Number(r[1]) };
    return { complete: true, key, payloads: r.slice(1).map((hex) => Buffer.from(String(hex), 'hex')) };
  }

  /**
   * After the joined MO is durable; a failed delete just waits for the TTL (and the sweeper). Two
   * commands, not a MULTI (the keys are in different hash slots): the parts first, then the
   * deadline, so a failure in between leaves a deadline without parts, which the sweep skips.
   */
  async forget(key: string): Promise<void> {
    await this.redis.del(key);
    await this.redis.zrem(this.keys.concatDeadlines(), key);
  }

  /**
   * Gives up on messages whose deadline passed: returns how many parts each had (one entry per
   * incomplete message). Each is claimed by ZREM, so with several gateways each is counted once.
   */
  async sweepExpired(now: number, limit = 100): Promise<number[]> {
    const due = await this.redis.zrangebyscore(this.keys.concatDeadlines(), '-inf', now, 'LIMIT', 0, limit);
    const out: number[] = [];
    for (const key of due) {
      if ((await this.redis.zrem(this.keys.concatDeadlines(), key)) !== 1) continue;
      const parts = await this.redis.hlen(key);
      if (parts > 0) {
        out.push(parts);
        await this.redis.del(key);
      }
    }
    return out;
  }
}
