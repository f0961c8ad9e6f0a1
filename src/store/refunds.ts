import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Keys } from './keys';
import type { ScriptClient } from './scripts';
import { LedgerOutbox, NO_NOTICE, type SettledPosting } from './ledger-outbox';

export interface Refund {
  id: string;
  paymentId: string;
  reference: string;
  amountMinor: number;
  at: number;
  merchant: string;
  /** The payer (refunds recorded before the cluster-safe ledger may lack it). */
  payer?: string;
}

export type RefundOutcome =
  | { kind: 'created' | 'duplicate'; refund: Refund; main: string }
  | { kind: 'no_payment' | 'not_completed' | 'reference_conflict' }
  | { kind: 'over_refund'; leftMinor: number }
  | { kind: 'merchant_funds'; merchantBalanceMinor: number };

export type RefundRefusal = Exclude<RefundOutcome['kind'], 'created' | 'duplicate'>;

/** A refused refund, in the words the admin API returns (its status: http/admin-errors.ts). */
export const REFUND_REFUSALS: Record<RefundRefusal, string> = {
  no_payment: 'payment not found',
  not_completed: 'only a completed payment can be refunded',
  reference_conflict: 'this reference was used for a refund of another amount',
  over_refund: 'more than what is left of the payment',
  merchant_funds: "the merchant's balance does not cover the refund",
};

/**
 * Refunds of completed payments (refundPayment.lua): bounded by what is left, idempotent by
 * reference, applied on the merchant's side (which must cover it); the payer's credit follows from
 * the merchant's ledger outbox, which the caller settles (store/ledger-outbox.ts).
 */
export class RefundStore {
  private readonly ledger: LedgerOutbox;

  constructor(
    private readonly redis: Redis,
    private readonly keys: Keys,
    private readonly scripts: ScriptClient,
  ) {
    this.ledger = new LedgerOutbox(redis, keys, scripts);
  }

  async refund(paymentId: string, reference: string, amountMinor: number, now: number): Promise<RefundOutcome> {
    const main = await this.redis.get(this.keys.paymentOwner(paymentId));
    if (!main) return { kind: 'no_payment' };
    const json = await this.redis.hget(this.keys.payments(main), paymentId);
    if (!json) return { kind: 'no_payment' };
    const payment = JSON.parse(json) as { merchant: string; state: string };
    if (payment.state !== 'completed') return { kind: 'not_completed' };
    const k = this.keys;
    const merchant = payment.merchant;
    // Deterministic (a replay finds it) and free of the reference's ':' and '/' (used in job ids).
    const id = `R${paymentId.slice(1)}-${createHash('sha256').update(reference).digest('hex').slice(0, 12)}`;
    const run = async () =>
      (await this.scripts.run(
        'refundPayment',
        [k.merchant(merchant), k.accountPostings(`merchant:${merchant}`), k.merchantRefunds(merchant), k.accountJournal(`merchant:${merchant}`), k.accountOutbox(`merchant:${merchant}`)],
        [paymentId, reference, amountMinor, now, id, merchant],
      )) as Array<string | number>;
    await this.ledger.markDue(`merchant:${merchant}`, now);
    let r = await run();
    if (r[0] === 'NOT_POSTED') {
      // Completed, but the merchant's side still waits in the payer's outbox: settle it first.
      await this.ledger.settle(`subscriber:${main}`, NO_NOTICE);
      r = await run();
    }
    switch (r[0]) {
      case 'OK':
      case 'DUPLICATE':
        return { kind: r[0] === 'OK' ? 'created' : 'duplicate', refund: JSON.parse(String(r[1])) as Refund, main };
      case 'OVER_REFUND':
        return { kind: 'over_refund', leftMinor: Number(r[1]) };
      case 'MERCHANT_FUNDS':
        return { kind: 'merchant_funds', merchantBalanceMinor: Number(r[1]) };
      case 'REFERENCE_CONFLICT':
        return { kind: 'reference_conflict' };
      default:
        throw new Error(`refundPayment answered ${String(r[0])}`);
    }
  }

  /** Settles the merchant's outbox now: the payer's credit, the event; `onPosting` sees the credit (her SMS). */
  async settle(merchant: string, onPosting: (p: SettledPosting) => Promise<void>): Promise<void> {
    await this.ledger.settle(`merchant:${merchant}`, onPosting);
  }

  /** The refunds of one payment (to `merchant`), oldest first. */
  async list(merchant: string, paymentId: string): Promise<Refund[]> {
    const out: Refund[] = [];
    let cursor = '0';
    do {
      const [next, flat] = await this.redis.hscan(this.keys.merchantRefunds(merchant), cursor, 'MATCH', `ref:${paymentId}:*`, 'COUNT', 100);
      for (let i = 1; i < flat.length; i += 2) out.push(JSON.parse(flat[i]) as Refund);
      cursor = next;
    } while (cursor !== '0');
    return out.sort((a, b) => a.at - b.at || a.id.localeCompare(b.id));
  }
}
