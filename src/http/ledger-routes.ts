import express, { Router } from 'express';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { z } from 'zod';
import type { Config } from '../config';
import { toMoney } from '../domain/money';
import { isPaymentId } from '../domain/payment';
import type { Keys } from '../store/keys';
import type { ScriptClient } from '../store/scripts';
import { Journal } from '../store/journal';
import { RefundStore, type RefundOutcome } from '../store/refunds';
import type { SettledPosting } from '../store/ledger-outbox';
import { adminSchemas, parseOr400 } from './admin-schemas';
import { adminErrors } from './admin-errors';
import { journalEntryJson, refundJson } from './admin-views';
import { audit, requireRole } from './access';

// Money an auditor can trust (README "Ledger"): the journal, its check, and refunds. Mounted after
// the admin router, whose authentication runs first for these paths (ADMIN_PATHS).

export interface LedgerDeps {
  redis: Redis;
  keys: Keys;
  scripts: ScriptClient;
  config: Config;
  log: Logger;
  /** Queues the notice a settled posting implies (the payer's refund SMS; jobs/ledger-relay.ts). */
  onPosting(p: SettledPosting): Promise<void>;
}

/** Refund outcomes → HTTP: the one place that decides these statuses. */
const REFUND_STATUS: Record<Exclude<RefundOutcome['kind'], 'created' | 'duplicate'>, [number, string]> = {
  no_payment: [404, 'payment not found'],
  not_completed: [409, 'only a completed payment can be refunded'],
  reference_conflict: [409, 'this reference was used for a refund of another amount'],
  over_refund: [409, 'more than what is left of the payment'],
  merchant_funds: [409, "the merchant's balance does not cover the refund"],
};

export function ledgerRouter(deps: LedgerDeps): Router {
  const { config, log } = deps;
  const fmt = { currency: config.currency, minorDigits: config.minorDigits };
  const journal = new Journal(deps.redis, deps.keys, deps.scripts);
  const refunds = new RefundStore(deps.redis, deps.keys, deps.scripts);
  const s = adminSchemas(config);
  const entriesQuery = z.strictObject({
    after: z.string().regex(/^\d{1,16}-\d{1,10}$/, 'must be an entry id such as 1764619200000-0').optional(),
    limit: z.coerce.number({ error: 'must be a whole number from 1 to 1000' }).int().min(1).max(1000).optional(),
    account: z.string().regex(/^(float|subscriber:\d{8,15}|merchant:[A-Z0-9]{2,20})$/, 'must be float, subscriber:<msisdn> or merchant:<code>').optional(),
  });
  const paymentPath = z.strictObject({ id: z.string().refine(isPaymentId, 'not a payment id') });
  const r = Router();
  r.use('/v1/payments/:id/refunds', express.json({ limit: config.http.bodyLimit, strict: true }));

  r.get('/v1/ledger/entries', requireRole('viewer'), async (req, res) => {
    const q = parseOr400(entriesQuery, { ...req.query }, 'query');
    const page = await journal.list({ after: q.after, limit: q.limit ?? 100, account: q.account });
    res.json({ entries: page.entries.map((e) => journalEntryJson(e, fmt)), next: page.next });
  });

  r.get('/v1/ledger/verify', requireRole('viewer'), async (_req, res) => {
    const check = await journal.verify();
    res.status(check.ok ? 200 : 409).json({
      ok: check.ok,
      entries: check.entries,
      accounts: check.accounts,
      sum: toMoney(check.sumMinor, fmt.currency, fmt.minorDigits),
      pending: check.pending,
      unpaired: check.unpaired,
      mismatches: check.mismatches.map((m) => ({ account: m.account, journal: toMoney(m.journalMinor, fmt.currency, fmt.minorDigits), stored: toMoney(m.storedMinor, fmt.currency, fmt.minorDigits) })),
    });
  });

  r.post('/v1/payments/:id/refunds', requireRole('operator'), async (req, res) => {
    const { id } = parseOr400(paymentPath, req.params, 'path');
    const body = parseOr400(s.credit, req.body, 'body'); // {amount, reference}: the shape of a credit
    const out = await refunds.refund(id, body.reference, body.amount, Date.now());
    if (out.kind !== 'created' && out.kind !== 'duplicate') {
      const [status, error] = REFUND_STATUS[out.kind];
      res.status(status).json({ error });
      return;
    }
    // The payer's credit and her SMS now (also on a replay: it finishes what a crash left).
    await refunds.settle(out.refund.merchant, deps.onPosting);
    if (out.kind === 'created') {
      log.info({ payment: id, amountMinor: out.refund.amountMinor }, 'payment refunded');
      const amount = toMoney(out.refund.amountMinor, fmt.currency, fmt.minorDigits);
      await audit(res, { action: 'payment.refund', target: id, details: { amount: amount.amount, reference: body.reference } });
    }
    res.status(out.kind === 'created' ? 201 : 200).json(refundJson(out.refund, fmt));
  });

  r.use(adminErrors(log, 'ledger API'));
  return r;
}
