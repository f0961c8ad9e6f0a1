import assert from 'node:assert/strict';
import { applyDecisionToView, decide, deviceBlockedUntil, deviceToken, type Device, type PaymentEvent, type SubscriberView } from '../../../src/domain';
import { DEV, DEV_IMSI, MAIN, STRANGER, T0, awaitingDevice, ctx, deepFreeze, hmac, view } from './fixtures';

// The device gate (README "Security", device MACs): a MAC device's message must carry the MAC of
// exactly this payment and a new counter; anything else moves nothing, alerts the owner and counts
// against the device; too many refusals and the device is ignored until they leave the window.

const deviceKey = Buffer.alloc(32, 7);
const PIN = '4821';
const K = hmac(deviceKey, PIN);
const HOUR = 3600_000;

function macDevice(patch: Partial<Device> = {}, mac: Partial<NonNullable<Device['mac']>> = {}): Device {
  return { msisdn: DEV, imsi: DEV_IMSI, active: true, mac: { key: K, counter: 5, refusals: [], ...mac }, ...patch };
}

function macView(device: Device = macDevice(), patch: Partial<SubscriberView> = {}): SubscriberView {
  return deepFreeze(view({ devices: [device], ...patch }));
}

/** The device's PAY, signed with `pin` (default the right one) unless `auth` says otherwise. */
type DeviceEvent = Extract<PaymentEvent, { type: 'device' }>;

function pay(opts: { counter?: number; pin?: string | undefined; code?: string; amountMinor?: number; merchant?: string; signed?: { amountMinor?: number; merchant?: string; code?: string }; auth?: { counter: number; mac: string } | null; moId?: string } = {}): DeviceEvent {
  const amountMinor = opts.amountMinor ?? 1250;
  const merchant = opts.merchant ?? 'SHOP42';
  const counter = opts.counter ?? 6;
  const signedFor = { main: MAIN, amountMinor, merchant, code: opts.code, counter, ...opts.signed };
  const token = deviceToken(deviceKey, 'pin' in opts ? opts.pin : PIN, signedFor, hmac);
  const auth = opts.auth === null ? undefined : (opts.auth ?? { counter, mac: token.split(':')[1] });
  return { type: 'device', moId: opts.moId ?? 'mo-dev-new', device: DEV, imsi: DEV_IMSI, amountMinor, merchant, ...(opts.code ? { code: opts.code } : {}), ...(auth ? { auth } : {}) };
}

function assertRefused(d: ReturnType<typeof decide>, refusals: number[]) {
  assert.equal(d.outcome, 'refused');
  assert.equal(d.reason, 'device_mac_refused');
  assert.deepEqual(
    d.replies.map((r) => [r.to, r.kind, r.text]),
    [
      [DEV, 'device_refused', 'Payment refused.'],
      [MAIN, 'device_alert', 'A payment message from your device was refused. Nothing was paid. If you did not send it, contact your operator.'],
    ],
  );
  assert.deepEqual(d.payments, [], 'no payment created or changed');
  assert.equal(d.transfer, undefined, 'no money');
  assert.deepEqual(d.subscriber, {}, 'not the owner’s failure');
  assert.deepEqual(d.devices, [{ msisdn: DEV, refusals }]);
}

describe('domain/device gate (MAC devices)', () => {
  it('a right MAC with a new counter: the message is decided as today, and the counter is kept', () => {
    const d = decide(macView(), pay(), ctx());
    assert.equal(d.outcome, 'awaiting_request');
    assert.deepEqual(d.devices, [{ msisdn: DEV, counter: 6 }]);
  });

  it('a right MAC with the code of her pending payment completes it exactly as without MAC', () => {
    const pending = awaitingDevice();
    const d = decide(macView(macDevice(), { open: [pending] }), pay({ code: pending.code }), ctx());
    const plain = decide(view({ open: [pending] }), { ...pay({ code: pending.code, auth: null }) }, ctx());
    assert.equal(d.outcome, 'completed');
    assert.deepEqual({ ...d, devices: [] }, plain, 'replies, receipts and the transfer unchanged');
    assert.deepEqual(d.devices, [{ msisdn: DEV, counter: 6 }]);
  });

  const refusals: Array<[string, PaymentEvent]> = [
    ['no MAC', pay({ auth: null })],
    ['a wrong MAC', pay({ auth: { counter: 6, mac: 'AAAAAAAAAA' } })],
    ['a MAC of a short length', pay({ auth: { counter: 6, mac: 'ABC' } })],
    ['the wrong PIN', pay({ pin: '0000' })],
    ['no PIN where there is one', pay({ pin: undefined })],
    ['an old counter (the last accepted)', pay({ counter: 5 })],
    ['an older counter', pay({ counter: 1 })],
    ['a MAC for another amount', pay({ signed: { amountMinor: 1251 } })],
    ['a MAC for another merchant', pay({ signed: { merchant: 'SHOP43' } })],
    ['a MAC without the code it carries', pay({ code: 'ABC234', signed: { code: undefined } })],
  ];
  for (const [name, event] of refusals) {
    it(`refused: ${name} — nothing moves, brief answer, the owner alerted, counted against the device`, () => {
      assertRefused(decide(macView(macDevice(), { open: [awaitingDevice()] }), event, ctx()), [T0]);
    });
  }

  it('a forged message for her pending payment leaves the payment pending (the real device can still confirm)', () => {
    const pending = awaitingDevice();
    const v = macView(macDevice(), { open: [pending] });
    const forged = decide(v, pay({ code: pending.code, auth: { counter: 99, mac: 'ZZZZZZZZZZ' } }), ctx());
    assert.deepEqual(forged.payments, []);
    assert.deepEqual(forged.codesReleased, []);
    const real = decide(applyDecisionToView(v, forged), pay({ code: pending.code, counter: 7, moId: 'mo-real' }), ctx());
    assert.equal(real.outcome, 'completed');
  });

  it('the same message again (a replay) is refused once its counter was accepted', () => {
    const v = macView();
    const first = decide(v, pay(), ctx());
    const again = decide(applyDecisionToView(v, first), pay({ moId: 'mo-replayed' }), ctx({ newPaymentId: 'PNEW0000001' }));
    assertRefused(again, [T0]);
  });

  it('refused before anything else: a locked owner or a differing IMSI does not show through, and locks nothing', () => {
    const locked = decide(macView(macDevice(), { locked: true }), pay({ auth: null }), ctx());
    assertRefused(locked, [T0]);
    const swapped = decide(macView(), { ...pay({ auth: null }), imsi: '639070000000999' }, ctx());
    assertRefused(swapped, [T0]);
  });

  it('three refusals within the hour: the fourth message, even right, is ignored; after the hour it pays', () => {
    let v = macView();
    for (let i = 0; i < 3; i++) {
      const d = decide(v, pay({ pin: '0000', moId: `mo-wrong-${i}` }), ctx({ now: T0 + i * 1000 }));
      assert.equal(d.reason, 'device_mac_refused');
      v = applyDecisionToView(v, d);
    }
    assert.equal(deviceBlockedUntil(v.devices[0].mac!, T0 + 3000, ctx()), T0 + HOUR);
    const ignored = decide(v, pay({ moId: 'mo-right' }), ctx({ now: T0 + HOUR - 1 }));
    assert.equal(ignored.outcome, 'refused');
    assert.equal(ignored.reason, 'device_blocked');
    assert.deepEqual(ignored.replies, [{ to: DEV, text: 'Too many attempts. Try again later.', kind: 'too_many_attempts', limited: true }]);
    assert.deepEqual(ignored.devices, [], 'an ignored message does not count: a forger cannot keep the device off');
    assert.deepEqual(ignored.payments, []);
    // When the first refusal leaves the window the device works again (two refusals still count).
    const after = decide(v, pay({ moId: 'mo-right' }), ctx({ now: T0 + HOUR + 1 }));
    assert.equal(after.outcome, 'awaiting_request');
    assert.deepEqual(after.devices, [{ msisdn: DEV, counter: 6 }]);
    const wrongAgain = decide(v, pay({ pin: '0000', moId: 'mo-wrong-3' }), ctx({ now: T0 + HOUR + 1 }));
    assert.deepEqual(wrongAgain.devices, [{ msisdn: DEV, refusals: [T0 + 1000, T0 + 2000, T0 + HOUR + 1] }], 'old refusals are dropped');
  });

  it('the limit and window are settings', () => {
    const v = macView(macDevice({}, { refusals: [T0 - 5000] }));
    assert.equal(decide(v, pay(), ctx({ deviceRefusalLimit: 1, deviceRefusalWindowMs: 10_000 })).reason, 'device_blocked');
    assert.equal(decide(v, pay(), ctx({ deviceRefusalLimit: 1, deviceRefusalWindowMs: 4000 })).outcome, 'awaiting_request');
  });

  it('a suspended device is ignored, MAC or not; a right MAC does not help', () => {
    for (const device of [macDevice({ suspended: true }), { msisdn: DEV, imsi: DEV_IMSI, active: true, suspended: true }]) {
      const d = decide(macView(device, { open: [awaitingDevice()] }), pay({ code: 'ABC234' }), ctx());
      assert.equal(d.reason, 'device_suspended');
      assert.deepEqual(d.replies.map((r) => [r.to, r.kind, r.limited]), [[DEV, 'device_suspended', true]]);
      assert.deepEqual(d.payments, []);
      assert.deepEqual(d.devices, []);
    }
  });

  it('a device bound without MAC works as today, with or without a token', () => {
    const plain = view();
    assert.equal(decide(plain, pay({ auth: null }), ctx()).outcome, 'awaiting_request');
    const withToken = decide(plain, pay({ auth: { counter: 1, mac: 'AAAAAAAAAA' } }), ctx());
    assert.equal(withToken.outcome, 'awaiting_request');
    assert.deepEqual(withToken.devices, []);
  });

  it('another SIM presenting her code is not gated by her device’s MAC: rejected as a foreign attempt, as today', () => {
    const pending = awaitingDevice();
    const d = decide(macView(macDevice(), { open: [pending] }), { ...pay({ code: pending.code, auth: null }), device: STRANGER }, ctx());
    assert.equal(d.reason, 'foreign_device');
    assert.deepEqual(d.devices, []);
  });
});
