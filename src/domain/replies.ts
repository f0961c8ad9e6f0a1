import { isGsm7BasicChar } from '../text/gsm7';
import type { Money } from './money';

// Every SMS text simpair sends, in one place. Rules: GSM 03.38 basic characters only (so data_coding 0,
// 160 characters per part), one part where possible, and the words people and scripts look for
// (issue 3): "Paid", "code XXXXXX", "rejected", "expired", "declined", "locked", "cancelled".
// A rejection never says which factor failed (amount, merchant or device) — that would help an attacker.

export type ReplyKind =
  | 'code_issued'
  | 'paid'
  | 'device_confirmed'
  | 'device_waiting'
  | 'rejected'
  | 'expired'
  | 'declined'
  | 'locked'
  | 'cancelled'
  | 'no_pending_payment'
  | 'code_required'
  | 'not_linked'
  | 'help'
  | 'balance'
  | 'not_registered'
  | 'foreign_attempt'
  | 'late_confirmation'
  | 'sim_unconfirmed'
  | 'too_many_attempts'
  | 'device_refused'
  | 'device_alert'
  | 'device_suspended'
  | 'refund'
  | 'merchant_notice'
  | 'check';

export type DeclineWhy = 'insufficient_funds' | 'over_payment_limit' | 'over_daily_limit' | 'unknown_merchant';

export const SMS_SINGLE_PART = 160;

/** Every character is in the GSM 03.38 basic table (src/text/gsm7.ts), so the text is one septet each. */
export function isGsm7Basic(text: string): boolean {
  for (const ch of text) if (!isGsm7BasicChar(ch)) return false;
  return true;
}

/** Operator-entered text (merchant names) may hold anything: keep it short and inside GSM 03.38. */
export function gsmSafe(text: string, maxLength = 20): string {
  const safe = Array.from(text, (ch) => (isGsm7BasicChar(ch) && ch !== '\n' && ch !== '\r' ? ch : '?')).join('');
  return safe.length > maxLength ? safe.slice(0, maxLength) : safe;
}

const money = (m: Money): string => `${m.amount} ${m.currency}`;
const payee = (merchant: string, name?: string): string =>
  name && gsmSafe(name) !== merchant ? `${merchant} (${gsmSafe(name)})` : merchant;
const windowText = (seconds: number): string =>
  seconds % 60 === 0 ? `${seconds / 60} min` : `${Math.round(seconds)} s`;

export function codeIssuedText(amount: Money, merchant: string, code: string, windowSeconds: number): string {
  return `To pay, confirm ${money(amount)} to ${merchant} on your payment device: code ${code} (valid ${windowText(windowSeconds)}). Not you? Send CANCEL ${code}`;
}

export function paidText(amount: Money, merchant: string, merchantName: string | undefined, paymentId: string, balance: Money): string {
  return `Paid ${money(amount)} to ${payee(merchant, merchantName)}. Payment ${paymentId}. New balance ${money(balance)}.`;
}

export function deviceConfirmedText(amount: Money, merchant: string, paymentId: string): string {
  return `Confirmed: ${money(amount)} to ${merchant} paid. Payment ${paymentId}.`;
}

export function deviceWaitingText(amount: Money, merchant: string, windowSeconds: number): string {
  return `${money(amount)} to ${merchant} noted, waiting for the request from your phone (${windowText(windowSeconds)}).`;
}

export function rejectedText(amount: Money, merchant: string, paymentId: string): string {
  return `Payment ${paymentId} of ${money(amount)} to ${merchant} rejected. If this was not you, contact your operator.`;
}

/** To the SIM that presented the code: says nothing about the payment it named. */
/**
 * To the owner when a SIM that is not one of her devices presented her code: it says someone else
 * tried (she must know her code leaked) but not which check failed, and it is not her failure.
 */
export function foreignAttemptText(amount: Money, merchant: string, paymentId: string): string {
  return `Someone else tried to confirm your payment ${paymentId} of ${money(amount)} to ${merchant}. It was stopped and nothing was paid. Keep your codes private; send PAY again to get a new code.`;
}

/** To the owner's device confirming a payment that had already ended: no attack, nobody's failure. */
export function lateConfirmationText(amount: Money, merchant: string, paymentId: string, ended: 'expired' | 'cancelled'): string {
  return ended === 'cancelled'
    ? `Payment ${paymentId} of ${money(amount)} to ${merchant} was cancelled before your confirmation. Nothing was paid.`
    : `Payment ${paymentId} of ${money(amount)} to ${merchant} had expired before your confirmation. Nothing was paid. Ask for a new code.`;
}

/** The network could not confirm the SIM (no readable IMSI, or the SIM-swap check did not answer). */
export function simUnconfirmedText(): string {
  return 'Payment refused: the network could not confirm your SIM. Please try again later or contact your operator.';
}

/** Short on purpose: a blocked guesser learns nothing, and the reply costs little. */
export function tooManyAttemptsText(): string {
  return 'Too many attempts. Try again later.';
}

/** To a MAC device whose message was refused: brief, and never which part (MAC, PIN, counter) failed. */
export function deviceMessageRefusedText(): string {
  return 'Payment refused.';
}

/** To the owner when a payment message from her MAC device was refused (a forgery, or a wrong PIN). */
export function deviceRefusalAlertText(): string {
  return 'A payment message from your device was refused. Nothing was paid. If you did not send it, contact your operator.';
}

/** To a device an operator suspended. */
export function deviceSuspendedText(): string {
  return 'This payment device is suspended. Please contact your operator.';
}

/** To the merchant's phone: the payer masked (README "Merchants"), the payment id to match at the till. */
export function merchantPaidText(amount: Money, payerMasked: string, paymentId: string): string {
  return `Received ${money(amount)} from ${payerMasked}. Payment ${paymentId}.`;
}

export function merchantRefundedText(amount: Money, payerMasked: string, paymentId: string): string {
  return `Refunded ${money(amount)} to ${payerMasked} for payment ${paymentId}.`;
}

/** CHECK from the merchant's phone: state, amount and time of one of its payments (`refunded` only when some was). */
export function checkText(p: { id: string; state: string; amount: Money; refunded?: Money; when: string }): string {
  const refunded = p.refunded ? `, refunded ${money(p.refunded)}` : '';
  return `Payment ${p.id}: ${p.state}, ${money(p.amount)}${refunded}, ${p.when}.`;
}

/** CHECK for a payment that is not this merchant's, or none: the same answer, nothing revealed. */
export function checkUnknownText(paymentId: string): string {
  return `No payment ${paymentId} to your shop.`;
}

export function refundText(amount: Money, merchant: string, paymentId: string, balance: Money): string {
  return `Refund ${money(amount)} from ${merchant} for payment ${paymentId}. New balance ${money(balance)}.`;
}

export function deviceRejectedText(): string {
  return 'Payment rejected.';
}

export function expiredText(amount: Money, merchant: string, paymentId: string): string {
  return `Payment ${paymentId} of ${money(amount)} to ${merchant} expired: it was not confirmed in time. Nothing was paid.`;
}

const DECLINE_WHY: Record<DeclineWhy, string> = {
  insufficient_funds: 'insufficient funds',
  over_payment_limit: 'above the payment limit',
  over_daily_limit: 'above the daily limit',
  unknown_merchant: 'unknown merchant',
};

export function declinedText(amount: Money, merchant: string, why: DeclineWhy, paymentId?: string): string {
  const ref = paymentId ? ` Payment ${paymentId}.` : '';
  return `Payment of ${money(amount)} to ${merchant} declined: ${DECLINE_WHY[why]}.${ref} Nothing was paid.`;
}

export function lockedText(): string {
  return 'Your payment account is locked for your safety. Please contact your operator to unlock it.';
}

export function cancelledText(amount: Money, merchant: string, paymentId: string): string {
  return `Payment ${paymentId} of ${money(amount)} to ${merchant} cancelled. Nothing was paid.`;
}

export function noPendingPaymentText(): string {
  return 'There is no pending payment to cancel.';
}

export function codeRequiredText(): string {
  return 'Please add the code from your phone: PAY <amount> <merchant> <code>';
}

export function notLinkedText(): string {
  return 'This SIM is not linked to a payment account.';
}

export function helpText(serviceNumber?: string): string {
  const to = serviceNumber ? ` to ${serviceNumber}` : '';
  return `Send${to}: PAY <amount> <merchant> to pay, BAL for your balance, CANCEL to stop a payment, HELP for this text.`;
}

export function balanceText(balance: Money): string {
  return `Your balance is ${money(balance)}.`;
}

export function notRegisteredText(): string {
  return 'This number is not registered for payments.';
}
