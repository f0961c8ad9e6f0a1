import { parsePhoneNumberFromString } from 'libphonenumber-js';

// Identity is the sender address the network reports (README "Security"), normalised to E.164 digits without
// "+" so that one SIM has exactly one spelling in keys, logs and the API.

export type SmppIdentity =
  | { ok: true; msisdn: string }
  | { ok: false; reason: 'empty' | 'alphanumeric' | 'invalid' | 'imsi_address' };

/** SMPP type of number values used here (SMPP 3.4 §5.2.5). */
export const TON = { unknown: 0, international: 1, national: 2, subscriber: 4, alphanumeric: 5 } as const;
/** SMPP numbering plan indicator for E.212 (land mobile, i.e. IMSI). */
export const NPI_LAND_MOBILE = 6;

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
 * Some SMSCs put the IMSI in source_addr, marked NPI 6 (E.212 land mobile); that is not an MSISDN.
 * TON 4 alone is not such a mark: SMPP 3.4 §5.2.5 defines it as "subscriber number" (a number
 * without its national destination code, here read like a national one).
 */
export function isImsiAddress(_ton: number, npi: number): boolean {
  return npi === NPI_LAND_MOBILE;
}

/**
 * The sender identity from a deliver_sm source_addr. TON 1 international, TON 2 national, TON 0 by
 * heuristic (leading "+", or starts with the calling code and has ≥ 11 digits → international),
 * TON 4 subscriber number like national, TON 5 alphanumeric senders cannot pay, IMSI-style addresses
 * (NPI 6) are reported separately so the caller can
 * use them as the IMSI (README "Security"). Other TONs (network-specific, abbreviated) are invalid.
 */
export function identityFromSmppAddress(addr: string, ton: number, npi: number, countryCode: string): SmppIdentity {
  const text = addr.trim();
  if (text === '') return { ok: false, reason: 'empty' };
  if (ton === TON.alphanumeric) return { ok: false, reason: 'alphanumeric' };
  if (isImsiAddress(ton, npi)) return { ok: false, reason: 'imsi_address' };
  const compact = text.replace(SEPARATORS, '');
  if (/[A-Za-z]/.test(compact)) return { ok: false, reason: ton === TON.unknown ? 'alphanumeric' : 'invalid' };
  let msisdn: string | null = null;
  if (ton === TON.international) msisdn = normaliseMsisdn(`+${compact.replace(/^(\+|00)/, '')}`, countryCode);
  else if (ton === TON.national || ton === TON.subscriber) msisdn = normaliseNational(compact, countryCode);
  else if (ton === TON.unknown) {
    const looksInternational =
      compact.startsWith('+') || compact.startsWith('00') || (compact.startsWith(countryCode) && compact.length >= 11);
    msisdn = looksInternational
      ? normaliseMsisdn(`+${compact.replace(/^(\+|00)/, '')}`, countryCode)
      : normaliseNational(compact, countryCode);
  }
  return msisdn === null ? { ok: false, reason: 'invalid' } : { ok: true, msisdn };
}

/** TON 2 says "national" explicitly, so the calling code is always prepended (after a trunk 0). */
function normaliseNational(digits: string, countryCode: string): string | null {
  if (!/^[0-9]+$/.test(digits)) return null;
  return normaliseMsisdn(`+${countryCode}${digits.replace(/^0/, '')}`, countryCode);
}

/** `254700000001` → `2547****0001`, for logs. Short numbers keep less so they stay mostly hidden. */
export function maskMsisdn(msisdn: string): string {
  const keep = msisdn.length >= 12 ? 4 : Math.floor(msisdn.length / 4);
  if (keep === 0) return '*'.repeat(msisdn.length);
  return msisdn.slice(0, keep) + '*'.repeat(msisdn.length - 2 * keep) + msisdn.slice(-keep);
}
