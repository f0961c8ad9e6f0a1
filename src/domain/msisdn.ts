import { parsePhoneNumberFromString } from 'libphonenumber-js';

// E.164 normalisation: one SIM has exactly one spelling (digits without "+") in keys, logs and the
// API. How an SMPP address is read (TON, NPI) is the SMPP edge's business (smpp/address.ts).

// E.164 allows at most 15 digits; 8 is the shortest length we accept when libphonenumber has no
// metadata for the calling code (test networks, new ranges).
const MIN_DIGITS = 8;
const MAX_DIGITS = 15;
const SEPARATORS = /[\s\-.()]/g;

/**
 * `+254712345678`, `254712345678`, `0712345678`, `712345678` (national, with the configured calling
 * code) → `254712345678`; null for anything that is not a possible number. Only `isPossible()` (length)
 * is required, not `isValid()`, because carrier test ranges are often outside the published plan.
 */
export function normaliseMsisdn(input: string, countryCode: string): string | null {
  const compact = input.replace(SEPARATORS, '');
  const m = /^(\+|00)?([0-9]+)$/.exec(compact);
  if (!m) return null;
  const international = m[1] !== undefined;
  const digits = m[2];
  const decided = viaLibphonenumber(international ? `+${digits}` : digits, countryCode, international);
  if (decided !== undefined) return decided;
  return international ? byLength(digits) : byLength(nationalToInternational(digits, countryCode));
}

/** string = accepted, null = impossible number, undefined = libphonenumber has no opinion. */
function viaLibphonenumber(text: string, countryCode: string, international: boolean): string | null | undefined {
  try {
    const parsed = international
      ? parsePhoneNumberFromString(text)
      : parsePhoneNumberFromString(text, { defaultCallingCode: countryCode });
    if (!parsed) return undefined;
    if (!parsed.isPossible()) return null;
    return byLength(parsed.number.slice(1));
  } catch {
    // It throws for calling codes it has no metadata for: fall back to the length rule.
    return undefined;
  }
}

function byLength(digits: string): string | null {
  return /^[1-9][0-9]*$/.test(digits) && digits.length >= MIN_DIGITS && digits.length <= MAX_DIGITS ? digits : null;
}

/** A national number: drop one trunk "0", prepend the calling code — unless it already starts with it. */
function nationalToInternational(digits: string, countryCode: string): string {
  if (digits.startsWith(countryCode) && digits.length >= 11) return digits;
  return countryCode + digits.replace(/^0/, '');
}

/**
 * A number the network marked national (SMPP TON 2 or 4, read by smpp/address.ts): the calling code
 * is always prepended (after a trunk 0).
 */
export function normaliseNational(digits: string, countryCode: string): string | null {
  if (!/^[0-9]+$/.test(digits)) return null;
  return normaliseMsisdn(`+${countryCode}${digits.replace(/^0/, '')}`, countryCode);
}

/** `254700000001` → `2547****0001`, for logs. Short numbers keep less so they stay mostly hidden. */
export function maskMsisdn(msisdn: string): string {
  const keep = msisdn.length >= 12 ? 4 : Math.floor(msisdn.length / 4);
  if (keep === 0) return '*'.repeat(msisdn.length);
  return msisdn.slice(0, keep) + '*'.repeat(msisdn.length - 2 * keep) + msisdn.slice(-keep);
}
