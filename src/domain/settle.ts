import { decision, type Decision, type Reply } from './decision';
import { toMoney } from './money';
import { transition, type Payment } from './payment';
import { declinedText, deviceConfirmedText, lockedText, paidText, type DeclineWhy } from './replies';
import { localDate, type SubscriberView } from './view';

// The two outcomes of a matched pair — completed (money moves) or declined (not payable) — and the
// failed-authentication counter. Shared by both arrival orders so they cannot drift apart.

export interface SettleContext {
  now: number;
  maxPaymentMinor: number;
  dailyMaxMinor: number;
  maxFailedAuth: number;
  /** Failed authentications older than this no longer count toward the lockout. */
  failedAuthDecayMs: number;
  merchantExists: boolean;
  merchantName?: string;
  /** IANA zone whose calendar day the daily limit counts. */
  timeZone: string;
  currency: string;
  minorDigits: number;
}

/** The half that arrives now and completes the pair. */
export type SecondHalf = Partial<Pick<Payment, 'device' | 'deviceMoId' | 'requestMoId' | 'channel'>>;

/** The first limit the payment breaks, checked in the order a person would fix them. */
function declineReason(view: SubscriberView, amountMinor: number, spentToday: number, ctx: SettleContext): DeclineWhy | null {
  if (!ctx.merchantExists) return 'unknown_merchant';
  if (amountMinor > ctx.maxPaymentMinor) return 'over_payment_limit';
  if (view.balanceMinor < amountMinor) return 'insufficient_funds';
  if (spentToday + amountMinor > ctx.dailyMaxMinor) return 'over_daily_limit';
  return null;
}

/** Both halves are present and authenticated: complete the payment or decline it. */
export function settle(view: SubscriberView, pending: Payment, second: SecondHalf, ctx: SettleContext): Decision {
  const { now } = ctx;
  const today = localDate(now, ctx.timeZone);
  const spentToday = view.dailyDate === today ? view.dailySpentMinor : 0;
  const amount = toMoney(pending.amountMinor, ctx.currency, ctx.minorDigits);
  const device = second.device ?? pending.device;
  const codesReleased = pending.code ? [pending.code] : [];
  const why = declineReason(view, pending.amountMinor, spentToday, ctx);

  if (why) {
    const declined = transition(pending, 'declined', why, now, second);
    const text = declinedText(amount, pending.merchant, why, pending.id);
    const replies: Reply[] = [{ to: view.msisdn, text, kind: 'declined' }];
    if (device) replies.push({ to: device, text, kind: 'declined' });
    return decision('declined', { payments: [declined], replies, codesReleased, reason: why });
  }

  const balanceMinor = view.balanceMinor - pending.amountMinor;
  const completed = transition(pending, 'completed', 'matched', now, { ...second, completedAt: now });
  const replies: Reply[] = [
    {
      to: view.msisdn,
      text: paidText(amount, pending.merchant, ctx.merchantName, pending.id, toMoney(balanceMinor, ctx.currency, ctx.minorDigits)),
      kind: 'paid',
    },
  ];
  if (device) replies.push({ to: device, text: deviceConfirmedText(amount, pending.merchant, pending.id), kind: 'device_confirmed' });
  return decision('completed', {
    payments: [completed],
    // Both factors were just proven, so the failed-authentication streak ends.
    subscriber: { balanceMinor, dailySpentMinor: spentToday + pending.amountMinor, dailyDate: today, failedAuth: 0 },
    transfer: { id: pending.id, fromMsisdn: view.msisdn, toMerchant: pending.merchant, amountMinor: pending.amountMinor },
    replies,
    codesReleased,
    reason: 'matched',
  });
}

/**
 * One more failed authentication of the owner (her own device with a wrong amount or merchant for
 * her code); a streak older than failedAuthDecayMs starts again. At the limit the main SIM is locked.
 */
export function countFailedAuth(view: SubscriberView, ctx: Pick<SettleContext, 'maxFailedAuth' | 'failedAuthDecayMs' | 'now'>): Pick<Decision, 'subscriber' | 'replies'> {
  const stale = view.failedAuthAt !== undefined && ctx.now - view.failedAuthAt > ctx.failedAuthDecayMs;
  const failedAuth = (stale ? 0 : view.failedAuth) + 1;
  if (failedAuth < ctx.maxFailedAuth) return { subscriber: { failedAuth, failedAuthAt: ctx.now }, replies: [] };
  return {
    subscriber: { failedAuth, failedAuthAt: ctx.now, locked: true, lockReason: 'failed_auth' },
    replies: [{ to: view.msisdn, text: lockedText(), kind: 'locked' }],
  };
}
