import type { Redis } from 'ioredis';
import type { Keys } from './keys';

/**
 * The latest webhook attempts of each merchant, for operators ("did the shop's server answer?").
 * A capped list in the merchant's slot: LPUSH + LTRIM in one MULTI, so it never grows past
 * KEPT entries. Written by the merchant notifier next to the counters on the merchant hash, which
 * stay the totals; this is only the recent detail.
 */
export const KEPT_ATTEMPTS = 20;

export interface WebhookAttempt {
  at: number;
  event: string;
  type: string;
  /** 1 for an event's first attempt. */
  attempt: number;
  outcome: 'delivered' | 'failed' | 'gave_up';
  /** The merchant's HTTP status; null when nothing answered (or the event was given up). */
  status: number | null;
}

export class WebhookAttempts {
  constructor(
    private readonly redis: Redis,
    private readonly keys: Keys,
  ) {}

  /** Records one attempt; with `hash` fields set on the merchant hash in the same MULTI. */
  async record(merchant: string, a: WebhookAttempt, hash: Record<string, string | number>): Promise<void> {
    const list = this.keys.merchantWebhookAttempts(merchant);
    await this.redis.multi().hset(this.keys.merchant(merchant), hash).lpush(list, JSON.stringify(a)).ltrim(list, 0, KEPT_ATTEMPTS - 1).exec();
  }

  /** Newest first. */
  async list(merchant: string): Promise<WebhookAttempt[]> {
    const raw = await this.redis.lrange(this.keys.merchantWebhookAttempts(merchant), 0, KEPT_ATTEMPTS - 1);
    return raw.flatMap((json) => {
      try {
        return [JSON.parse(json) as WebhookAttempt];
      } catch {
        return [];
      }
    });
  }
}
