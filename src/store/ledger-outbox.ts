import type { Redis } from 'ioredis';
import { accountBalanceKey, type Account, type Keys } from './keys';
import type { ScriptClient } from './scripts';
import { fieldsOf, lineOf, type LedgerLine } from './ledger-line';

/**
 * The ledger outbox (README "Money"). A transfer moves money between two accounts that
 * live in two cluster slots, and a script may touch one. So each transfer is applied first on the
 * side that can refuse it (the payer's funds, the merchant's funds for a refund, the subscriber's
 * limit for a credit): its balance, its journal line and an outbox record of what the other side
 * owes, in one script in that account's slot. The other side cannot refuse; settling the outbox
 * applies it in its own slot (applyPosting.lua, once per transfer id), adds the entry to the
 * ledger's index, publishes merchant events, and only then deletes the records. Settling twice or
 * concurrently changes nothing twice, so a crash at any point is repaired by settling again.
 *
 * Who settles: the ledger relay, from `outboxDue` — a sorted set of accounts with records, claimed
 * with a lease (claimDue.lua), so a relay that dies loses its claim — and, where it needs the result
 * at once (a refund's new balance for the SMS), the writer right after its write. Every writer marks
 * the account due: the API before its script (it has no retry, so a crash right after the script
 * still leaves the mark), a payment job after it (a retried job marks again).
 */
export interface OutboxPosting extends LedgerLine {
  /** The outbox record's stream id. */
  recordId: string;
  /** The account this posting applies to (the transfer's other side). */
  account: Account;
  deltaMinor: number;
  /** Refunds: the payment refunded and its merchant (the payer's SMS names them). */
  paymentId?: string;
  merchant?: string;
}

export interface SettledPosting extends OutboxPosting {
  /** The account's balance right after this posting (the same on every settlement of it). */
  balanceAfterMinor: number;
}

export interface DueAccount {
  account: Account;
  lease: number;
}

/**
 * For settlements whose postings imply no notice: a subscriber's outbox owes only merchants and the
 * float (the payer's refund SMS comes from a merchant's outbox).
 */
export const NO_NOTICE = async (): Promise<void> => undefined;

/** Records read per round trip while settling one account. */
const BATCH = 200;

export class LedgerOutbox {
  constructor(
    private readonly redis: Redis,
    private readonly keys: Keys,
    private readonly scripts: ScriptClient,
  ) {}

  /** Puts an account's outbox up for settlement now (after a write that added records). */
  async markDue(account: Account, now: number): Promise<void> {
    await this.redis.zadd(this.keys.outboxDue(), now, account);
  }

  async claimDue(now: number, leaseMs: number, limit: number): Promise<DueAccount[]> {
    const flat = (await this.scripts.run('claimDue', [this.keys.outboxDue()], [now, leaseMs, limit])) as string[];
    const out: DueAccount[] = [];
    for (let i = 0; i + 1 < flat.length; i += 2) out.push({ account: flat[i] as Account, lease: Number(flat[i + 1]) });
    return out;
  }

  /** Takes settled accounts off the due set, unless new records marked them due again meanwhile. */
  async finish(ds: DueAccount[]): Promise<void> {
    if (!ds.length) return;
    await this.scripts.run('finishClaim', [this.keys.outboxDue()], ds.flatMap((d) => [d.account, d.lease]));
  }

  /**
   * Settles everything an account's outbox holds. `onPosting` runs for each applied posting before
   * its record is deleted (to queue the notice it implies, under a deterministic id): if it throws,
   * the records stay and the next settlement repeats the lot, changing no balance twice. Required:
   * a settlement that ignored a refund's posting would lose the payer's SMS.
   */
  async settle(account: Account, onPosting: (p: SettledPosting) => Promise<void>): Promise<SettledPosting[]> {
    const outbox = this.keys.accountOutbox(account);
    const settled: SettledPosting[] = [];
    for (;;) {
      const raw = (await this.redis.xrange(outbox, '-', '+', 'COUNT', BATCH)) as Array<[string, string[]]>;
      if (!raw.length) return settled;
      const postings: OutboxPosting[] = [];
      const events: string[][] = [];
      for (const [id, fields] of raw) {
        const f = fieldsOf(fields);
        if (f.record === 'posting') postings.push(postingOf(id, f));
        else if (f.record === 'event') events.push(fields.slice(2)); // the event's own fields, after `record`
      }
      const applied = await Promise.all(postings.map((p) => this.applyPosting(p)));
      if (applied.length) {
        const args = applied.flatMap((p) => [p.transferId, p.at, p.kind, p.debit, p.credit, p.amountMinor]);
        await this.scripts.run('indexLedgerEntries', [this.keys.ledgerEntries(), this.keys.ledgerEntryIds()], args);
      }
      for (const e of events) await this.redis.xadd(this.keys.merchantEvents(), '*', ...e);
      for (const p of applied) await onPosting(p);
      await this.redis.xdel(outbox, ...raw.map(([id]) => id));
      settled.push(...applied);
      if (raw.length < BATCH) return settled;
    }
  }

  /** Σ of the deltas still owed to each account by the outboxes of `owers` (the ledger check). */
  async pendingOwedBy(owers: Account[]): Promise<{ owed: Map<string, number>; transfers: Set<string> }> {
    const owed = new Map<string, number>();
    const transfers = new Set<string>();
    for (const ower of owers) {
      const raw = (await this.redis.xrange(this.keys.accountOutbox(ower), '-', '+')) as Array<[string, string[]]>;
      for (const [id, fields] of raw) {
        const f = fieldsOf(fields);
        if (f.record !== 'posting') continue;
        const p = postingOf(id, f);
        owed.set(p.account, (owed.get(p.account) ?? 0) + p.deltaMinor);
        transfers.add(p.transferId);
      }
    }
    return { owed, transfers };
  }

  private async applyPosting(p: OutboxPosting): Promise<SettledPosting> {
    const k = this.keys;
    const r = (await this.scripts.run(
      'applyPosting',
      [accountBalanceKey(k, p.account), k.accountPostings(p.account), k.accountJournal(p.account)],
      [p.transferId, p.deltaMinor, p.at, p.kind, p.debit, p.credit, p.amountMinor, p.account.startsWith('subscriber:') ? '1' : '0'],
    )) as [string, string];
    if (r[0] !== 'OK' && r[0] !== 'DUPLICATE') throw new Error(`applyPosting answered ${String(r[0])}`);
    return { ...p, balanceAfterMinor: Number(r[1]) };
  }
}

function postingOf(recordId: string, f: Record<string, string>): OutboxPosting {
  return {
    ...lineOf(f),
    recordId,
    account: f.account as Account,
    deltaMinor: Number(f.delta),
    ...(f.paymentId ? { paymentId: f.paymentId, merchant: f.merchant } : {}),
  };
}
