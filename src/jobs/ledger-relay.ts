import type { Logger } from 'pino';
import { toMoney } from '../domain/money';
import { refundText } from '../domain/replies';
import type { LedgerOutbox, SettledPosting } from '../store/ledger-outbox';
import { metrics } from '../metrics';
import type { ReplySink } from './payment-step';

export interface LedgerRelaySettings {
  currency: string;
  minorDigits: number;
  /** How long a relay holds a claimed account before another may take it (it died). */
  leaseMs: number;
  /** Pause between looks at the due set when it was empty. */
  idleMs: number;
}

/** Accounts claimed per look at the due set. */
const CLAIM_BATCH = 50;

/**
 * The notice a settled posting implies: a refund's credit tells the payer, with her new balance.
 * Its reply id is the refund id, so the API (settling at once) and a relay (settling after a crash)
 * queue one SMS between them.
 */
export async function sendPostingNotice(replies: ReplySink, p: SettledPosting, s: Pick<LedgerRelaySettings, 'currency' | 'minorDigits'>): Promise<void> {
  if (p.kind !== 'refund' || !p.account.startsWith('subscriber:') || !p.paymentId || !p.merchant) return;
  const money = (minor: number) => toMoney(minor, s.currency, s.minorDigits);
  const to = p.account.slice('subscriber:'.length);
  await replies.send(p.transferId, [{ to, text: refundText(money(p.amountMinor), p.merchant, p.paymentId, money(p.balanceAfterMinor)), kind: 'refund' }], { rateLimited: false, now: Date.now() });
}

/**
 * Settles due ledger outboxes (store/ledger-outbox.ts): the merchant's side of each payment, the
 * float's side of each credit, the payer's side of a refund left by an API that died. Several
 * relays (one per worker process) share the due set; each claimed account is one relay's for the
 * lease, and settling is idempotent, so an overlap after a lease ran out changes nothing twice.
 */
export function startLedgerRelay(deps: { ledger: LedgerOutbox; replies: ReplySink; settings: LedgerRelaySettings; log: Logger }): () => Promise<void> {
  const { ledger, settings, log } = deps;
  let running = true;
  let wake: () => void = () => undefined;
  const pause = (ms: number) =>
    new Promise<void>((resolve) => {
      const t = setTimeout(resolve, ms);
      wake = () => {
        clearTimeout(t);
        resolve();
      };
    });
  const loop = async (): Promise<void> => {
    while (running) {
      try {
        const due = await ledger.claimDue(Date.now(), settings.leaseMs, CLAIM_BATCH);
        const outcomes = await Promise.allSettled(
          due.map(async (d) => {
            const postings = await ledger.settle(d.account, (p) => sendPostingNotice(deps.replies, p, settings));
            if (postings.length) metrics.ledgerPostings.inc(postings.length);
          }),
        );
        // An account that failed keeps its claim until the lease runs out, then is settled again.
        const failed = outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected');
        if (failed.length) log.warn({ err: (failed[0].reason as Error).message, accounts: failed.length }, 'ledger relay: settlement failed; retried after the lease');
        await ledger.finish(due.filter((_, i) => outcomes[i].status === 'fulfilled'));
        // Unless the batch was full, the accounts that come due meanwhile wait for the next look
        // together: one claim and one finish for all of them, not a claim per payment.
        if (due.length < CLAIM_BATCH) await pause(settings.idleMs);
      } catch (err) {
        if (!running) break;
        log.warn({ err: (err as Error).message }, 'ledger relay: retrying');
        await pause(1000);
      }
    }
  };
  const done = loop();
  return async () => {
    running = false;
    wake();
    await done;
  };
}
