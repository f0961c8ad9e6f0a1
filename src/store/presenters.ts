import type { Redis } from 'ioredis';
import type { Keys } from './keys';

/**
 * Failures of presenting SIMs (README "Security", "Who a failure counts against"): unknown codes, or codes of payments not bound to the
 * sender, counted per sender in a sliding window. Past `maxFailures` (more than that many) within
 * `windowMs` the sender's
 * code-carrying messages have no effect until old failures leave the window, so guessing is
 * useless and nobody can lock a subscriber out by knowing her code. Each failure is one member per
 * MO id (a retried job counts once); the key expires with the window, so an unregistered sender
 * costs Redis at most `maxFailures` members for at most one window.
 */
export class PresenterFailures {
  constructor(
    private readonly redis: Redis,
    private readonly keys: Keys,
    private readonly maxFailures: number,
    private readonly windowMs: number,
  ) {}

  async isBlocked(sender: string, now: number): Promise<boolean> {
    const key = this.keys.presenterFailures(sender);
    const res = await this.redis.multi().zremrangebyscore(key, '-inf', now - this.windowMs).zcard(key).exec();
    const count = Number(res?.[1]?.[1] ?? 0);
    return count > this.maxFailures;
  }

  async record(sender: string, moId: string, now: number): Promise<void> {
    const key = this.keys.presenterFailures(sender);
    await this.redis.multi().zadd(key, now, moId).pexpire(key, this.windowMs).exec();
  }
}
