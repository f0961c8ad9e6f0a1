import type { Redis } from 'ioredis';
import type { Keys } from './keys';

/** One record of the merchant outbox, as applyPaymentDecision.lua / refundPayment.lua wrote it. */
export interface MerchantEvent {
  /** Stream entry id (the cursor); the event's own id is `eventId`. */
  entryId: string;
  eventId: string;
  type: 'payment.completed' | 'payment.refunded';
  paymentId: string;
  payer: string;
  merchant: string;
  amountMinor: number;
  at: number;
  refundId?: string;
  reference?: string;
}

const GROUP = 'notifier';

/**
 * The merchant outbox (README "Merchants"): a Redis Stream written in the same atomic step as the money, read
 * by one consumer group. An entry is acknowledged only after its notices are queued durably, so a
 * relay that dies in between leaves it pending, and the next relay reads it again (its jobs have
 * deterministic ids, so nothing is queued twice).
 */
export class MerchantOutbox {
  constructor(
    private readonly redis: Redis,
    private readonly keys: Keys,
  ) {}

  async ensureGroup(): Promise<void> {
    try {
      await this.redis.xgroup('CREATE', this.keys.merchantEvents(), GROUP, '0', 'MKSTREAM');
    } catch (err) {
      if (!/BUSYGROUP/.test((err as Error).message)) throw err;
    }
  }

  /** Entries this consumer holds unacknowledged (after a crash), then new ones (blocking up to blockMs). */
  async read(consumer: string, count: number, blockMs: number): Promise<MerchantEvent[]> {
    const pending = await this.readGroup(consumer, count, null, '0');
    if (pending.length) return pending;
    return this.readGroup(consumer, count, blockMs, '>');
  }

  /** Takes over entries another relay left unacknowledged for longer than idleMs (it died). */
  async claimAbandoned(consumer: string, idleMs: number, count: number): Promise<MerchantEvent[]> {
    const res = (await this.redis.xautoclaim(this.keys.merchantEvents(), GROUP, consumer, idleMs, '0', 'COUNT', count)) as [string, Array<[string, string[]] | null>];
    return (res[1] ?? []).filter((e): e is [string, string[]] => e !== null).map(([id, fields]) => eventOf(id, fields));
  }

  async ack(entryIds: string[]): Promise<void> {
    if (entryIds.length) await this.redis.xack(this.keys.merchantEvents(), GROUP, ...entryIds);
  }

  private async readGroup(consumer: string, count: number, blockMs: number | null, from: string): Promise<MerchantEvent[]> {
    const args: Array<string | number> = ['GROUP', GROUP, consumer, 'COUNT', count];
    if (blockMs !== null) args.push('BLOCK', blockMs);
    args.push('STREAMS', this.keys.merchantEvents(), from);
    const res = (await (this.redis as unknown as { xreadgroup(...a: Array<string | number>): Promise<unknown> }).xreadgroup(...args)) as Array<[string, Array<[string, string[]]>]> | null;
    if (!res) return [];
    return res[0][1].filter(([, fields]) => fields !== null).map(([id, fields]) => eventOf(id, fields));
  }
}

function eventOf(entryId: string, fields: string[]): MerchantEvent {
  const f: Record<string, string> = {};
  for (let i = 0; i + 1 < fields.length; i += 2) f[fields[i]] = fields[i + 1];
  return {
    entryId,
    eventId: f.eventId,
    type: f.type as MerchantEvent['type'],
    paymentId: f.paymentId,
    payer: f.payer,
    merchant: f.merchant,
    amountMinor: Number(f.amount),
    at: Number(f.at),
    ...(f.refundId ? { refundId: f.refundId, reference: f.reference } : {}),
  };
}
