import type { Redis } from 'ioredis';
import { accountBalanceKey, type Account, type Keys } from './keys';
import { LedgerOutbox } from './ledger-outbox';
import { fieldsOf, lineOf, type LedgerLine } from './ledger-line';
import type { ScriptClient } from './scripts';

/**
 * The journal (double entry): every movement of money — an operator credit, a payment, a refund — is
 * one immutable entry that moves `amountMinor` from the `debit` account to the `credit` account.
 * Accounts: `subscriber:<msisdn>`, `merchant:<code>`, and `float`, the operator's issuing account,
 * from which credited e-money comes: its balance is the negative of all e-money issued, so all
 * accounts always sum to zero.
 *
 * Each account keeps its own journal (a Redis Stream in its slot), and each line is written by the
 * same script as the balance change it records: the refusing side's line with the transfer itself
 * (createSubscriber, creditSubscriber, applyPaymentDecision, refundPayment), the other side's when
 * the ledger outbox is settled (applyPosting; store/ledger-outbox.ts). The ledger's entry index
 * lists every entry once, for paging. Streams are append-only: entries are never edited or trimmed.
 */
export interface JournalEntry extends LedgerLine {
  /** Its id in the ledger's entry index: the paging cursor. */
  id: string;
}

export const FLOAT_ACCOUNT: Account = 'float';

/** How many stream entries one filtered page may read before it answers with a cursor. */
const SCAN_BUDGET = 10_000;

export interface AccountCheck {
  account: string;
  journalMinor: number;
  storedMinor: number;
}

export interface LedgerCheck {
  /** Every account's journal equals its balance, nothing is unpaired, and everything sums to zero. */
  ok: boolean;
  /** Transfers seen in the accounts' journals. */
  entries: number;
  /** Σ of all stored balances plus what outboxes still owe: 0 when the ledger balances. */
  sumMinor: number;
  accounts: number;
  mismatches: AccountCheck[];
  /** Postings written on one side and not yet applied on the other (they are in an outbox). */
  pending: number;
  /** Transfers with one side in a journal and the other neither applied nor owed: lost postings. */
  unpaired: string[];
}

export class Journal {
  constructor(
    private readonly redis: Redis,
    private readonly keys: Keys,
    private readonly scripts: ScriptClient,
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
      const raw = (await this.redis.xrange(this.keys.ledgerEntries(), cursor, '+', 'COUNT', batch)) as Array<[string, string[]]>;
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

  /** One account's own journal lines, newest first (its stream, not the ledger's index): `limit` at most. */
  async recent(account: Account, limit: number): Promise<JournalEntry[]> {
    const raw = (await this.redis.xrevrange(this.keys.accountJournal(account), '+', '-', 'COUNT', limit)) as Array<[string, string[]]>;
    return raw.map(([id, fields]) => entryOf(id, fields));
  }

  /**
   * Proves, account by account, that the account's journal sums to its stored balance (every
   * subscriber, every merchant and the float account); that every transfer has both sides, each in
   * a journal or still owed by an outbox; and that all balances plus what is owed sum to zero.
   */
  async verify(): Promise<LedgerCheck> {
    const subscribers = await this.redis.zrange(this.keys.subscriberIndex(), 0, -1);
    const merchants = await this.redis.zrange(this.keys.merchantIndex(), 0, -1);
    const accounts: Account[] = [...subscribers.map((m) => `subscriber:${m}` as const), ...merchants.map((c) => `merchant:${c}` as const), FLOAT_ACCOUNT];
    const sides = new Map<string, number>();
    const mismatches: AccountCheck[] = [];
    let sumMinor = 0;
    for (const account of accounts) {
      const journalMinor = await this.journalSum(account, sides);
      const storedMinor = await this.storedBalance(account);
      sumMinor += storedMinor;
      if (journalMinor !== storedMinor) mismatches.push({ account, journalMinor, storedMinor });
    }
    const pending = await new LedgerOutbox(this.redis, this.keys, this.scripts).pendingOwedBy(accounts.filter((a) => a !== FLOAT_ACCOUNT));
    for (const delta of pending.owed.values()) sumMinor += delta;
    const unpaired = [...sides].filter(([id, n]) => n < 2 && !pending.transfers.has(id)).map(([id]) => id);
    return { ok: mismatches.length === 0 && sumMinor === 0 && unpaired.length === 0, entries: sides.size, sumMinor, accounts: accounts.length, mismatches, pending: pending.transfers.size, unpaired };
  }

  /** Σ of one account's journal lines (credits in, debits out); counts each transfer's sides in `sides`. */
  private async journalSum(account: Account, sides: Map<string, number>): Promise<number> {
    let sum = 0;
    let cursor = '-';
    for (;;) {
      const raw = (await this.redis.xrange(this.keys.accountJournal(account), cursor, '+', 'COUNT', 5000)) as Array<[string, string[]]>;
      for (const [id, fields] of raw) {
        const e = entryOf(id, fields);
        if (e.credit === account) sum += e.amountMinor;
        if (e.debit === account) sum -= e.amountMinor;
        sides.set(e.transferId, (sides.get(e.transferId) ?? 0) + 1);
      }
      if (raw.length < 5000) return sum;
      cursor = `(${raw[raw.length - 1][0]}`;
    }
  }

  private async storedBalance(account: Account): Promise<number> {
    return Number((await this.redis.hget(accountBalanceKey(this.keys, account), 'balance')) ?? 0);
  }
}

function entryOf(id: string, fields: string[]): JournalEntry {
  return { id, ...lineOf(fieldsOf(fields)) };
}
