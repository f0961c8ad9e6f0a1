/**
 * IMSI as an SMSC hands it over (in a vendor TLV): either ASCII digits or the TBCD-STRING of
 * 3GPP TS 29.002 (the MAP encoding of IMSI), depending on the SMSC.
 */
export type ImsiEncoding = 'ascii' | 'tbcd';

export type DecodeImsiResult =
  | { ok: true; imsi: string }
  | { ok: false; reason: 'empty' | 'not_digits' | 'bad_length' | 'bad_tbcd' };

/**
 * ITU-T E.212: MCC (3) + MNC (2-3) + MSIN, at most 15 digits. Real IMSIs have 14-15; 5 is the
 * floor of MAP's IMSI ::= TBCD-STRING (SIZE (3..8)) (3 octets hold 5 digits and a filler) and is
 * accepted so test networks with short IMSIs work.
 */
export const IMSI_DIGITS = { min: 5, max: 15 } as const;

/** TS 29.002 TBCD-STRING: the nibble 1111 pads an odd number of digits. */
const TBCD_FILLER = 0xf;

export function decodeImsi(raw: Buffer, encoding: ImsiEncoding): DecodeImsiResult {
  const digits = encoding === 'ascii' ? asciiDigits(raw) : tbcdDigits(raw);
  if (typeof digits !== 'string') return digits;
  if (digits.length < IMSI_DIGITS.min || digits.length > IMSI_DIGITS.max) return { ok: false, reason: 'bad_length' };
  return { ok: true, imsi: digits };
}

/** Trailing NULs and spaces are padding some SMSCs add to fixed-width fields (or a C string's NUL). */
function asciiDigits(raw: Buffer): string | DecodeImsiResult {
  const text = raw.toString('latin1').replace(/[\0 ]+$/, '');
  if (text === '') return { ok: false, reason: 'empty' };
  if (!/^[0-9]+$/.test(text)) return { ok: false, reason: 'not_digits' };
  return text;
}

/**
 * TS 29.002 TBCD-STRING: octet n holds digit 2n-1 in bits 4-1 (low nibble) and digit 2n in bits
 * 8-5 (high nibble). 1111 is a filler, allowed only as the very last nibble. TBCD also encodes
 * *, #, a, b, c as 1010-1110, which an IMSI (digits only) never contains.
 */
function tbcdDigits(raw: Buffer): string | DecodeImsiResult {
  if (raw.length === 0) return { ok: false, reason: 'empty' };
  let digits = '';
  for (let i = 0; i < raw.length; i++) {
    const low = raw[i]! & 0x0f;
    const high = raw[i]! >> 4;
    const isLastOctet = i === raw.length - 1;
    if (low > 9) return { ok: false, reason: 'bad_tbcd' };
    digits += String(low);
    if (high === TBCD_FILLER && isLastOctet) break;
    if (high > 9) return { ok: false, reason: 'bad_tbcd' };
    digits += String(high);
  }
  return digits;
}

/** Digits as TBCD, filler in the last high nibble for an odd count. Throws RangeError on a non-digit. */
export function encodeTbcd(digits: string): Buffer {
  if (!/^[0-9]*$/.test(digits)) throw new RangeError(`not a digit string: ${JSON.stringify(digits)}`);
  const octets = Buffer.alloc(Math.ceil(digits.length / 2));
  for (let i = 0; i < octets.length; i++) {
    const low = Number(digits[2 * i]);
    const high = 2 * i + 1 < digits.length ? Number(digits[2 * i + 1]) : TBCD_FILLER;
    octets[i] = (high << 4) | low;
  }
  return octets;
}
