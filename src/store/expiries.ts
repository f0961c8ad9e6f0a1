import type { Redis } from 'ioredis';
import type { Keys } from './keys';
import type { ScriptClient } from './scripts';

export interface DueExpiry {
  main: string;
  paymentId: string;
  member: string;
  lease: number;
}

/**
 * Payment window ends as one sorted set instead of a delayed job per payment: scheduling is one
 * ZADD, and a worker that dies holding a claim loses it when the lease runs out.
 */
export class ExpiryStore {
  constructor(
    private readonly redis: Redis,
    private readonly keys: Keys,
    private readonly scripts: ScriptClient,
  ) {}

  async schedule(main: string, expiries: Array<{ paymentId: string; at: number }>): Promise<void> {
    if (!expiries.length) return;
    const args: Array<string | number> = [];
    for (const e of expiries) args.push(e.at, `${main}|${e.paymentId}`);
    await this.redis.zadd(this.keys.expiries(), ...args);
  }

  async claimDue(now: number, leaseMs: number, limit: number): Promise<DueExpiry[]> {
    const flat = (await this.scripts.run('claimDue', [this.keys.expiries()], [now, leaseMs, limit])) as string[];
    const out: DueExpiry[] = [];
    for (let i = 0; i + 1 < flat.length; i += 2) {
      const [main, paymentId] = flat[i].split('|');
      out.push({ main, paymentId, member: flat[i], lease: Number(flat[i + 1]) });
    }
    return out;
  }

  async finish(e: DueExpiry): Promise<void> {
    await this.scripts.run('finishClaim', [this.keys.expiries()], [e.member, e.lease]);
  }
}
