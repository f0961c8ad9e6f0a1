import { decodeGsm7, encodeGsm7, isGsm7 } from './gsm7';

/**
 * SMPP 3.4 §5.2.19 data_coding values we handle. 0 is "SMSC default alphabet": GSM 03.38 on most
 * SMSCs, Latin-1 on some, so inbound it is read per connection (DecodeTextOptions). Outbound we
 * send GSM text as 0 and always set data_coding ourselves (node-smpp would label GSM text
 * 1 = IA5, which SMSCs read as ASCII).
 */
export const DATA_CODING = {
  GSM7: 0x00,
  IA5: 0x01,
  LATIN1: 0x03,
  UCS2: 0x08,
} as const;

export type OutboundDataCoding = typeof DATA_CODING.GSM7 | typeof DATA_CODING.UCS2;

export type DecodeTextResult =
  | { ok: true; text: string }
  | { ok: false; reason: 'unsupported_data_coding' | 'invalid_encoding' };

/** GSM when every character fits (160 per part instead of 70), else UCS2. */
export function chooseDataCoding(text: string): OutboundDataCoding {
  return isGsm7(text) ? DATA_CODING.GSM7 : DATA_CODING.UCS2;
}

/** Throws RangeError when text is not GSM and dataCoding is 0. */
export function encodeText(text: string, dataCoding: OutboundDataCoding): Buffer {
  if (dataCoding === DATA_CODING.GSM7) return encodeGsm7(text);
  return encodeUtf16be(text);
}

/** What an SMSC means by data_coding 0 ("SMSC default alphabet", SMPP 3.4 §5.2.19). */
export type DefaultAlphabet = 'gsm7' | 'latin1';

export interface DecodeTextOptions {
  defaultAlphabet: DefaultAlphabet;
}

/** `options.defaultAlphabet` applies to data_coding 0 only (default 'gsm7'). */
export function decodeText(bytes: Buffer, dataCoding: number, options?: DecodeTextOptions): DecodeTextResult {
  const alphabet = alphabetOf(dataCoding, options?.defaultAlphabet ?? 'gsm7');
  switch (alphabet) {
    case 'gsm7':
      return fromNullable(decodeGsm7(bytes));
    case 'ia5':
      return bytes.every((b) => b <= 0x7f) ? ok(bytes.toString('latin1')) : invalid();
    case 'latin1':
      return ok(bytes.toString('latin1'));
    case 'ucs2':
      return fromNullable(decodeUtf16be(bytes));
    case 'unsupported':
      return { ok: false, reason: 'unsupported_data_coding' };
  }
}

type Alphabet = 'gsm7' | 'ia5' | 'latin1' | 'ucs2' | 'unsupported';

/**
 * 0 is the SMSC default alphabet, as the connection is configured.
 * Below 0xC0 SMPP's own table applies (not the GSM 23.038 coding groups): 2/4 octet data, 5 JIS,
 * 6 Cyrillic, 7 Hebrew, 9+ pictograms/kanji are not text we can or should accept.
 * 0xC0..0xEF are 23.038 "message waiting indication" groups, unsupported.
 * 0xF0..0xFF is 23.038 §4 coding group 1111 "data coding/message class": bit 2 selects the
 * alphabet (0 = GSM 7-bit default, 1 = 8-bit data), bits 1..0 the message class, bit 3 is
 * reserved and ignored here (receivers ignore reserved bits).
 */
function alphabetOf(dataCoding: number, defaultAlphabet: DefaultAlphabet): Alphabet {
  switch (dataCoding) {
    case DATA_CODING.GSM7:
      return defaultAlphabet;
    case DATA_CODING.IA5:
      return 'ia5';
    case DATA_CODING.LATIN1:
      return 'latin1';
    case DATA_CODING.UCS2:
      return 'ucs2';
  }
  const isCodingGroup1111 = (dataCoding & 0xf0) === 0xf0 && dataCoding <= 0xff;
  if (isCodingGroup1111 && (dataCoding & 0x04) === 0) return 'gsm7';
  return 'unsupported';
}

function encodeUtf16be(text: string): Buffer {
  return Buffer.from(text, 'utf16le').swap16();
}

/**
 * SMPP says "UCS2", but phones send UTF-16 (emoji as surrogate pairs). Null on an odd length
 * or a lone surrogate, which Buffer#toString would silently turn into U+FFFD.
 */
function decodeUtf16be(bytes: Buffer): string | null {
  if (bytes.length % 2 !== 0) return null;
  const text = Buffer.from(bytes).swap16().toString('utf16le');
  return isWellFormedUtf16(text) ? text : null;
}

function isWellFormedUtf16(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit >= 0xd800 && unit <= 0xdbff) {
      const next = text.charCodeAt(i + 1);
      if (!(next >= 0xdc00 && next <= 0xdfff)) return false;
      i++;
    } else if (unit >= 0xdc00 && unit <= 0xdfff) {
      return false;
    }
  }
  return true;
}

const ok = (text: string): DecodeTextResult => ({ ok: true, text });
const invalid = (): DecodeTextResult => ({ ok: false, reason: 'invalid_encoding' });
const fromNullable = (text: string | null): DecodeTextResult => (text === null ? invalid() : ok(text));
