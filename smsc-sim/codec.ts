// Text ↔ octets for short_message, user data headers (3GPP TS 23.040 §9.2.3.24) and splitting of
// long MO text into concatenated parts.
import { gsmChars, gsmDecode } from './gsm';
import { encodingOf, IEI } from './protocol';

export function decodeText(dataCoding: number, bytes: Buffer): string {
  switch (encodingOf(dataCoding)) {
    case 'gsm':
      return gsmDecode(bytes);
    case 'ascii':
      return bytes.toString('latin1').replace(/[\x80-\xff]/g, '?');
    case 'latin1':
      return bytes.toString('latin1');
    case 'ucs2':
      return ucs2Decode(bytes);
    case 'binary':
      return bytes.toString('hex');
  }
}

export function ucs2Encode(text: string): Buffer {
  return Buffer.from(text, 'utf16le').swap16();
}

function ucs2Decode(bytes: Buffer): string {
  const even = bytes.length % 2 === 0 ? Buffer.from(bytes) : Buffer.concat([bytes, Buffer.alloc(1)]);
  return even.swap16().toString('utf16le');
}

export interface ConcatInfo {
  ref: number;
  total: number;
  seq: number;
}

export interface UserData {
  concat: ConcatInfo | null;
  payload: Buffer;
}

/** Splits UDH from the text octets; null when the header claims more octets than there are. */
export function splitUserData(bytes: Buffer): UserData | null {
  if (bytes.length === 0) return null;
  const udhl = bytes[0];
  if (udhl + 1 > bytes.length) return null;
  let concat: ConcatInfo | null = null;
  let i = 1;
  while (i + 1 < udhl + 1) {
    const iei = bytes[i];
    const len = bytes[i + 1];
    const data = bytes.subarray(i + 2, i + 2 + len);
    if (i + 2 + len > udhl + 1) return null;
    if (iei === IEI.CONCAT_8BIT_REF && len === 3) concat = { ref: data[0], total: data[1], seq: data[2] };
    if (iei === IEI.CONCAT_16BIT_REF && len === 4) concat = { ref: data.readUInt16BE(0), total: data[2], seq: data[3] };
    i += 2 + len;
  }
  // §9.2.3.24.1: total 0 or seq outside 1..total means "ignore the element".
  if (concat && (concat.total === 0 || concat.seq === 0 || concat.seq > concat.total)) concat = null;
  return { concat, payload: bytes.subarray(udhl + 1) };
}

/** UDH with one 8-bit-reference concatenation element: 05 00 03 ref total seq. */
export function concatHeader(ref: number, total: number, seq: number): Buffer {
  return Buffer.from([0x05, IEI.CONCAT_8BIT_REF, 0x03, ref & 0xff, total, seq]);
}

export type MoEncoding = 'gsm' | 'ucs2';

export interface EncodedText {
  encoding: MoEncoding;
  dataCoding: 0 | 8;
  parts: Buffer[]; // payload octets of each part, without UDH
}

// TS 23.040 §9.2.3.16 limits for 140-octet user data: a 6-octet concat UDH leaves 153 septets
// (unpacked here) or 67 UCS2 code units.
const LIMITS = { gsm: { single: 160, part: 153 }, ucs2: { single: 140, part: 134 } } as const;

/** Picks GSM when every character is in the GSM 03.38 alphabet, else UCS2, unless forced. */
export function encodeText(text: string, forced?: MoEncoding): EncodedText | { error: string } {
  const chars = gsmChars(text);
  if (forced === 'gsm' && !chars) return { error: 'text: not representable in the GSM 03.38 alphabet' };
  if (chars && forced !== 'ucs2') return { encoding: 'gsm', dataCoding: 0, parts: splitGsm(chars) };
  return { encoding: 'ucs2', dataCoding: 8, parts: splitUcs2(ucs2Encode(text)) };
}

function splitGsm(chars: number[][]): Buffer[] {
  const all = chars.flat();
  if (all.length <= LIMITS.gsm.single) return [Buffer.from(all)];
  const parts: Buffer[] = [];
  let current: number[] = [];
  for (const septets of chars) {
    // an escape and its extension septet must stay in one part
    if (current.length + septets.length > LIMITS.gsm.part) {
      parts.push(Buffer.from(current));
      current = [];
    }
    current.push(...septets);
  }
  if (current.length) parts.push(Buffer.from(current));
  return parts;
}

function splitUcs2(bytes: Buffer): Buffer[] {
  if (bytes.length <= LIMITS.ucs2.single) return [bytes];
  const parts: Buffer[] = [];
  let start = 0;
  while (start < bytes.length) {
    let end = Math.min(start + LIMITS.ucs2.part, bytes.length);
    // keep a surrogate pair together: do not end a part on a high surrogate
    if (end < bytes.length && (bytes.readUInt16BE(end - 2) & 0xfc00) === 0xd800) end -= 2;
    parts.push(bytes.subarray(start, end));
    start = end;
  }
  return parts;
}
