import { localDate } from './view';
import type { Reply } from './decision';
import { formatAmount, type Money } from './money';
import type { Payment, PaymentState } from './payment';
import { balanceText } from './replies';
import { isGsm7BasicChar } from '../text/gsm7';

// What the USSD menu (ussd.ts) shows: every screen's text, fitted to one USSD screen, and how a
// payment step's replies travel when the request came over USSD. Pure: no I/O, no clock.

/** A USSD screen is at most 182 characters of the GSM 03.38 alphabet (3GPP TS 23.038, packed into 160 octets). */
export const USSD_MAX_SCREEN = 182;

export interface UssdScreen {
  text: string;
  /** true: ends the session; false: expects an answer (on the wire: smpp/ussd.ts, `screenOp`). */
  final: boolean;
}

/** What the screens need to know of the service. */
export interface ScreenContext {
  /** The service code as dialled, e.g. "*778#". */
  serviceCode: string;
  currency: string;
  minorDigits: number;
  /** IANA zone the history shows its days in (the operator's); UTC when not given. */
  timeZone?: string;
}

export function menuText(): string {
  return 'Mobile payments\n1 Pay\n2 Balance\n3 Last payments\n0 Exit';
}

export function amountPrompt(ctx: ScreenContext): string {
  return `Amount to pay (${ctx.currency}):`;
}

export function merchantPrompt(amountMinor: number, ctx: ScreenContext): string {
  return `Pay ${formatAmount(amountMinor, ctx.minorDigits)} ${ctx.currency} to:\nEnter the merchant code`;
}

export function sessionEndedText(ctx: Pick<ScreenContext, 'serviceCode'>): string {
  return `Session ended. Dial ${ctx.serviceCode} to start again.`;
}

export function badDialText(ctx: ScreenContext): string {
  return `Invalid request. Dial ${ctx.serviceCode} for the menu, or ${ctx.serviceCode.slice(0, -1)}*amount*merchant# to pay.`;
}

export function otherCodeText(ctx: ScreenContext): string {
  return `Unknown service code. Dial ${ctx.serviceCode} for payments.`;
}

export function ussdBalanceScreen(balance: Money): UssdScreen {
  return final(balanceText(balance));
}

const STATE_WORD: Record<PaymentState, string> = {
  awaiting_device: 'pending',
  awaiting_request: 'pending',
  completed: 'paid',
  rejected: 'rejected',
  expired: 'expired',
  declined: 'declined',
  cancelled: 'cancelled',
};

/** Newest first, one line each ("05/03 12.50 SHOP42 paid"), as many as fit on one screen. */
export function ussdLastPaymentsScreen(payments: readonly Payment[], ctx: Pick<ScreenContext, 'minorDigits' | 'timeZone'>): UssdScreen {
  if (payments.length === 0) return final('No payments yet.');
  let text = 'Last payments:';
  for (const p of payments) {
    const day = localDate(p.createdAt, ctx.timeZone ?? 'UTC'); // YYYY-MM-DD, the subscriber's day
    const line = `\n${day.slice(8, 10)}/${day.slice(5, 7)} ${formatAmount(p.amountMinor, ctx.minorDigits)} ${p.merchant} ${STATE_WORD[p.state]}`;
    if (text.length + line.length > USSD_MAX_SCREEN) break;
    text += line;
  }
  return final(text);
}

/** Shown when a payment step produced no answer for the main SIM (nothing changed). */
export function ussdPaymentUnavailableScreen(ctx: Pick<ScreenContext, 'serviceCode'>): UssdScreen {
  return final(`Your request could not be completed. Dial ${ctx.serviceCode} to try again.`);
}

/** Kinds that are receipts the subscriber keeps: sent by SMS as well as shown on the USSD screen. */
const RECEIPT_KINDS: ReadonlySet<string> = new Set<Reply['kind']>(['paid']);

/**
 * How a payment step's replies travel when the main SIM's request came over USSD: the first reply to
 * the main SIM (the code, or a decline, lock, or "Paid" when a waiting device half matched at once)
 * is the session's final screen instead of an SMS; a receipt goes by SMS as well; every other reply
 * (to the device) goes by SMS as usual.
 */
export function routeUssdReplies<R extends Pick<Reply, 'to' | 'text'> & { kind: string }>(
  replies: readonly R[],
  main: string,
): { screen: (UssdScreen & { kind: R['kind'] }) | null; sms: R[] } {
  const index = replies.findIndex((r) => r.to === main);
  if (index < 0) return { screen: null, sms: [...replies] };
  const chosen = replies[index];
  return {
    screen: { ...final(chosen.text), kind: chosen.kind },
    sms: replies.filter((r, i) => i !== index || RECEIPT_KINDS.has(r.kind)),
  };
}

export function ask(text: string): UssdScreen {
  return { text: fitScreen(text), final: false };
}

export function final(text: string): UssdScreen {
  return { text: fitScreen(text), final: true };
}

/** Keeps a screen inside the GSM 03.38 basic alphabet and 182 characters (long texts end with "..."). */
export function fitScreen(text: string): string {
  const gsm = Array.from(text, (ch) => (isGsm7BasicChar(ch) ? ch : '?')).join('');
  return gsm.length <= USSD_MAX_SCREEN ? gsm : `${gsm.slice(0, USSD_MAX_SCREEN - 3)}...`;
}
