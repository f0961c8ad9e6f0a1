import { isCode } from './code';
import { isPaymentId } from './ids';
import { MAX_COUNTER_DIGITS } from './device-mac';
import { parseAmount } from './money';

// The SMS command language (README "What it does"): PAY <amount> <merchant> [<code>], BAL, CANCEL [<code>], HELP,
// and CHECK <payment id> from a merchant's phone. A MAC device ends its PAY with `<counter>:<mac>`
// (device-mac.ts); whether the MAC is right is the decision's business, not the grammar's.
// Parsing never throws: anything outside this narrow grammar is `invalid` with a reason for metrics,
// and the shell answers it with the help text.

export type Command =
  | { kind: 'pay'; amountMinor: number; merchant: string; code?: string; auth?: DeviceAuth }
  | { kind: 'balance' }
  | { kind: 'cancel'; code?: string }
  | { kind: 'help' }
  /** A merchant's phone verifying a payment at the till. */
  | { kind: 'check'; paymentId: string }
  | { kind: 'invalid'; reason: InvalidReason };

/** The `<counter>:<mac>` token of a MAC device's payment message, as sent. */
export interface DeviceAuth {
  counter: number;
  mac: string;
}

export type InvalidReason =
  | 'empty'
  | 'too_long'
  | 'control_character'
  | 'non_ascii'
  | 'unknown_command'
  | 'arguments'
  | 'amount_format'
  | 'amount_zero'
  | 'amount_too_many_decimals'
  | 'amount_too_large'
  | 'merchant'
  | 'code'
  | 'device_auth'
  | 'payment_id';

export interface GrammarOptions {
  minorDigits: number;
  maxMinor: number;
}

/** Longer than three concatenated SMS parts is not a command a person typed. */
export const MAX_COMMAND_LENGTH = 480;
const MERCHANT = /^[A-Z0-9]{2,20}$/;
/** The merchant-code rule (upper-case letters and digits, 2-20), shared with the USSD menu. */
export function isMerchantCode(text: string): boolean {
  return MERCHANT.test(text);
}
// Tab, LF, CR count as spaces; every other C0/C1 control character or DEL makes the text invalid.
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/;
const NON_ASCII = /[^\u0000-\u007F]/;

export function parseCommand(text: string, opts: GrammarOptions): Command {
  if (typeof text !== 'string') return invalid('empty');
  if (text.length > MAX_COMMAND_LENGTH) return invalid('too_long');
  if (CONTROL.test(text)) return invalid('control_character');
  if (NON_ASCII.test(text)) return invalid('non_ascii');
  const tokens = text.toUpperCase().split(/[ \t\r\n]+/).filter((t) => t !== '');
  if (tokens.length === 0) return invalid('empty');
  const [verb, ...args] = tokens;
  switch (verb) {
    case 'PAY':
      return parsePay(args, opts);
    case 'BAL':
    case 'BALANCE':
      return args.length === 0 ? { kind: 'balance' } : invalid('arguments');
    case 'HELP':
    case '?':
      return args.length === 0 ? { kind: 'help' } : invalid('arguments');
    case 'CANCEL':
      if (args.length === 0) return { kind: 'cancel' };
      if (args.length > 1) return invalid('arguments');
      return isCode(args[0]) ? { kind: 'cancel', code: args[0] } : invalid('code');
    case 'CHECK':
      if (args.length !== 1) return invalid('arguments');
      return isPaymentId(args[0]) ? { kind: 'check', paymentId: args[0] } : invalid('payment_id');
    default:
      return invalid('unknown_command');
  }
}

// Any length of MAC is read (a wrong one is refused by the decision, and counts against the device).
const AUTH_TOKEN = new RegExp(`^([0-9]{1,${MAX_COUNTER_DIGITS}}):([A-Z0-9]{1,32})$`);

function parsePay(args: string[], opts: GrammarOptions): Command {
  const last = args[args.length - 1];
  const authText = last !== undefined && last.includes(':') ? last : undefined;
  const rest = authText === undefined ? args : args.slice(0, -1);
  if (rest.length < 2 || rest.length > 3) return invalid('arguments');
  const [amountText, merchant, code] = rest;
  const amount = parseAmount(amountText, opts.minorDigits, opts.maxMinor);
  if (!amount.ok) return invalid(AMOUNT_REASON[amount.reason]);
  if (!isMerchantCode(merchant)) return invalid('merchant');
  if (code !== undefined && !isCode(code)) return invalid('code');
  let auth: DeviceAuth | undefined;
  if (authText !== undefined) {
    const m = AUTH_TOKEN.exec(authText);
    if (!m) return invalid('device_auth');
    auth = { counter: Number(m[1]), mac: m[2] };
  }
  return { kind: 'pay', amountMinor: amount.minor, merchant, ...(code !== undefined ? { code } : {}), ...(auth ? { auth } : {}) };
}

const AMOUNT_REASON = {
  format: 'amount_format',
  zero: 'amount_zero',
  too_many_decimals: 'amount_too_many_decimals',
  too_large: 'amount_too_large',
} as const satisfies Record<string, InvalidReason>;

function invalid(reason: InvalidReason): Command {
  return { kind: 'invalid', reason };
}
