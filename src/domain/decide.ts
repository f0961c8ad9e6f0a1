import { isCode } from './code';
import { decision, type Decision, type Reply } from './decision';
import { toMoney } from './money';
import { isTerminal, startPayment, transition, type Payment, type PaymentState } from './payment';
import {
  cancelledText,
  codeIssuedText,
  codeRequiredText,
  declinedText,
  deviceRejectedText,
  deviceWaitingText,
  expiredText,
  foreignAttemptText,
  lateConfirmationText,
  lockedText,
  noPendingPaymentText,
  notLinkedText,
  rejectedText,
  simUnconfirmedText,
} from './replies';
import { countFailedAuth, settle, type SettleContext } from './settle';
import { deviceGate, withDeviceChange, type DeviceAuthRules } from './device-auth';
import type { DeviceAuth } from './grammar';
import type { Device, SubscriberView } from './view';

export type { Decision, OutcomeCode, Reply, SubscriberChanges, Transfer } from './decision';
export { applyDecisionToView, localDate, localTime, utcDate, type Device, type SubscriberView } from './view';

// The functional core of matching (docs/ARCHITECTURE.md, "Where to start reading"): one subscriber's view and one event in, one
// decision out. No I/O, no clock, no randomness: `now`, the new payment id and the new code come in
// through the context, so a retried job decides the same thing again.

export type PaymentEvent =
  /** PAY from the main SIM itself. */
  | {
      type: 'request';
      moId: string;
      amountMinor: number;
      merchant: string;
      imsi?: string;
      /** The network sent an IMSI TLV that could not be read: no IMSI, and not silently so. */
      imsiUnreadable?: boolean;
      /** The operator's SIM-swap check (when configured): swapped within maxAge, not, or no answer. */
      simSwap?: 'swapped' | 'not_swapped' | 'unavailable';
      channel: 'sms' | 'ussd';
    }
  /** PAY from a device SIM, attributed to this view by its code or by the device → main binding. */
  | {
      type: 'device';
      moId: string;
      device: string;
      imsi?: string;
      imsiUnreadable?: boolean;
      amountMinor: number;
      merchant: string;
      code?: string;
      /** `<counter>:<mac>`, required from a MAC device (device-auth.ts), ignored from others. */
      auth?: DeviceAuth;
    }
  /** The payment's window ended: a worker sweeping the expiry sorted set claimed it (store/expiries.ts). */
  | { type: 'expire'; paymentId: string }
  /** CANCEL [code] from the main SIM. */
  | { type: 'cancel'; code?: string };

export interface DecideContext extends SettleContext, DeviceAuthRules {
  windowMs: number;
  /** Strict mode: device halves must carry the code; device-first order is off. */
  strict: boolean;
  /** An IMSI-enrolled SIM whose MO carries no readable IMSI: refused (default) or let through. */
  missingImsiPolicy: 'refuse' | 'allow';
  /** Whether the event's merchant is registered, and its display name. */
  merchantExists: boolean;
  merchantName?: string;
  /** Used only if the decision creates a payment (deterministic, from the MO id: see ids.ts). */
  newPaymentId: string;
  /** Used only if the decision issues a code (from a CSPRNG, reserved unique by the shell). */
  newCode: string;
}

type RequestEvent = Extract<PaymentEvent, { type: 'request' }>;
type DeviceEvent = Extract<PaymentEvent, { type: 'device' }>;

/** A window end may be claimed a little early (clocks of the workers that sweep the expiry set differ); within this slack it still counts. */
export const EXPIRY_EARLY_TOLERANCE_MS = 1000;

export function decide(view: SubscriberView, event: PaymentEvent, ctx: DecideContext): Decision {
  switch (event.type) {
    case 'request':
      return onRequest(view, event, ctx);
    case 'device':
      return onDevice(view, event, ctx);
    case 'expire':
      return onExpire(view, event.paymentId, ctx);
    case 'cancel':
      return onCancel(view, event.code, ctx);
  }
}

function onRequest(view: SubscriberView, event: RequestEvent, ctx: DecideContext): Decision {
  if (alreadyApplied(view, event.moId, ctx)) return decision('noop');
  if (view.locked) return lockedRefusal([view.msisdn]);
  if (imsiDiffers(view.imsi, event.imsi) || event.simSwap === 'swapped') return simSwapLock([view.msisdn]);
  // A missing IMSI must not switch the SIM-swap guard off (README "Security", "SIM swap").
  if (imsiMissing(view.imsi, event.imsi, ctx)) return simUnconfirmed(view.msisdn, 'imsi_missing');
  if (event.simSwap === 'unavailable') return simUnconfirmed(view.msisdn, 'sim_swap_check_unavailable');
  const amount = toMoney(event.amountMinor, ctx.currency, ctx.minorDigits);
  const main = view.msisdn;

  if (!ctx.merchantExists) {
    // Not an authentication factor, so saying why is fine; no payment record for a typo.
    const text = declinedText(amount, event.merchant, 'unknown_merchant');
    return decision('declined', { replies: [{ to: main, text, kind: 'declined' }], reason: 'unknown_merchant' });
  }

  const fields = {
    id: ctx.newPaymentId,
    main,
    amountMinor: event.amountMinor,
    merchant: event.merchant,
    channel: event.channel,
    createdAt: ctx.now,
    expiresAt: ctx.now + ctx.windowMs,
    requestMoId: event.moId,
  };
  if (event.amountMinor > ctx.maxPaymentMinor) {
    // Known to be unpayable before any device is involved: record it, but issue no code.
    const declined = startPayment(fields, 'declined', 'over_payment_limit', ctx.now);
    const text = declinedText(amount, event.merchant, 'over_payment_limit', declined.id);
    return decision('declined', { payments: [declined], replies: [{ to: main, text, kind: 'declined' }], reason: 'over_payment_limit' });
  }

  if (!ctx.strict) {
    const waiting = oldestMatching(view, 'awaiting_request', event.amountMinor, event.merchant, ctx.now).find((p) =>
      isActiveDevice(view, p.device),
    );
    if (waiting) return settle(view, waiting, { requestMoId: event.moId, channel: event.channel }, ctx);
  }

  if (!isCode(ctx.newCode) || view.open.some((p) => p.code === ctx.newCode)) {
    throw new Error('decide: ctx.newCode must be a fresh confirmation code');
  }
  const pending = startPayment({ ...fields, code: ctx.newCode }, 'awaiting_device', 'request_received', ctx.now);
  const text = codeIssuedText(amount, event.merchant, ctx.newCode, ctx.windowMs / 1000);
  return decision('awaiting_device', {
    payments: [pending],
    replies: [{ to: main, text, kind: 'code_issued' }],
    expiries: [{ paymentId: pending.id, at: pending.expiresAt }],
    codeIssued: ctx.newCode,
    reason: 'request_received',
  });
}

function onDevice(view: SubscriberView, event: DeviceEvent, ctx: DecideContext): Decision {
  if (alreadyApplied(view, event.moId, ctx)) return decision('noop');
  // Her own device's message is checked first (suspension, MAC): an unauthenticated message
  // learns nothing (not even that she is locked) and changes nothing but the device's refusals.
  const own = activeDevice(view, event.device);
  const gate = own ? deviceGate(view.msisdn, own, event, ctx) : { pass: true as const };
  if (!gate.pass) return gate.decision;
  return withDeviceChange(onDeviceMessage(view, event, ctx), gate.change);
}

function onDeviceMessage(view: SubscriberView, event: DeviceEvent, ctx: DecideContext): Decision {
  if (view.locked) return lockedRefusal([event.device]);
  const device = activeDevice(view, event.device);
  if (device && imsiDiffers(device.imsi, event.imsi)) return simSwapLock([event.device, view.msisdn]);
  if (device && imsiMissing(device.imsi, event.imsi, ctx)) return simUnconfirmed(event.device, 'imsi_missing');
  if (event.code !== undefined) return onDeviceWithCode(view, event, event.code, device, ctx);

  const refuse = (text: string, kind: Reply['kind'], outcome: Decision['outcome'], reason: Decision['reason']) =>
    decision(outcome, { replies: [{ to: event.device, text, kind }], reason });
  if (ctx.strict) return refuse(codeRequiredText(), 'code_required', 'refused', 'strict_mode_code_required');
  if (!device) return refuse(notLinkedText(), 'not_linked', 'refused', 'device_not_bound');
  const amount = toMoney(event.amountMinor, ctx.currency, ctx.minorDigits);
  if (!ctx.merchantExists) return refuse(declinedText(amount, event.merchant, 'unknown_merchant'), 'declined', 'declined', 'unknown_merchant');
  if (event.amountMinor > ctx.maxPaymentMinor) {
    // No request can ever match it (requests above the limit are declined), so do not let it wait.
    return refuse(declinedText(amount, event.merchant, 'over_payment_limit'), 'declined', 'declined', 'over_payment_limit');
  }

  const [pending] = oldestMatching(view, 'awaiting_device', event.amountMinor, event.merchant, ctx.now);
  if (pending) return settle(view, pending, { device: event.device, deviceMoId: event.moId }, ctx);

  const half = startPayment(
    {
      id: ctx.newPaymentId,
      main: view.msisdn,
      amountMinor: event.amountMinor,
      merchant: event.merchant,
      // The channel of the payment is that of the request; SMS until the request says otherwise.
      channel: 'sms',
      createdAt: ctx.now,
      expiresAt: ctx.now + ctx.windowMs,
      deviceMoId: event.moId,
      device: event.device,
    },
    'awaiting_request',
    'device_waiting',
    ctx.now,
  );
  return decision('awaiting_request', {
    payments: [half],
    replies: [{ to: event.device, text: deviceWaitingText(amount, event.merchant, ctx.windowMs / 1000), kind: 'device_waiting' }],
    expiries: [{ paymentId: half.id, at: half.expiresAt }],
    reason: 'device_waiting',
  });
}

/**
 * The patent's comparison: the code names one pending payment, and the sender must be an active device
 * of that payment's main SIM presenting the same amount and merchant. Any difference rejects the
 * payment; the texts never say which factor failed. Who the failure counts against (README "Security"):
 * - another SIM presenting her code: the payment is rejected and the owner told someone else tried,
 *   but it is the presenter's failure (the shell counts it per sender), never the owner's;
 * - an unknown code: the presenter's failure too, answered exactly like a foreign SIM's attempt;
 * - her own device with another amount or merchant: her failed authentication;
 * - her own device, right details, after the payment ended: told so, nobody's failure.
 */
function onDeviceWithCode(view: SubscriberView, event: DeviceEvent, code: string, device: Device | undefined, ctx: DecideContext): Decision {
  const payment = view.open.find((p) => p.state === 'awaiting_device' && p.code === code);
  if (!payment) return onEndedOrUnknownCode(view, event, code, device, ctx);
  const half = { device: event.device, deviceMoId: event.moId };
  const amount = toMoney(payment.amountMinor, ctx.currency, ctx.minorDigits);

  if (!device) {
    const rejected = transition(payment, 'rejected', 'foreign_device', ctx.now, half);
    return decision('rejected', {
      payments: [rejected],
      replies: [
        { to: view.msisdn, text: foreignAttemptText(amount, payment.merchant, payment.id), kind: 'foreign_attempt' },
        { to: event.device, text: deviceRejectedText(), kind: 'rejected' },
      ],
      codesReleased: [code],
      reason: 'foreign_device',
    });
  }
  const mismatch = payment.amountMinor !== event.amountMinor ? 'amount_mismatch' : payment.merchant !== event.merchant ? 'merchant_mismatch' : null;
  if (mismatch) {
    const rejected = transition(payment, 'rejected', mismatch, ctx.now, half);
    const failed = countFailedAuth(view, ctx);
    return decision('rejected', {
      payments: [rejected],
      subscriber: failed.subscriber,
      replies: [
        { to: view.msisdn, text: rejectedText(amount, payment.merchant, payment.id), kind: 'rejected' },
        { to: event.device, text: deviceRejectedText(), kind: 'rejected' },
        ...failed.replies,
      ],
      codesReleased: [code],
      reason: mismatch,
    });
  }

  if (ctx.now > payment.expiresAt) {
    // The sweep has not claimed it yet, but the window is over: expire now rather than pay late.
    const expired = transition(payment, 'expired', 'window_elapsed', ctx.now, half);
    const text = expiredText(amount, payment.merchant, payment.id);
    return decision('expired', {
      payments: [expired],
      replies: [
        { to: view.msisdn, text, kind: 'expired' },
        { to: event.device, text, kind: 'expired' },
      ],
      codesReleased: [code],
      reason: 'window_elapsed',
    });
  }
  return settle(view, payment, half, ctx);
}

/** No pending payment holds the code: a late confirmation by her device, or an unknown code. */
function onEndedOrUnknownCode(view: SubscriberView, event: DeviceEvent, code: string, device: Device | undefined, ctx: DecideContext): Decision {
  const ended = view.endedWithCode?.code === code ? view.endedWithCode : undefined;
  if (ended && device && (ended.state === 'expired' || ended.state === 'cancelled')) {
    const amount = toMoney(ended.amountMinor, ctx.currency, ctx.minorDigits);
    if (ended.amountMinor === event.amountMinor && ended.merchant === event.merchant) {
      return decision('late', {
        replies: [{ to: event.device, text: lateConfirmationText(amount, ended.merchant, ended.id, ended.state), kind: 'late_confirmation' }],
        reason: 'late_confirmation',
      });
    }
    // Her device, her (ended) code, other details: her failure, as for a pending payment.
    const failed = countFailedAuth(view, ctx);
    return decision('rejected', {
      subscriber: failed.subscriber,
      replies: [{ to: event.device, text: deviceRejectedText(), kind: 'rejected' }, ...failed.replies],
      reason: event.amountMinor !== ended.amountMinor ? 'amount_mismatch' : 'merchant_mismatch',
    });
  }
  return decision('rejected', { replies: [{ to: event.device, text: deviceRejectedText(), kind: 'rejected' }], reason: 'code_unknown' });
}

function onExpire(view: SubscriberView, paymentId: string, ctx: DecideContext): Decision {
  const payment = view.open.find((p) => p.id === paymentId);
  if (!payment || isTerminal(payment.state)) return decision('noop');
  if (ctx.now < payment.expiresAt - EXPIRY_EARLY_TOLERANCE_MS) {
    // Fired too early (clock skew between workers): try again at the real deadline.
    return decision('noop', { expiries: [{ paymentId, at: payment.expiresAt }] });
  }
  const expired = transition(payment, 'expired', 'window_elapsed', ctx.now);
  const amount = toMoney(payment.amountMinor, ctx.currency, ctx.minorDigits);
  const text = expiredText(amount, payment.merchant, payment.id);
  const replies: Reply[] = [{ to: view.msisdn, text, kind: 'expired' }];
  if (payment.state === 'awaiting_request' && payment.device) replies.push({ to: payment.device, text, kind: 'expired' });
  return decision('expired', {
    payments: [expired],
    replies,
    codesReleased: payment.code ? [payment.code] : [],
    reason: 'window_elapsed',
  });
}

function onCancel(view: SubscriberView, code: string | undefined, ctx: DecideContext): Decision {
  if (view.locked) return lockedRefusal([view.msisdn]);
  const target =
    code !== undefined
      ? view.open.find((p) => p.state === 'awaiting_device' && p.code === code)
      : (newest(view, 'awaiting_device') ?? newest(view, 'awaiting_request'));
  if (!target) return decision('noop', { replies: [{ to: view.msisdn, text: noPendingPaymentText(), kind: 'no_pending_payment' }] });
  const cancelled = transition(target, 'cancelled', 'cancelled_by_subscriber', ctx.now);
  const amount = toMoney(target.amountMinor, ctx.currency, ctx.minorDigits);
  return decision('cancelled', {
    payments: [cancelled],
    replies: [{ to: view.msisdn, text: cancelledText(amount, target.merchant, target.id), kind: 'cancelled' }],
    codesReleased: target.code ? [target.code] : [],
    reason: 'cancelled_by_subscriber',
  });
}

// ---- lookups and shared refusals ----

/**
 * The shell dedupes MOs by id; this is the second line: a half already attached to an open payment, or a
 * retried job whose deterministic payment id already exists, changes nothing.
 */
function alreadyApplied(view: SubscriberView, moId: string, ctx: DecideContext): boolean {
  return view.open.some((p) => p.requestMoId === moId || p.deviceMoId === moId || p.id === ctx.newPaymentId);
}

function activeDevice(view: SubscriberView, msisdn: string): Device | undefined {
  return view.devices.find((d) => d.msisdn === msisdn && d.active);
}

function isActiveDevice(view: SubscriberView, msisdn: string | undefined): boolean {
  return msisdn !== undefined && activeDevice(view, msisdn) !== undefined;
}

/** Enrolled with an IMSI, and this MO carries none (or none readable), under the refuse policy. */
function imsiMissing(enrolled: string | undefined, reported: string | undefined, ctx: DecideContext): boolean {
  return enrolled !== undefined && reported === undefined && ctx.missingImsiPolicy === 'refuse';
}

function simUnconfirmed(to: string, reason: 'imsi_missing' | 'sim_swap_check_unavailable'): Decision {
  return decision('refused', { replies: [{ to, text: simUnconfirmedText(), kind: 'sim_unconfirmed' }], reason });
}

/** Only when both are known: many SMSCs do not report the IMSI at all. */
function imsiDiffers(enrolled: string | undefined, reported: string | undefined): boolean {
  return enrolled !== undefined && reported !== undefined && enrolled !== reported;
}

/** Open payments in `state` with this amount and merchant whose window is still open, oldest first. */
function oldestMatching(view: SubscriberView, state: PaymentState, amountMinor: number, merchant: string, now: number): Payment[] {
  return view.open
    .filter((p) => p.state === state && p.amountMinor === amountMinor && p.merchant === merchant && now <= p.expiresAt)
    .sort((a, b) => a.createdAt - b.createdAt);
}

function newest(view: SubscriberView, state: PaymentState): Payment | undefined {
  let found: Payment | undefined;
  for (const p of view.open) if (p.state === state && (!found || p.createdAt >= found.createdAt)) found = p;
  return found;
}

function lockedRefusal(to: string[]): Decision {
  return decision('locked', { replies: to.map((t) => ({ to: t, text: lockedText(), kind: 'locked' as const })), reason: 'subscriber_locked' });
}

/** README "Security", "SIM swap": a different IMSI than enrolled is a suspected SIM swap — refuse and lock until an operator clears it. */
function simSwapLock(to: string[]): Decision {
  return decision('locked', {
    subscriber: { locked: true, lockReason: 'sim_swap' },
    replies: to.map((t) => ({ to: t, text: lockedText(), kind: 'locked' as const })),
    reason: 'sim_swap',
  });
}
