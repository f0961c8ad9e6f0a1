import { normaliseMsisdn, normaliseNational } from '../domain/msisdn';
import { readSourceAddress } from '../smpp/address';

export type SenderIdentity =
  | { ok: true; msisdn: string }
  | { ok: false; reason: 'empty' | 'alphanumeric' | 'invalid' | 'imsi_address' };

/**
 * The sender of an MO, as E.164 digits without "+": the network's source_addr read by its TON/NPI
 * (smpp/address.ts), normalised by the domain's one rule (domain/msisdn.ts). Identity is the address
 * the network reports (README "Security").
 */
export function identityFromSmppAddress(addr: string, ton: number, npi: number, countryCode: string): SenderIdentity {
  const read = readSourceAddress(addr, ton, npi, countryCode);
  if (!read.ok) return read;
  const msisdn = read.international ? normaliseMsisdn(`+${read.digits}`, countryCode) : normaliseNational(read.digits, countryCode);
  return msisdn === null ? { ok: false, reason: 'invalid' } : { ok: true, msisdn };
}
