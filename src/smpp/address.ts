/**
 * How to read a deliver_sm source_addr (SMPP 3.4 §5.2.5 addr_ton, §5.2.6 addr_npi). This module
 * says which digits the network gave and whether they are international or national; turning them
 * into E.164 is the domain's (domain/msisdn.ts), and jobs/sender-identity.ts puts the two together.
 */

/** SMPP type of number values used here (SMPP 3.4 §5.2.5). */
export const TON = { unknown: 0, international: 1, national: 2, subscriber: 4, alphanumeric: 5 } as const;
/** SMPP numbering plan indicator for E.212 (land mobile, i.e. IMSI; SMPP 3.4 §5.2.6). */
export const NPI_LAND_MOBILE = 6;

const SEPARATORS = /[\s\-.()]/g;

export type SourceAddress =
  | { ok: true; digits: string; international: boolean }
  | { ok: false; reason: 'empty' | 'alphanumeric' | 'invalid' | 'imsi_address' };

/**
 * Some SMSCs put the IMSI in source_addr, marked NPI 6 (E.212 land mobile); that is not an MSISDN.
 * TON 4 alone is not such a mark: SMPP 3.4 §5.2.5 defines it as "subscriber number" (a number
 * without its national destination code, here read like a national one).
 */
export function isImsiAddress(_ton: number, npi: number): boolean {
  return npi === NPI_LAND_MOBILE;
}

/**
 * TON 1 international, TON 2 national, TON 0 by heuristic (leading "+" or "00", or starts with the
 * calling code and has ≥ 11 digits → international), TON 4 subscriber number like national, TON 5
 * alphanumeric senders cannot pay, IMSI-style addresses (NPI 6) are reported separately so the
 * caller can use them as the IMSI (README "What the gateway understands"). Other TONs
 * (network-specific, abbreviated) are invalid. `digits` of an international address have no "+".
 */
export function readSourceAddress(addr: string, ton: number, npi: number, countryCode: string): SourceAddress {
  const text = addr.trim();
  if (text === '') return { ok: false, reason: 'empty' };
  if (ton === TON.alphanumeric) return { ok: false, reason: 'alphanumeric' };
  if (isImsiAddress(ton, npi)) return { ok: false, reason: 'imsi_address' };
  const compact = text.replace(SEPARATORS, '');
  if (/[A-Za-z]/.test(compact)) return { ok: false, reason: ton === TON.unknown ? 'alphanumeric' : 'invalid' };
  const international = (): SourceAddress => ({ ok: true, digits: compact.replace(/^(\+|00)/, ''), international: true });
  const national = (): SourceAddress => ({ ok: true, digits: compact, international: false });
  if (ton === TON.international) return international();
  if (ton === TON.national || ton === TON.subscriber) return national();
  if (ton === TON.unknown) {
    const looksInternational =
      compact.startsWith('+') || compact.startsWith('00') || (compact.startsWith(countryCode) && compact.length >= 11);
    return looksInternational ? international() : national();
  }
  return { ok: false, reason: 'invalid' };
}
