import assert from 'node:assert/strict';
import fc from 'fast-check';
import { applyDecisionToView, decide, type PaymentEvent, type SubscriberView } from '../../../src/domain';
import { DEV, OTHER_DEV, STRANGER, T0, awaitingDevice, ctx, view } from './fixtures';

// Who a failure counts against (README "Security"), as a property: whatever SIMs that are not her
// devices send — her live code, ended or unknown codes, any amount and merchant — and whatever
// unknown codes her own device sends, the owner's lock state and failure count do not move.

const codes = fc.constantFrom('ABC234', 'ZZZ999', 'QWE789', 'NEWCDE');
const foreign = fc.record({
  device: fc.constantFrom(STRANGER, OTHER_DEV),
  code: fc.option(codes, { nil: undefined }),
  amountMinor: fc.constantFrom(1250, 1, 99_999),
  merchant: fc.constantFrom('SHOP42', 'SHOP43'),
});
const ownUnknown = fc.record({ device: fc.constant(DEV), code: fc.constantFrom('ZZZ999', 'QWE789'), amountMinor: fc.constantFrom(1250, 7), merchant: fc.constant('SHOP42') });

describe('domain/decide: failures count against whoever caused them (property)', () => {
  it('no sequence of foreign messages or unknown codes changes the owner’s lock or failure count', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(foreign, ownUnknown), { minLength: 1, maxLength: 30 }), fc.nat(4), fc.boolean(), (events, failedAuth, live) => {
        let v: SubscriberView = view({ failedAuth, failedAuthAt: T0 - 1000, open: live ? [awaitingDevice()] : [] });
        const start = { locked: v.locked, failedAuth: v.failedAuth };
        events.forEach((e, i) => {
          const event: PaymentEvent = { type: 'device', moId: `mo-${i}`, ...e };
          const d = decide(v, event, ctx({ now: T0 + i, newPaymentId: `PNEW${String(i).padStart(7, '0')}` }));
          assert.equal(d.subscriber.failedAuth, undefined, `event ${i} counted a failure: ${JSON.stringify(e)}`);
          assert.equal(d.subscriber.locked, undefined);
          v = applyDecisionToView(v, d);
        });
        return v.locked === start.locked && v.failedAuth === start.failedAuth;
      }),
      { numRuns: 300 },
    );
  });
});
