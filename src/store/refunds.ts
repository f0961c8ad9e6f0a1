import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Keys } from './keys';
import type { ScriptClient } from './scripts';

export interface Refund {
  id: string;
  paymentId: string;
  reference: string;
  amountMinor: number;
  at: number;
  merchant: string;
}

export type RefundOutcome =
  | { kind: 'created' | 'duplicate'; refund: Refund; main: string; balanceMinor: number }
  | { kind: 'no_payment' | 'not_completed' | 'reference_conflict' }
  | { kind: 'over_refund'; leftMinor: number }
  | { kind: 'merchant_funds'; merchantBalanceMinor: number };

/** Refunds of completed payments (refundPayment.lua): bounded by what is left, idempotent by reference. */
export class RefundStore {
  constructor(
    private readonly redis: Redis,
    private readonly keys: Keys,
    private readonly scripts: ScriptClient,
  ) {}

  async refund(paymentId: string, reference: string, amountMinor: number, now: number): Promise<RefundOutcome> {
    const main = await this.redis.get(this.keys.paymentOwner(paymentId));
    if (!main) return { kind: 'no_payment' };
    const merchant = await this.merchantOf(main, paymentId);
    if (!merchant) return { kind: 'no_payment' };
    const k = this.keys;
    // Deterministic (a replay finds it) and free of the reference's ':' and '/' (used in job ids).
    const id = `R${paymentId.slice(1)}-${createHash('sha256').update(reference).digest('hex').slice(0, 12)}`;
    const r = (await this.scripts.run(
      'refundPayment',
      [k.subscriber(main), k.payments(main), k.refunds(main), k.merchant(merchant), k.journal(), k.ledgerTotals(), k.merchantTransfers(merchant), k.merchantEvents()],
      [paymentId, reference, amountMinor, now, id],
    )) as Array<string | number>;
    switch (r[0]) {
      case 'OK':
      case 'DUPLICATE':
        return { kind: r[0] === 'OK' ? 'created' : 'duplicate', refund: JSON.parse(String(r[1])) as Refund, main, balanceMinor: Number(r[2]) };
      case 'OVER_REFUND':
        return { kind: 'over_refund', leftMinor: Number(r[1]) };
      case 'MERCHANT_FUNDS':
        return { kind: 'merchant_funds', merchantBalanceMinor: Number(r[1]) };
      case 'NO_PAYMENT':
        return { kind: 'no_payment' };
      case 'NOT_COMPLETED':
        return { kind: 'not_completed' };
      case 'REFERENCE_CONFLICT':
        return { kind: 'reference_conflict' };
      default:
        throw new Error(`refundPayment answered ${String(r[0])}`);
    }
  }

  /** The refunds of one payment, oldest first. */
  async list(main: string, paymentId: string): Promise<Refund[]> {
    const out: Refund[] = [];
    let cursor = '0';
    do {
      const [next, flat] = await this.redis.hscan(this.keys.refunds(main), cursor, 'MATCH', `ref:${paymentId}:*`, 'COUNT', 100);
      for (let i = 1; i < flat.length; i += 2) out.push(JSON.parse(flat[i]) as Refund);
      cursor = next;
    } while (cursor !== '0');
    return out.sort((a, b) => a.at - b.at || a.id.localeCompare(b.id));
  }

  private async merchantOf(main: string, paymentId: string): Promise<string | null> {
    const json = await this.redis.hget(this.keys.payments(main), paymentId);
    return json ? (JSON.parse(json) as { merchant: string }).merchant : null;
  }
}
