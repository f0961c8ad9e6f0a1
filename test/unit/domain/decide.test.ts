import assert from 'node:assert/strict';
import { decide, TERMINAL_STATES, type PaymentEvent } from '../../../src/domain';
import { DEV, MAIN, STRANGER, T0, WINDOW, awaitingDevice, ctx, deepFreeze, view } from './fixtures';
import { decisionTable, request, device, PD, NEW, LATE, type Row } from './decide-table';

// The payment decision as a table (decide-table.ts runs it), starting with no open payment. The
// rows for the other starting states are in decide-*.test.ts; decide.property.test.ts states the
// rules as properties.

const rows: Row[] = [
  {
    name: 'none + request → awaiting_device with a code and a window end scheduled',
    event: request(),
    outcome: 'awaiting_device',
    payments: { [NEW]: 'awaiting_device' },
    replies: [[MAIN, 'code_issued']],
    codeIssued: 'NEWCDE',
    expiries: 1,
    check: (d) => {
      assert.match(d.replies[0].text, /code NEWCDE/);
      assert.match(d.replies[0].text, /confirm 12\.50 KES to SHOP42 on your payment device/);
      assert.equal(d.payments[0].expiresAt, T0 + WINDOW);
      assert.deepEqual(d.expiries, [{ paymentId: NEW, at: T0 + WINDOW }]);
    },
  },
  {
    name: 'none + request for an unknown merchant → declined, no payment',
    event: request({ merchant: 'NOSHOP' }),
    ctx: { merchantExists: false },
    outcome: 'declined',
    reason: 'unknown_merchant',
    payments: {},
    replies: [[MAIN, 'declined']],
  },
  {
    name: 'none + request over the payment limit → declined record, no code',
    event: request({ amountMinor: 500_001 }),
    outcome: 'declined',
    reason: 'over_payment_limit',
    payments: { [NEW]: 'declined' },
    replies: [[MAIN, 'declined']],
    expiries: 0,
  },
  {
    name: 'none + device half without code from a bound device → awaiting_request',
    event: device(),
    outcome: 'awaiting_request',
    payments: { [NEW]: 'awaiting_request' },
    replies: [[DEV, 'device_waiting']],
    expiries: 1,
  },
  { name: 'none + device half from an unbound SIM → refused, no half', event: device({ device: STRANGER }), outcome: 'refused', payments: {}, replies: [[STRANGER, 'not_linked']] },
  {
    name: 'none + device half from an unbound (inactive) device → refused',
    view: { devices: [{ msisdn: DEV, active: false }] },
    event: device(),
    outcome: 'refused',
    payments: {},
    replies: [[DEV, 'not_linked']],
  },
  {
    name: 'none + device half without code in strict mode → refused, code required',
    event: device(),
    ctx: { strict: true },
    outcome: 'refused',
    reason: 'strict_mode_code_required',
    payments: {},
    replies: [[DEV, 'code_required']],
  },
  {
    name: 'none + device half for an unknown merchant → declined, no half',
    event: device({ merchant: 'NOSHOP' }),
    ctx: { merchantExists: false },
    outcome: 'declined',
    payments: {},
    replies: [[DEV, 'declined']],
  },
  {
    name: 'none + device half over the payment limit → declined, no half',
    event: device({ amountMinor: 500_001 }),
    outcome: 'declined',
    payments: {},
    replies: [[DEV, 'declined']],
  },
  {
    // An unknown code is the presenter's failure (counted per sender by the shell), not the owner's.
    name: 'none + device half with an unknown code → rejected, no failed auth of the owner',
    event: device({ code: 'ZZZ999' }),
    outcome: 'rejected',
    reason: 'code_unknown',
    payments: {},
    replies: [[DEV, 'rejected']],
    subscriber: {},
  },
  {
    name: 'none + unknown code with 4 failures already → still not locked',
    view: { failedAuth: 4 },
    event: device({ code: 'ZZZ999' }),
    outcome: 'rejected',
    replies: [[DEV, 'rejected']],
    subscriber: {},
  },
  {
    name: 'none + her device confirms an expired payment with the right details → told so, nobody’s failure',
    view: { failedAuth: 2, endedWithCode: { ...awaitingDevice(), state: 'expired', reason: 'window_elapsed' } },
    event: device({ code: 'ABC234' }),
    outcome: 'late',
    reason: 'late_confirmation',
    payments: {},
    replies: [[DEV, 'late_confirmation']],
    subscriber: {},
    check: (d) => assert.match(d.replies[0].text, /P1000000000 of 12\.50 KES to SHOP42 had expired/),
  },
  {
    name: 'none + her device confirms a cancelled payment → told it was cancelled',
    view: { endedWithCode: { ...awaitingDevice(), state: 'cancelled', reason: 'cancelled_by_subscriber' } },
    event: device({ code: 'ABC234' }),
    outcome: 'late',
    replies: [[DEV, 'late_confirmation']],
    check: (d) => assert.match(d.replies[0].text, /was cancelled/),
  },
  {
    name: 'none + her device, an ended code, another amount → her failed authentication',
    view: { endedWithCode: { ...awaitingDevice(), state: 'expired', reason: 'window_elapsed' } },
    event: device({ code: 'ABC234', amountMinor: 999 }),
    outcome: 'rejected',
    reason: 'amount_mismatch',
    replies: [[DEV, 'rejected']],
    subscriber: { failedAuth: 1, failedAuthAt: T0 },
  },
  {
    name: 'none + a stranger presents an ended code → unknown code, never late',
    view: { endedWithCode: { ...awaitingDevice(), state: 'expired', reason: 'window_elapsed' } },
    event: device({ code: 'ABC234', device: STRANGER }),
    outcome: 'rejected',
    reason: 'code_unknown',
    replies: [[STRANGER, 'rejected']],
    subscriber: {},
  },
  {
    name: 'none + failures older than the decay → the streak starts again',
    open: [awaitingDevice()],
    view: { failedAuth: 4, failedAuthAt: T0 - 25 * 3600_000 },
    event: device({ code: 'ABC234', amountMinor: 1 }),
    outcome: 'rejected',
    replies: [[MAIN, 'rejected'], [DEV, 'rejected']],
    subscriber: { failedAuth: 1, failedAuthAt: T0 },
  },
  { name: 'none + expire → noop', event: { type: 'expire', paymentId: PD }, outcome: 'noop', payments: {}, replies: [] },
  { name: 'none + cancel → no pending payment', event: { type: 'cancel' }, outcome: 'noop', payments: {}, replies: [[MAIN, 'no_pending_payment']] },
  { name: 'none + cancel with a code → no pending payment', event: { type: 'cancel', code: 'ABC234' }, outcome: 'noop', replies: [[MAIN, 'no_pending_payment']] },
];

decisionTable('domain/decide: (state, event) table — no open payment', rows);

describe('domain/decide: terminal payments are inert', () => {
  const events: PaymentEvent[] = [
    request(),
    device(),
    device({ code: 'ABC234' }),
    { type: 'expire', paymentId: PD },
    { type: 'cancel' },
    { type: 'cancel', code: 'ABC234' },
  ];
  for (const state of TERMINAL_STATES) {
    for (const event of events) {
      it(`${state} + ${event.type}${'code' in event && event.code ? ' with code' : ''} → the payment does not change`, () => {
        const done = awaitingDevice({ state, history: [...awaitingDevice().history, { at: T0, from: 'awaiting_device', to: state, reason: 'matched' }] });
        const d = decide(deepFreeze(view({ open: [done] })), event, ctx({ now: LATE }));
        assert.ok(!d.payments.some((p) => p.id === PD));
        assert.equal(d.transfer, undefined);
      });
    }
  }
});

describe('domain/decide: guards', () => {
  it('throws on a reused or malformed newCode (shell bug, never stored)', () => {
    assert.throws(() => decide(view({ open: [awaitingDevice()] }), request(), ctx({ newCode: 'ABC234' })));
    assert.throws(() => decide(view(), request(), ctx({ newCode: 'abc' })));
  });
  it('does not mutate its input (frozen view passes every row above)', () => {
    const v = view({ open: [awaitingDevice()] });
    const before = JSON.stringify(v);
    decide(v, device({ code: 'ABC234' }), ctx());
    assert.equal(JSON.stringify(v), before);
  });
  it('rejection texts never name the failing factor', () => {
    for (const e of [device({ code: 'ABC234', amountMinor: 1 }), device({ code: 'ABC234', merchant: 'XX' }), device({ code: 'ABC234', device: STRANGER })]) {
      const d = decide(view({ open: [awaitingDevice()] }), e, ctx());
      for (const r of d.replies) assert.doesNotMatch(r.text, /amount|merchant|device|bound|mismatch/i, r.text);
    }
  });
});
