import type { Redis } from 'ioredis';
import type { Keys } from './keys';

/**
 * The journal (double entry): every movement of money — an operator credit, a payment, a refund — is
 * one immutable entry written by the same Lua script, in the same atomic step, as the balances it
 * changes (createSubscriber, creditSubscriber, applyPaymentDecision, refundPayment). An entry moves
 * `amountMinor` from the `debit` account to the `credit` account. Accounts: `subscriber:<msisdn>`,
 * `merchant:<code>`, and `float`, the operator's issuing account, from which credited e-money
 * comes: its balance is the negative of all e-money issued, so all accounts always sum to zero.
 *
 * A Redis Stream: append-only (entries are never edited or trimmed), ordered, and its ids are the
 * cursor for paging.
 */
export interface JournalEntry {
  id: string;
  at: number;
  kind: 'credit' | 'payment' | 'refund';
  transferId: string;
  debit: string;
  credit: string;
  amountMinor: number;
}

export const FLOAT_ACCOUNT = 'float';

/** How many stream entries one filtered page may read before it answers with a cursor. */
const SCAN_BUDGET = 10_000;

export interface AccountCheck {
  account: string;
  journalMinor: number;
  storedMinor: number;
}

export interface LedgerCheck {
  ok: boolean;
  entries: number;
  /** Σ of every account's journal balance: 0 when the journal balances. */
  sumMinor: number;
  accounts: number;
  mismatches: AccountCheck[];
}

export class Journal {
  constructor(
    private readonly redis: Redis,
    private readonly keys: Keys,
  ) {}

  /**
   * Entries oldest first after the cursor `after` (an entry id), optionally only those touching
   * `account`; `next` is the cursor of the following page, null at the end.
   */
  async list(opts: { after?: string; limit: number; account?: string }): Promise<{ entries: JournalEntry[]; next: string | null }> {
    const out: JournalEntry[] = [];
    let cursor = opts.after ? `(${opts.after}` : '-';
    let scanned = 0;
    for (;;) {
      const batch = Math.min(opts.account ? 1000 : opts.limit - out.length + 1, SCAN_BUDGET - scanned);
      if (batch <= 0) return { entries: out, next: out.length ? out[out.length - 1].id : (opts.after ?? null) };
      const raw = (await this.redis.xrange(this.keys.journal(), cursor, '+', 'COUNT', batch)) as Array<[string, string[]]>;
      scanned += raw.length;
      for (const [id, fields] of raw) {
        const e = entryOf(id, fields);
        if (opts.account && e.debit !== opts.account && e.credit !== opts.account) continue;
        if (out.length === opts.limit) return { entries: out, next: out[out.length - 1].id };
        out.push(e);
      }
      if (raw.length < batch) return { entries: out, next: null };
      cursor = `(${raw[raw.length - 1][0]}`;
    }
  }

  /**
   * Proves, account by account, that the journal sums to the stored balance: every subscriber,
   * every merchant, and the float account; and that all of them sum to zero.
   */
  async verify(): Promise<LedgerCheck> {
    const sums = new Map<string, number>();
    let entries = 0;
    let cursor = '-';
    for (;;) {
      const raw = (await this.redis.xrange(this.keys.journal(), cursor, '+', 'COUNT', 5000)) as Array<[string, string[]]>;
      for (const [id, fields] of raw) {
        const e = entryOf(id, fields);
        sums.set(e.debit, (sums.get(e.debit) ?? 0) - e.amountMinor);
        sums.set(e.credit, (sums.get(e.credit) ?? 0) + e.amountMinor);
        entries++;
      }
      if (raw.length < 5000) break;
      cursor = `(${raw[raw.length - 1][0]}`;
    }
    const stored = new Map<string, number>();
    const subscribers = await this.redis.zrange(this.keys.subscriberIndex(), 0, -1);
    const merchants = await this.redis.zrange(this.keys.merchantIndex(), 0, -1);
    const p = this.redis.pipeline();
    for (const m of subscribers) p.hget(this.keys.subscriber(m), 'balance');
    for (const c of merchants) p.hget(this.keys.merchant(c), 'balance');
    p.hget(this.keys.ledgerTotals(), FLOAT_ACCOUNT);
    const res = (await p.exec()) ?? [];
    subscribers.forEach((m, i) => stored.set(`subscriber:${m}`, Number(res[i]?.[1] ?? 0)));
    merchants.forEach((c, i) => stored.set(`merchant:${c}`, Number(res[subscribers.length + i]?.[1] ?? 0)));
    stored.set(FLOAT_ACCOUNT, Number(res[res.length - 1]?.[1] ?? 0));
    const mismatches: AccountCheck[] = [];
    for (const account of new Set([...sums.keys(), ...stored.keys()])) {
      const journalMinor = sums.get(account) ?? 0;
      const storedMinor = stored.get(account) ?? 0;
      if (journalMinor !== storedMinor) mismatches.push({ account, journalMinor, storedMinor });
    }
    const sumMinor = [...sums.values()].reduce((a, b) => a + b, 0);
    return { ok: mismatches.length === 0 && sumMinor === 0, entries, sumMinor, accounts: stored.size, mismatches };
  }
}

function entryOf(id: string, fields: string[]): JournalEntry {
  const f: Record<string, string> = {};
  for (let i = 0; i + 1 < fields.length; i += 2) f[fields[i]] = fields[i + 1];
  return { id, at: Number(f.at), kind: f.kind as JournalEntry['kind'], transferId: f.transferId, debit: f.debit, credit: f.credit, amountMinor: Number(f.amount) };
}
