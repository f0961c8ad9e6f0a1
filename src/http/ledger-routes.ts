import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { z } from 'zod';
import type { Config } from '../config';
import { toMoney } from '../domain/money';
import type { Account, Keys } from '../store/keys';
import type { ScriptClient } from '../store/scripts';
import { Journal } from '../store/journal';
import { REFUND_REFUSALS, RefundStore } from '../store/refunds';
import type { SettledPosting } from '../store/ledger-outbox';
import { adminSchemas } from './admin-schemas';
import { STORE_REFUSAL_STATUS } from './admin-errors';
import { journalEntryJson, refundJson } from './admin-views';
import { JournalPage, LedgerCheck, Refund } from './admin-responses';
import { audit } from './access';
import { route, routesRouter, type ApiRoute } from './registry';

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
const account = z.string().regex(/^(float|subscriber:\d{8,15}|merchant:[A-Z0-9]{2,20})$/, 'must be float, subscriber:<msisdn> or merchant:<code>');
const entriesQuery = z.strictObject({
  after: z.string().regex(/^\d{1,16}-\d{1,10}$/, 'must be an entry id such as 1764619200000-0').optional(),
  limit: z.coerce.number({ error: 'must be a whole number from 1 to 1000' }).int().min(1).max(1000).optional(),
  account: account.optional(),
});
const recentQuery = z.strictObject({
  account,
  limit: z.coerce.number({ error: 'must be a whole number from 1 to 100' }).int().min(1).max(100).optional(),
});

export function ledgerRoutes(deps: LedgerDeps): ApiRoute[] {
  const { config, log } = deps;
  const fmt = { currency: config.currency, minorDigits: config.minorDigits };
  const journal = new Journal(deps.redis, deps.keys, deps.scripts);
  const refunds = new RefundStore(deps.redis, deps.keys, deps.scripts);
  const s = adminSchemas(config);
  const tag = 'ledger';

  return [
    route(
      { method: 'get', path: '/v1/ledger/entries', role: 'viewer', tag, summary: 'Journal entries, oldest first, in pages', description: '`account` = `float`, `subscriber:<msisdn>` or `merchant:<code>`.', query: entriesQuery, responses: { 200: { description: 'one page', schema: JournalPage } } },
      async ({ query }, _req, res) => {
        const page = await journal.list({ after: query.after, limit: query.limit ?? 100, account: query.account });
        res.json({ entries: page.entries.map((e) => journalEntryJson(e, fmt)), next: page.next });
      },
    ),

    route(
      { method: 'get', path: '/v1/ledger/recent', role: 'viewer', tag, summary: "One account's latest journal lines, newest first", description: "Read from the account's own journal (ids are that journal's); `limit` 1 to 100, default 20.", query: recentQuery, responses: { 200: { description: 'the lines (next is always null)', schema: JournalPage } } },
      async ({ query }, _req, res) => {
        const entries = await journal.recent(query.account as Account, query.limit ?? 20);
        res.json({ entries: entries.map((e) => journalEntryJson(e, fmt)), next: null });
      },
    ),

    route(
      { method: 'get', path: '/v1/ledger/verify', role: 'viewer', tag, summary: 'Check that every balance equals its journal and all sum to zero', responses: { 200: { description: 'the ledger balances', schema: LedgerCheck }, 409: { description: 'mismatches found (ok false)', schema: LedgerCheck } } },
      async (_input, _req, res) => {
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
      },
    ),

    route(
      { method: 'post', path: '/v1/payments/:id/refunds', role: 'operator', tag: 'payments', summary: 'Refund (part of) a completed payment', description: 'The same reference and amount again answers the same refund (200).', params: s.paymentPath, body: s.credit, responses: { 201: { description: 'refunded', schema: Refund }, 200: { description: 'a replay: the same refund', schema: Refund }, 404: { description: 'no such payment' }, 409: { description: 'not completed, more than is left, another amount for this reference, or the merchant balance does not cover it' } } },
      async ({ params, body }, _req, res) => {
        const id = params.id;
        const out = await refunds.refund(id, body.reference, body.amount, Date.now());
        if (out.kind !== 'created' && out.kind !== 'duplicate') {
          res.status(STORE_REFUSAL_STATUS[out.kind]).json({ error: REFUND_REFUSALS[out.kind] });
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
      },
    ),
  ];
}

export function ledgerRouter(deps: LedgerDeps, routes: readonly ApiRoute[] = ledgerRoutes(deps)) {
  return routesRouter(deps, routes, 'ledger API');
}
