import assert from 'node:assert/strict';
import { decide, isLegalHistory, type DecideContext, type Decision, type OutcomeCode, type Payment, type PaymentEvent, type PaymentState, type ReasonCode, type SubscriberView } from '../../../src/domain';
import { DEV, T0, WINDOW, ctx, deepFreeze, view } from './fixtures';

// The decision as a table: (state of the open payments, event) → expected decision, one row per
// rule. The rows live in decide*.test.ts by the state they start from; this file runs them.

export interface Row {
  name: string;
  open?: Payment[];
  view?: Partial<SubscriberView>;
  event: PaymentEvent;
  ctx?: Partial<DecideContext>;
  outcome: OutcomeCode;
  reason?: ReasonCode;
  /** Expected state of each payment in decision.payments, by id. */
  payments?: Record<string, PaymentState>;
  /** [recipient, reply kind] in order. */
  replies?: [string, string][];
  transfer?: boolean;
  subscriber?: Decision['subscriber'];
  codesReleased?: string[];
  codeIssued?: string;
  expiries?: number;
  check?: (d: Decision) => void;
}

export const request = (patch: Partial<Extract<PaymentEvent, { type: 'request' }>> = {}): PaymentEvent => ({
  type: 'request',
  moId: 'mo-req-new',
  amountMinor: 1250,
  merchant: 'SHOP42',
  imsi: undefined,
  channel: 'sms',
  ...patch,
});
export const device = (patch: Partial<Extract<PaymentEvent, { type: 'device' }>> = {}): PaymentEvent => ({
  type: 'device',
  moId: 'mo-dev-new',
  device: DEV,
  amountMinor: 1250,
  merchant: 'SHOP42',
  ...patch,
});
/** The ids of the fixtures' open payments (awaitingDevice, awaitingRequest) and of a new one. */
export const PD = 'P1000000000';
export const PR = 'P2000000000';
export const NEW = 'PNEW0000000';
export const LATE = T0 + WINDOW; // after both fixtures' expiresAt (T0 + 110 s)

function replyPairs(d: Decision): [string, string][] {
  return d.replies.map((r) => [r.to, r.kind]);
}

/** One `it` per row: the decision on a frozen view, checked field by field, every history legal. */
export function decisionTable(title: string, rows: Row[]): void {
  describe(title, () => {
    for (const row of rows) {
      it(row.name, () => {
        const v = deepFreeze(view({ ...row.view, open: row.open ?? [] }));
        const d = decide(v, row.event, ctx(row.ctx));
        assert.equal(d.outcome, row.outcome);
        if (row.reason) assert.equal(d.reason, row.reason);
        if (row.payments) assert.deepEqual(Object.fromEntries(d.payments.map((p) => [p.id, p.state])), row.payments);
        if (row.replies) assert.deepEqual(replyPairs(d), row.replies);
        if (row.transfer !== undefined) assert.equal(d.transfer !== undefined, row.transfer);
        else if (row.outcome !== 'completed') assert.equal(d.transfer, undefined);
        if (row.subscriber) assert.deepEqual(d.subscriber, row.subscriber);
        if (row.codesReleased) assert.deepEqual(d.codesReleased, row.codesReleased);
        if ('codeIssued' in row) assert.equal(d.codeIssued, row.codeIssued);
        if (row.expiries !== undefined) assert.equal(d.expiries.length, row.expiries);
        for (const p of d.payments) assert.ok(isLegalHistory(p.history), `history of ${p.id}`);
        row.check?.(d);
      });
    }
  });
}
