import type { Redis } from 'ioredis';
import type { Keys } from './keys';
import type { Payment, PaymentState } from '../domain/payment';

// Read side of payments for the admin API. Records are written only by the payment worker
// (applyPaymentDecision.lua); here they are read as stored: JSON in the hash payments(main), listed
// newest first through the zset paymentIndex(main), found by id through the pointer paymentOwner(id).

/** How many ids are fetched per round trip while scanning the index for a state filter. */
const PAGE = 200;

export class PaymentReader {
  constructor(
    private readonly redis: Redis,
    private readonly keys: Keys,
  ) {}

  async get(id: string): Promise<Payment | null> {
    const main = await this.redis.get(this.keys.paymentOwner(id));
    if (!main) return null;
    const json = await this.redis.hget(this.keys.payments(main), id);
    // The pointer is written before the record; a pointer without a record is a payment that was never stored.
    return json ? (JSON.parse(json) as Payment) : null;
  }

  /** How much of a payment to `merchant` was refunded (refundPayment.lua keeps the total), minor units. */
  async refundedMinor(merchant: string, id: string): Promise<number> {
    return Number((await this.redis.hget(this.keys.merchantRefunds(merchant), `total:${id}`)) ?? 0);
  }

  /** Payments of one main SIM, newest first, optionally only those in `state`; at most `limit`. */
  async list(main: string, opts: { state?: PaymentState; limit: number }): Promise<Payment[]> {
    const out: Payment[] = [];
    const index = this.keys.paymentIndex(main);
    const hash = this.keys.payments(main);
    const page = opts.state ? PAGE : opts.limit;
    for (let start = 0; out.length < opts.limit; start += page) {
      const ids = await this.redis.zrevrange(index, start, start + page - 1);
      if (ids.length === 0) break;
      const jsons = await this.redis.hmget(hash, ...ids);
      for (const json of jsons) {
        if (!json) continue;
        const p = JSON.parse(json) as Payment;
        if (opts.state && p.state !== opts.state) continue;
        out.push(p);
        if (out.length === opts.limit) break;
      }
      if (ids.length < page) break;
    }
    return out;
  }
}
