// Money is integer minor units (cents) everywhere inside simpair; decimal text exists only at the
// edges (SMS, API). Only safe integers are used so that no arithmetic ever rounds.

export type AmountParse =
  | { ok: true; minor: number }
  | { ok: false; reason: 'format' | 'zero' | 'too_many_decimals' | 'too_large' };

export interface Money {
  amount: string;
  currency: string;
}

const DECIMAL = /^([0-9]+)(?:\.([0-9]+))?$/;

/**
 * Reads a positive decimal amount such as "12.50". Deliberately narrow: plain ASCII digits with an
 * optional dot and 1..minorDigits decimals. Signs, exponents, hex, commas, bare dots, spaces and
 * unicode digits are refused, because every lenient form is a way to pay an amount the user did not
 * type. `maxMinor` is a sanity bound (e.g. the payment limit or MAX_SAFE_INTEGER).
 */
export function parseAmount(text: string, minorDigits: number, maxMinor: number): AmountParse {
  const m = DECIMAL.exec(text);
  if (!m) return { ok: false, reason: 'format' };
  const [, whole, fraction] = m;
  if (fraction !== undefined && fraction.length > minorDigits) return { ok: false, reason: 'too_many_decimals' };
  // Count significant digits before converting so a 40-digit number cannot lose precision.
  const significant = whole.replace(/^0+/, '');
  if (significant.length + minorDigits > 16) return { ok: false, reason: 'too_large' };
  const minor = Number(whole) * 10 ** minorDigits + Number((fraction ?? '').padEnd(minorDigits, '0') || '0');
  if (!Number.isSafeInteger(minor) || minor > maxMinor) return { ok: false, reason: 'too_large' };
  if (minor === 0) return { ok: false, reason: 'zero' };
  return { ok: true, minor };
}

/** 1250 with 2 digits → "12.50"; 12 with 0 digits → "12". Negative values keep their sign (reports only). */
export function formatAmount(minor: number, minorDigits: number): string {
  if (!Number.isSafeInteger(minor)) throw new RangeError(`amount is not a safe integer: ${minor}`);
  const sign = minor < 0 ? '-' : '';
  const abs = String(Math.abs(minor));
  if (minorDigits === 0) return sign + abs;
  const padded = abs.padStart(minorDigits + 1, '0');
  return `${sign}${padded.slice(0, -minorDigits)}.${padded.slice(-minorDigits)}`;
}

/** The API's money shape: {"amount": "12.50", "currency": "KES"}. */
export function toMoney(minor: number, currency: string, minorDigits: number): Money {
  return { amount: formatAmount(minor, minorDigits), currency };
}
