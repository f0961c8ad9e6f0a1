import assert from 'node:assert/strict';
import {
  decide,
  isLegalHistory,
  TERMINAL_STATES,
  type DecideContext,
  type Decision,
  type OutcomeCode,
  type Payment,
  type PaymentEvent,
  type PaymentState,
  type ReasonCode,
  type SubscriberView,
} from '../../../src/domain';
import {
  DEV,
  DEV_IMSI,
  MAIN,
  OTHER_DEV,
  STRANGER,
  T0,
  TODAY,
  WINDOW,
  awaitingDevice,
  awaitingRequest,
  ctx,
  deepFreeze,
  view,
} from './fixtures';

// Table of (state of the open payment, event) → expected decision. Each row names one rule.

interface Row {
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

const request = (patch: Partial<Extract<PaymentEvent, { type: 'request' }>> = {}): PaymentEvent => ({
  type: 'request',
  moId: 'mo-req-new',
  amountMinor: 1250,
  merchant: 'SHOP42',
  imsi: undefined,
  channel: 'sms',
  ...patch,
});
const device = (patch: Partial<Extract<PaymentEvent, { type: 'device' }>> = {}): PaymentEvent => ({
  type: 'device',
  moId: 'mo-dev-new',
  device: DEV,
  amountMinor: 1250,
  merchant: 'SHOP42',
  ...patch,
});
const PD = 'P1000000000';
const PR = 'P2000000000';
const NEW = 'PNEW0000000';
const LATE = T0 + WINDOW; // after both fixtures' expiresAt (T0 + 110 s)

const rows: Row[] = [
  // ---- no open payment ----
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

  // ---- SIM checks (README "Security", "SIM swap") ----
  {
    name: 'none + request without IMSI from an IMSI-enrolled SIM, policy refuse → refused, no code',
    event: request({ imsi: undefined }),
    ctx: { missingImsiPolicy: 'refuse' },
    outcome: 'refused',
    reason: 'imsi_missing',
    payments: {},
    replies: [[MAIN, 'sim_unconfirmed']],
    check: (d) => assert.match(d.replies[0].text, /network could not confirm your SIM/),
  },
  {
    name: 'none + request with an unreadable IMSI, policy refuse → refused like a missing one',
    event: request({ imsi: undefined, imsiUnreadable: true }),
    ctx: { missingImsiPolicy: 'refuse' },
    outcome: 'refused',
    reason: 'imsi_missing',
  },
  {
    name: 'none + request without IMSI, policy allow → a code as usual',
    event: request({ imsi: undefined }),
    ctx: { missingImsiPolicy: 'allow' },
    outcome: 'awaiting_device',
  },
  {
    name: 'none + request without IMSI from a SIM enrolled without one, policy refuse → a code as usual',
    view: { imsi: undefined },
    event: request({ imsi: undefined }),
    ctx: { missingImsiPolicy: 'refuse' },
    outcome: 'awaiting_device',
  },
  {
    name: 'none + device half without IMSI from an IMSI-enrolled device, policy refuse → refused',
    event: device({ imsi: undefined }),
    ctx: { missingImsiPolicy: 'refuse' },
    outcome: 'refused',
    reason: 'imsi_missing',
    replies: [[DEV, 'sim_unconfirmed']],
  },
  {
    name: 'none + request the operator’s SIM-swap check says swapped → refused and locked (sim_swap)',
    event: request({ simSwap: 'swapped' }),
    outcome: 'locked',
    reason: 'sim_swap',
    payments: {},
    subscriber: { locked: true, lockReason: 'sim_swap' },
  },
  {
    name: 'none + request whose SIM-swap check did not answer (policy refuse) → refused, not locked',
    event: request({ simSwap: 'unavailable' }),
    outcome: 'refused',
    reason: 'sim_swap_check_unavailable',
    replies: [[MAIN, 'sim_unconfirmed']],
    subscriber: {},
  },
  { name: 'none + request the SIM-swap check says not swapped → a code', event: request({ simSwap: 'not_swapped' }), outcome: 'awaiting_device' },

  // ---- awaiting_device ----
  {
    name: 'awaiting_device + device with the right code → completed, money moves, both told',
    open: [awaitingDevice()],
    view: { failedAuth: 3 },
    event: device({ code: 'ABC234' }),
    outcome: 'completed',
    reason: 'matched',
    payments: { [PD]: 'completed' },
    replies: [[MAIN, 'paid'], [DEV, 'device_confirmed']],
    transfer: true,
    subscriber: { balanceMinor: 98_750, dailySpentMinor: 1250, dailyDate: TODAY, failedAuth: 0 },
    codesReleased: ['ABC234'],
    check: (d) => {
      assert.match(d.replies[0].text, /^Paid 12\.50 KES to SHOP42 \(Corner Shop\)\. Payment P1000000000\. New balance 987\.50 KES\.$/);
      assert.match(d.replies[1].text, /P1000000000/);
      assert.deepEqual(d.transfer, { id: PD, fromMsisdn: MAIN, toMerchant: 'SHOP42', amountMinor: 1250 });
      assert.equal(d.payments[0].device, DEV);
      assert.equal(d.payments[0].deviceMoId, 'mo-dev-new');
      assert.equal(d.payments[0].completedAt, T0);
    },
  },
  {
    name: "awaiting_device + right code from another subscriber's device → rejected, the owner told someone else tried, not her failure",
    open: [awaitingDevice()],
    view: { failedAuth: 4 },
    event: device({ code: 'ABC234', device: OTHER_DEV }),
    outcome: 'rejected',
    reason: 'foreign_device',
    payments: { [PD]: 'rejected' },
    replies: [[MAIN, 'foreign_attempt'], [OTHER_DEV, 'rejected']],
    subscriber: {},
    codesReleased: ['ABC234'],
    check: (d) => {
      assert.match(d.replies[0].text, /Someone else tried to confirm your payment P1000000000 of 12\.50 KES to SHOP42/);
      assert.equal(d.replies[1].text, 'Payment rejected.', 'the presenter learns nothing');
    },
  },
  {
    name: 'awaiting_device + right code from a SIM bound to no one → rejected, not her failure',
    open: [awaitingDevice()],
    event: device({ code: 'ABC234', device: STRANGER }),
    outcome: 'rejected',
    payments: { [PD]: 'rejected' },
    replies: [[MAIN, 'foreign_attempt'], [STRANGER, 'rejected']],
    subscriber: {},
  },
  {
    name: 'awaiting_device + right code from an unbound device → rejected as foreign',
    open: [awaitingDevice()],
    view: { devices: [{ msisdn: DEV, active: false }] },
    event: device({ code: 'ABC234' }),
    outcome: 'rejected',
    reason: 'foreign_device',
    payments: { [PD]: 'rejected' },
  },
  {
    name: 'awaiting_device + right code, different amount → rejected (amount_mismatch)',
    open: [awaitingDevice()],
    event: device({ code: 'ABC234', amountMinor: 1251 }),
    outcome: 'rejected',
    reason: 'amount_mismatch',
    payments: { [PD]: 'rejected' },
    replies: [[MAIN, 'rejected'], [DEV, 'rejected']],
  },
  {
    name: 'awaiting_device + right code, different merchant → rejected (merchant_mismatch)',
    open: [awaitingDevice()],
    event: device({ code: 'ABC234', merchant: 'SHOP43' }),
    outcome: 'rejected',
    reason: 'merchant_mismatch',
    payments: { [PD]: 'rejected' },
  },
  {
    name: 'awaiting_device + mismatch at the 5th failure → rejected and locked',
    open: [awaitingDevice()],
    view: { failedAuth: 4 },
    event: device({ code: 'ABC234', amountMinor: 1 }),
    outcome: 'rejected',
    payments: { [PD]: 'rejected' },
    replies: [[MAIN, 'rejected'], [DEV, 'rejected'], [MAIN, 'locked']],
    subscriber: { failedAuth: 5, failedAuthAt: T0, locked: true, lockReason: 'failed_auth' },
  },
  {
    name: 'awaiting_device + right code after the window → expired',
    open: [awaitingDevice()],
    event: device({ code: 'ABC234' }),
    ctx: { now: LATE },
    outcome: 'expired',
    payments: { [PD]: 'expired' },
    replies: [[MAIN, 'expired'], [DEV, 'expired']],
    codesReleased: ['ABC234'],
  },
  {
    name: 'awaiting_device + right code, balance too low → declined',
    open: [awaitingDevice()],
    view: { balanceMinor: 1249 },
    event: device({ code: 'ABC234' }),
    outcome: 'declined',
    reason: 'insufficient_funds',
    payments: { [PD]: 'declined' },
    replies: [[MAIN, 'declined'], [DEV, 'declined']],
    codesReleased: ['ABC234'],
  },
  {
    name: 'awaiting_device + balance exactly the amount → completed, balance 0',
    open: [awaitingDevice()],
    view: { balanceMinor: 1250 },
    event: device({ code: 'ABC234' }),
    outcome: 'completed',
    subscriber: { balanceMinor: 0, dailySpentMinor: 1250, dailyDate: TODAY, failedAuth: 0 },
  },
  {
    name: 'awaiting_device + over the daily limit → declined',
    open: [awaitingDevice()],
    view: { dailySpentMinor: 1_999_000 },
    event: device({ code: 'ABC234' }),
    outcome: 'declined',
    reason: 'over_daily_limit',
    payments: { [PD]: 'declined' },
  },
  {
    name: "awaiting_device + yesterday's spending does not count → completed, day total restarts",
    open: [awaitingDevice()],
    view: { dailySpentMinor: 1_999_000, dailyDate: '2025-01-14' },
    event: device({ code: 'ABC234' }),
    outcome: 'completed',
    subscriber: { balanceMinor: 98_750, dailySpentMinor: 1250, dailyDate: TODAY, failedAuth: 0 },
  },
  {
    // T0 is 12:00 UTC; at 22:30 UTC it is already the next day in Nairobi (UTC+3).
    name: 'awaiting_device + the day counted in the operator’s time zone: after local midnight the total restarts',
    open: [awaitingDevice({ expiresAt: T0 + 11 * 3600_000 })],
    view: { dailySpentMinor: 1_999_000, dailyDate: '2025-01-15' },
    event: device({ code: 'ABC234' }),
    ctx: { now: T0 + 10.5 * 3600_000, timeZone: 'Africa/Nairobi' },
    outcome: 'completed',
    subscriber: { balanceMinor: 98_750, dailySpentMinor: 1250, dailyDate: '2025-01-16', failedAuth: 0 },
  },
  {
    name: 'awaiting_device + the same instant in UTC is still the same day → over the daily limit',
    open: [awaitingDevice({ expiresAt: T0 + 11 * 3600_000 })],
    view: { dailySpentMinor: 1_999_000, dailyDate: '2025-01-15' },
    event: device({ code: 'ABC234' }),
    ctx: { now: T0 + 10.5 * 3600_000, timeZone: 'UTC' },
    outcome: 'declined',
    reason: 'over_daily_limit',
  },
  {
    name: 'awaiting_device + merchant deleted meanwhile → declined',
    open: [awaitingDevice()],
    event: device({ code: 'ABC234' }),
    ctx: { merchantExists: false },
    outcome: 'declined',
    reason: 'unknown_merchant',
    payments: { [PD]: 'declined' },
  },
  {
    name: 'awaiting_device + payment limit lowered meanwhile → declined',
    open: [awaitingDevice()],
    event: device({ code: 'ABC234' }),
    ctx: { maxPaymentMinor: 1000 },
    outcome: 'declined',
    reason: 'over_payment_limit',
  },
  {
    name: 'awaiting_device + device half without code, same amount and merchant → completed',
    open: [awaitingDevice()],
    event: device(),
    outcome: 'completed',
    payments: { [PD]: 'completed' },
    replies: [[MAIN, 'paid'], [DEV, 'device_confirmed']],
    transfer: true,
    codesReleased: ['ABC234'],
  },
  {
    name: 'awaiting_device + device half without code, other amount → a new awaiting_request half',
    open: [awaitingDevice()],
    event: device({ amountMinor: 999 }),
    outcome: 'awaiting_request',
    payments: { [NEW]: 'awaiting_request' },
  },
  {
    name: 'awaiting_device + device half without code after its window → a new half, the stale one is left to its expiry',
    open: [awaitingDevice()],
    event: device(),
    ctx: { now: LATE },
    outcome: 'awaiting_request',
    payments: { [NEW]: 'awaiting_request' },
  },
  {
    name: 'awaiting_device + device half without code in strict mode → refused',
    open: [awaitingDevice()],
    event: device(),
    ctx: { strict: true },
    outcome: 'refused',
    payments: {},
  },
  {
    name: 'awaiting_device + device with code in strict mode → completed',
    open: [awaitingDevice()],
    event: device({ code: 'ABC234' }),
    ctx: { strict: true },
    outcome: 'completed',
  },
  {
    name: 'awaiting_device + another request for the same amount → a second pending request',
    open: [awaitingDevice()],
    event: request(),
    outcome: 'awaiting_device',
    payments: { [NEW]: 'awaiting_device' },
  },
  { name: 'awaiting_device + the same request MO again → noop', open: [awaitingDevice()], event: request({ moId: 'mo-req-1' }), outcome: 'noop', payments: {}, replies: [] },
  {
    name: 'awaiting_device + a retried job (same payment id) → noop',
    open: [awaitingDevice()],
    event: request(),
    ctx: { newPaymentId: PD },
    outcome: 'noop',
    replies: [],
  },
  {
    name: 'awaiting_device + expire at the deadline → expired, code released',
    open: [awaitingDevice()],
    event: { type: 'expire', paymentId: PD },
    ctx: { now: T0 + 110_000 },
    outcome: 'expired',
    reason: 'window_elapsed',
    payments: { [PD]: 'expired' },
    replies: [[MAIN, 'expired']],
    codesReleased: ['ABC234'],
  },
  {
    name: 'awaiting_device + expire fired 0.5 s early → still expired',
    open: [awaitingDevice()],
    event: { type: 'expire', paymentId: PD },
    ctx: { now: T0 + 109_500 },
    outcome: 'expired',
  },
  {
    name: 'awaiting_device + expire fired too early → noop, rescheduled at the deadline',
    open: [awaitingDevice()],
    event: { type: 'expire', paymentId: PD },
    outcome: 'noop',
    payments: {},
    check: (d) => assert.deepEqual(d.expiries, [{ paymentId: PD, at: T0 + 110_000 }]),
  },
  {
    name: 'awaiting_device + cancel → cancelled',
    open: [awaitingDevice()],
    event: { type: 'cancel' },
    outcome: 'cancelled',
    reason: 'cancelled_by_subscriber',
    payments: { [PD]: 'cancelled' },
    replies: [[MAIN, 'cancelled']],
    codesReleased: ['ABC234'],
  },
  { name: 'awaiting_device + cancel with its code → cancelled', open: [awaitingDevice()], event: { type: 'cancel', code: 'ABC234' }, outcome: 'cancelled', payments: { [PD]: 'cancelled' } },
  { name: 'awaiting_device + cancel with another code → noop', open: [awaitingDevice()], event: { type: 'cancel', code: 'ZZZ999' }, outcome: 'noop', payments: {}, replies: [[MAIN, 'no_pending_payment']] },
  {
    name: 'awaiting_device + request reporting another IMSI → locked (SIM swap), nothing created',
    open: [awaitingDevice()],
    event: request({ imsi: '639079999999999' }),
    outcome: 'locked',
    reason: 'sim_swap',
    payments: {},
    replies: [[MAIN, 'locked']],
    subscriber: { locked: true, lockReason: 'sim_swap' },
  },
  {
    name: 'awaiting_device + request with the enrolled IMSI → pending',
    open: [awaitingDevice()],
    event: request({ imsi: '639070000000001' }),
    outcome: 'awaiting_device',
  },
  {
    name: 'awaiting_device + device reporting another IMSI → locked (SIM swap), payment untouched',
    open: [awaitingDevice()],
    event: device({ code: 'ABC234', imsi: '639079999999999' }),
    outcome: 'locked',
    reason: 'sim_swap',
    payments: {},
    replies: [[DEV, 'locked'], [MAIN, 'locked']],
    subscriber: { locked: true, lockReason: 'sim_swap' },
  },
  { name: 'awaiting_device + device with its enrolled IMSI → completed', open: [awaitingDevice()], event: device({ code: 'ABC234', imsi: DEV_IMSI }), outcome: 'completed' },
  {
    name: 'locked + awaiting_device + device with the right code → refused as locked',
    open: [awaitingDevice()],
    view: { locked: true, lockReason: 'failed_auth' },
    event: device({ code: 'ABC234' }),
    outcome: 'locked',
    payments: {},
    replies: [[DEV, 'locked']],
    subscriber: {},
  },
  { name: 'locked + request → refused as locked', view: { locked: true }, event: request(), outcome: 'locked', payments: {}, replies: [[MAIN, 'locked']] },
  { name: 'locked + cancel → refused as locked', open: [awaitingDevice()], view: { locked: true }, event: { type: 'cancel' }, outcome: 'locked', payments: {} },
  {
    name: 'locked + expire → still expires',
    open: [awaitingDevice()],
    view: { locked: true },
    event: { type: 'expire', paymentId: PD },
    ctx: { now: LATE },
    outcome: 'expired',
    payments: { [PD]: 'expired' },
  },

  // ---- awaiting_request ----
  {
    name: 'awaiting_request + matching request → completed, both told',
    open: [awaitingRequest()],
    event: request({ channel: 'ussd' }),
    outcome: 'completed',
    payments: { [PR]: 'completed' },
    replies: [[MAIN, 'paid'], [DEV, 'device_confirmed']],
    transfer: true,
    codesReleased: [],
    codeIssued: undefined,
    check: (d) => {
      assert.equal(d.payments[0].requestMoId, 'mo-req-new');
      assert.equal(d.payments[0].channel, 'ussd');
      assert.equal(d.transfer?.id, PR);
    },
  },
  {
    name: 'awaiting_request + two waiting halves → the oldest matches',
    open: [awaitingRequest({ id: 'P2000000001', createdAt: T0 - 5000, deviceMoId: 'mo-dev-2' }), awaitingRequest()],
    event: request(),
    outcome: 'completed',
    payments: { [PR]: 'completed' },
  },
  {
    name: 'awaiting_request + matching request in strict mode → a new awaiting_device (no device-first)',
    open: [awaitingRequest()],
    event: request(),
    ctx: { strict: true },
    outcome: 'awaiting_device',
    payments: { [NEW]: 'awaiting_device' },
  },
  { name: 'awaiting_request + request with another amount → new awaiting_device', open: [awaitingRequest()], event: request({ amountMinor: 1300 }), outcome: 'awaiting_device', payments: { [NEW]: 'awaiting_device' } },
  { name: 'awaiting_request + request with another merchant → new awaiting_device', open: [awaitingRequest()], event: request({ merchant: 'SHOP43' }), outcome: 'awaiting_device', payments: { [NEW]: 'awaiting_device' } },
  {
    name: 'awaiting_request + matching request after the window → new awaiting_device',
    open: [awaitingRequest()],
    event: request(),
    ctx: { now: LATE },
    outcome: 'awaiting_device',
    payments: { [NEW]: 'awaiting_device' },
  },
  {
    name: 'awaiting_request + matching request after the device was unbound → no match',
    open: [awaitingRequest()],
    view: { devices: [{ msisdn: DEV, active: false }] },
    event: request(),
    outcome: 'awaiting_device',
    payments: { [NEW]: 'awaiting_device' },
  },
  {
    name: 'awaiting_request + matching request, balance too low → declined, both told',
    open: [awaitingRequest()],
    view: { balanceMinor: 0 },
    event: request(),
    outcome: 'declined',
    payments: { [PR]: 'declined' },
    replies: [[MAIN, 'declined'], [DEV, 'declined']],
  },
  {
    name: 'awaiting_request + device with a code → rejected as unknown code, the half untouched',
    open: [awaitingRequest()],
    event: device({ code: 'ABC234' }),
    outcome: 'rejected',
    reason: 'code_unknown',
    payments: {},
    subscriber: {},
  },
  { name: 'awaiting_request + the same device MO again → noop', open: [awaitingRequest()], event: device({ moId: 'mo-dev-1' }), outcome: 'noop', payments: {}, replies: [] },
  {
    name: 'awaiting_request + a second device half → a second waiting half',
    open: [awaitingRequest()],
    event: device(),
    outcome: 'awaiting_request',
    payments: { [NEW]: 'awaiting_request' },
  },
  {
    name: 'awaiting_request + expire → expired, main and device told',
    open: [awaitingRequest()],
    event: { type: 'expire', paymentId: PR },
    ctx: { now: LATE },
    outcome: 'expired',
    payments: { [PR]: 'expired' },
    replies: [[MAIN, 'expired'], [DEV, 'expired']],
    codesReleased: [],
  },
  {
    name: 'awaiting_request + cancel → cancelled',
    open: [awaitingRequest()],
    event: { type: 'cancel' },
    outcome: 'cancelled',
    payments: { [PR]: 'cancelled' },
    replies: [[MAIN, 'cancelled']],
  },
  {
    name: 'both pending + cancel without code → the awaiting_device one first',
    open: [awaitingDevice(), awaitingRequest({ createdAt: T0 })],
    event: { type: 'cancel' },
    outcome: 'cancelled',
    payments: { [PD]: 'cancelled' },
  },
  {
    name: 'two requests + cancel without code → the newest',
    open: [awaitingDevice(), awaitingDevice({ id: 'P1000000001', code: 'DEF567', createdAt: T0 - 1000, requestMoId: 'mo-req-2' })],
    event: { type: 'cancel' },
    outcome: 'cancelled',
    payments: { P1000000001: 'cancelled' },
    codesReleased: ['DEF567'],
  },
  {
    name: 'two requests + device without code → the oldest matches',
    open: [awaitingDevice({ id: 'P1000000001', code: 'DEF567', createdAt: T0 - 1000, requestMoId: 'mo-req-2' }), awaitingDevice()],
    event: device(),
    outcome: 'completed',
    payments: { [PD]: 'completed' },
    codesReleased: ['ABC234'],
  },
];

function replyPairs(d: Decision): [string, string][] {
  return d.replies.map((r) => [r.to, r.kind]);
}

describe('domain/decide: (state, event) table', () => {
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
