import { gsm7Length } from './gsm7';
import { chooseDataCoding, DATA_CODING, encodeText, type OutboundDataCoding } from './text';
import { buildConcatUdh } from './udh';

/**
 * Capacities follow from the 140-octet TP-UD limit (3GPP TS 23.040 §9.2.3.16 / §9.2.3.24):
 * - GSM: 140 octets = 160 septets; with a 6-octet UDH (8-bit ref) floor((140-6)*8/7) = 153,
 *   with a 7-octet UDH (16-bit ref) floor((140-7)*8/7) = 152.
 * - UCS2: 140 octets = 70 UTF-16 units; (140-6)/2 = 67, floor((140-7)/2) = 66.
 * In the SMPP PDU, GSM is unpacked (one septet per octet), so a 153-septet part is 6 + 153 = 159
 * octets of short_message (under its 254 limit); the SMSC packs it into 140 on air.
 */
const AIR_OCTETS = 140;
const UDH_OCTETS = { 8: 6, 16: 7 } as const;

const capacity = (dataCoding: OutboundDataCoding, udhOctets: number): number =>
  dataCoding === DATA_CODING.GSM7
    ? Math.floor(((AIR_OCTETS - udhOctets) * 8) / 7)
    : Math.floor((AIR_OCTETS - udhOctets) / 2);

/** The concatenation IE's total is one octet. */
const MAX_PARTS = 255;

export interface SubmitSplit {
  dataCoding: OutboundDataCoding;
  /** Set esm_class UDHI (0x40) when true: every segment starts with a concatenation UDH. */
  udhi: boolean;
  /** short_message of each submit_sm, in order. */
  segments: Buffer[];
}

/**
 * `ref` is the concatenation reference shared by all parts; it is taken modulo 2^refBits so a
 * caller may pass a running counter. Throws RangeError above 255 parts.
 */
export function splitForSubmit(text: string, opts: { ref: number; refBits?: 8 | 16; defaultAlphabet?: 'gsm7' | 'latin1' }): SubmitSplit {
  const refBits = opts.refBits ?? 8;
  const { dataCoding, encode } = outboundCoding(text, opts.defaultAlphabet ?? 'gsm7');
  const chunks = chunkText(text, dataCoding, refBits);
  if (chunks.length === 1) {
    return { dataCoding, udhi: false, segments: [encode(text)] };
  }
  const ref = ((opts.ref % 2 ** refBits) + 2 ** refBits) % 2 ** refBits;
  const segments = chunks.map((chunk, i) => Buffer.concat([buildConcatUdh(ref, chunks.length, i + 1, refBits), encode(chunk)]));
  return { dataCoding, udhi: true, segments };
}

/**
 * data_coding 0 is "SMSC default alphabet" (SMPP 3.4 §5.2.19): GSM 03.38 octets on most SMSCs,
 * Latin-1 on some. On a Latin-1 SMSC a text that GSM and Latin-1 both carry goes as Latin-1 octets
 * with data_coding 0 (the SMSC converts it for the air, so GSM capacities still apply); anything
 * else goes as UCS2.
 */
export function outboundCoding(text: string, defaultAlphabet: 'gsm7' | 'latin1'): { dataCoding: OutboundDataCoding; encode: (t: string) => Buffer } {
  const gsm = chooseDataCoding(text);
  if (defaultAlphabet === 'latin1' && gsm === DATA_CODING.GSM7) {
    if (/^[\u0000-\u00ff]*$/.test(text)) return { dataCoding: DATA_CODING.GSM7, encode: (t) => Buffer.from(t, 'latin1') };
    return { dataCoding: DATA_CODING.UCS2, encode: (t) => encodeText(t, DATA_CODING.UCS2) };
  }
  return { dataCoding: gsm, encode: (t) => encodeText(t, gsm) };
}

/** Number of submit_sm PDUs the text needs; carriers rate-limit by this, not by messages. */
export function countSegments(text: string, refBits: 8 | 16 = 8): number {
  return chunkText(text, chooseDataCoding(text), refBits).length;
}

function chunkText(text: string, dataCoding: OutboundDataCoding, refBits: 8 | 16): string[] {
  // Cost per character in the unit the capacity is counted in. Walking code points keeps a
  // GSM escape pair (one character, cost 2) and a UTF-16 surrogate pair (one code point,
  // length 2) inside one part.
  const cost = dataCoding === DATA_CODING.GSM7 ? gsm7Length : (char: string) => char.length;
  if (cost(text) <= capacity(dataCoding, 0)) return [text];

  const perPart = capacity(dataCoding, UDH_OCTETS[refBits]);
  const chunks: string[] = [];
  let current = '';
  let used = 0;
  for (const char of text) {
    const charCost = cost(char);
    if (used + charCost > perPart) {
      chunks.push(current);
      current = '';
      used = 0;
    }
    current += char;
    used += charCost;
  }
  chunks.push(current);
  if (chunks.length > MAX_PARTS) throw new RangeError(`text needs ${chunks.length} parts; at most ${MAX_PARTS}`);
  return chunks;
}
