import { isMerchantCode } from './grammar';
import { parseAmount, type AmountParse } from './money';
import { amountPrompt, ask, badDialText, final, menuText, merchantPrompt, otherCodeText, sessionEndedText, type ScreenContext, type UssdScreen } from './ussd-screens';

// The screens (texts, their 182-character GSM fit, how a step's replies travel over USSD) are in
// ussd-screens.ts; callers import them from here as well, as before.
export {
  fitScreen,
  menuText,
  routeUssdReplies,
  sessionEndedText,
  USSD_MAX_SCREEN,
  ussdBalanceScreen,
  ussdLastPaymentsScreen,
  ussdPaymentUnavailableScreen,
  type ScreenContext,
  type UssdScreen,
} from './ussd-screens';

// The USSD menu as a pure state machine (README "USSD"): one session and one user input in, the
// next session, the screen to show and at most one action out. No I/O and no clock: the shell keeps
// the session in Redis with a TTL, runs the action (payment step, balance, last payments) and turns
// its result into the final screen with the pure screen builders of ussd-screens.ts.
//
//   dial *778#               → menu:     1 Pay, 2 Balance, 3 Last payments, 0 Exit
//   menu "1"                 → amount    → merchant → action pay (final screen = the code)
//   menu "2" / "3"           → action balance / last_payments (final screen)
//   menu "0"                 → final "Goodbye."
//   dial *778*12.50*SHOP42#  → action pay at once (one-shot); *778*2# etc. choose a menu entry
//   an invalid answer re-asks with a short hint; the third one ends the session.

/** The session ends at the third invalid answer. */
export const USSD_MAX_INVALID = 3;

export type UssdInput = { kind: 'dial'; text: string } | { kind: 'answer'; text: string } | { kind: 'abort' };

export type UssdSession =
  | { stage: 'menu'; invalid: number }
  | { stage: 'amount'; invalid: number }
  | { stage: 'merchant'; invalid: number; amountMinor: number };

export type UssdAction =
  | { kind: 'pay'; amountMinor: number; merchant: string }
  | { kind: 'balance' }
  | { kind: 'last_payments' };

export type UssdOutcome =
  | 'menu' // a session opened on the menu
  | 'prompt' // moved on to the next question
  | 'reasked' // invalid answer, asked again with a hint
  | 'too_many_invalid'
  | 'exit'
  | 'pay'
  | 'balance'
  | 'last_payments'
  | 'bad_dial' // malformed one-shot string or another service code: final hint
  | 'aborted' // the user ended an open session
  | 'session_ended' // an answer to an unknown or expired session: final notice, nothing changes
  | 'abort_unknown'; // the user ended a session we no longer have: nothing to do

export interface UssdStep {
  /** The session after this input; null when the session is over (or never existed). */
  session: UssdSession | null;
  /** What to show now. Absent when the action's result is the final screen, and on abort (no reply). */
  screen?: UssdScreen;
  action?: UssdAction;
  outcome: UssdOutcome;
}

export interface UssdContext extends ScreenContext {
  /** Sanity bound for amounts (the payment limit is the decision's business, not the menu's). */
  maxAmountMinor: number;
}

export function ussdStep(session: UssdSession | null, input: UssdInput, ctx: UssdContext): UssdStep {
  switch (input.kind) {
    case 'dial':
      return onDial(input.text, ctx);
    case 'abort':
      return { session: null, outcome: session ? 'aborted' : 'abort_unknown' };
    case 'answer':
      return session ? onAnswer(session, input.text, ctx) : { session: null, screen: final(sessionEndedText(ctx)), outcome: 'session_ended' };
  }
}

// ---- dialling ----

export type DialParse = { ok: true; params: string[] } | { ok: false; reason: 'format' | 'other_code' };

const DIAL = /^\*([0-9]+)((?:\*[^*#]*)*)#$/;

/** "*778*12.50*SHOP42#" with service code "*778#" → params ["12.50", "SHOP42"]. Spaces are ignored. */
export function parseDial(text: string, serviceCode: string): DialParse {
  const m = DIAL.exec(text.replace(/\s+/g, ''));
  if (!m) return { ok: false, reason: 'format' };
  if (`*${m[1]}#` !== serviceCode) return { ok: false, reason: 'other_code' };
  const params = m[2] === '' ? [] : m[2].slice(1).split('*');
  return params.some((p) => p === '') ? { ok: false, reason: 'format' } : { ok: true, params };
}

function onDial(text: string, ctx: UssdContext): UssdStep {
  const dial = parseDial(text, ctx.serviceCode);
  const bad: UssdStep = { session: null, screen: final(dial.ok || dial.reason === 'format' ? badDialText(ctx) : otherCodeText(ctx)), outcome: 'bad_dial' };
  if (!dial.ok) return bad;
  const { params } = dial;
  if (params.length === 0) return { session: { stage: 'menu', invalid: 0 }, screen: ask(menuText()), outcome: 'menu' };
  if (params.length === 1) {
    // *778*2#: a menu entry chosen in the dial string; an invalid one is not worth a session.
    const chosen = onMenu({ stage: 'menu', invalid: 0 }, params[0], ctx);
    return chosen.outcome === 'reasked' ? bad : chosen;
  }
  if (params.length === 2) {
    // *778*12.50*SHOP42#: the one-shot payment, validated exactly like the menu's answers.
    const amount = readAmount(params[0], ctx);
    const merchant = params[1].toUpperCase();
    if (!amount.ok || !isMerchantCode(merchant)) return bad;
    return { session: null, action: { kind: 'pay', amountMinor: amount.minor, merchant }, outcome: 'pay' };
  }
  return bad;
}

// ---- answers ----

function onAnswer(session: UssdSession, text: string, ctx: UssdContext): UssdStep {
  switch (session.stage) {
    case 'menu':
      return onMenu(session, text, ctx);
    case 'amount': {
      const amount = readAmount(text, ctx);
      if (!amount.ok) return invalid(session, AMOUNT_HINT[amount.reason](ctx), amountPrompt(ctx), ctx);
      return { session: { stage: 'merchant', invalid: session.invalid, amountMinor: amount.minor }, screen: ask(merchantPrompt(amount.minor, ctx)), outcome: 'prompt' };
    }
    case 'merchant': {
      const merchant = text.trim().toUpperCase();
      if (!isMerchantCode(merchant)) return invalid(session, 'Invalid merchant code: 2-20 letters or digits.', merchantPrompt(session.amountMinor, ctx), ctx);
      return { session: null, action: { kind: 'pay', amountMinor: session.amountMinor, merchant }, outcome: 'pay' };
    }
  }
}

function onMenu(session: UssdSession, text: string, ctx: UssdContext): UssdStep {
  switch (text.trim()) {
    case '1':
      return { session: { stage: 'amount', invalid: session.invalid }, screen: ask(amountPrompt(ctx)), outcome: 'prompt' };
    case '2':
      return { session: null, action: { kind: 'balance' }, outcome: 'balance' };
    case '3':
      return { session: null, action: { kind: 'last_payments' }, outcome: 'last_payments' };
    case '0':
      return { session: null, screen: final('Goodbye.'), outcome: 'exit' };
    default:
      return invalid(session, 'Invalid choice. Reply 1, 2, 3 or 0.', menuText(), ctx);
  }
}

function invalid(session: UssdSession, hint: string, prompt: string, ctx: UssdContext): UssdStep {
  const count = session.invalid + 1;
  if (count >= USSD_MAX_INVALID) return { session: null, screen: final(`Too many invalid answers. Dial ${ctx.serviceCode} to start again.`), outcome: 'too_many_invalid' };
  return { session: { ...session, invalid: count }, screen: ask(`${hint}\n${prompt}`), outcome: 'reasked' };
}

function readAmount(text: string, ctx: UssdContext): AmountParse {
  return parseAmount(text.trim(), ctx.minorDigits, ctx.maxAmountMinor);
}

const AMOUNT_HINT: Record<Extract<AmountParse, { ok: false }>['reason'], (ctx: UssdContext) => string> = {
  format: (ctx) => `Invalid amount. Use digits${ctx.minorDigits > 0 ? `, e.g. 12.${'5'.padEnd(ctx.minorDigits, '0')}` : ''}.`,
  zero: () => 'The amount must be more than 0.',
  too_many_decimals: (ctx) => `Invalid amount: at most ${ctx.minorDigits} decimals.`,
  too_large: () => 'Amount too large.',
};

