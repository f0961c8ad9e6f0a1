/**
 * GSM 03.38 (3GPP TS 23.038 §6.2.1) text on the wire: lengths in septets, encoding and decoding.
 * The alphabet itself is src/text/gsm7.ts, shared with the domain's reply texts.
 *
 * SMPP carries GSM text unpacked, one septet per octet (data_coding 0); the SMSC packs it for
 * the air interface. So "encoding" here is just a table lookup, not bit packing.
 */

import { GSM7_BASIC, GSM7_ESCAPE, GSM7_EXTENSION } from '../text/gsm7';

export { GSM7_BASIC, GSM7_ESCAPE, GSM7_EXTENSION };

const basicSeptet = new Map<string, number>();
GSM7_BASIC.forEach((char, septet) => {
  if (septet !== GSM7_ESCAPE) basicSeptet.set(char, septet);
});
const extensionSeptet = new Map<string, number>(
  Object.entries(GSM7_EXTENSION).map(([septet, char]) => [char, Number(septet)]),
);

/** Septets one character needs, or 0 when it is not in the alphabet. */
function septetCost(char: string): 0 | 1 | 2 {
  if (basicSeptet.has(char)) return 1;
  if (extensionSeptet.has(char)) return 2;
  return 0;
}

// `for..of` walks code points, so an emoji is one (non-GSM) character, and a lone surrogate
// is simply "not GSM".
export function isGsm7(text: string): boolean {
  for (const char of text) if (septetCost(char) === 0) return false;
  return true;
}

/** Length in septets (extension characters count 2). Throws RangeError on a non-GSM character. */
export function gsm7Length(text: string): number {
  let septets = 0;
  for (const char of text) {
    const cost = septetCost(char);
    if (cost === 0) throw nonGsm(char);
    septets += cost;
  }
  return septets;
}

/** Unpacked GSM: one septet per octet. Throws RangeError on a non-GSM character. */
export function encodeGsm7(text: string): Buffer {
  const out: number[] = [];
  for (const char of text) {
    const basic = basicSeptet.get(char);
    if (basic !== undefined) {
      out.push(basic);
      continue;
    }
    const extended = extensionSeptet.get(char);
    if (extended === undefined) throw nonGsm(char);
    out.push(GSM7_ESCAPE, extended);
  }
  return Buffer.from(out);
}

/**
 * Null when a byte is > 0x7F (not a septet) or the text ends in a dangling escape.
 * 23.038 §6.2.1.1: an escape followed by a code with no extension character is shown as the
 * basic-table character; 0x1B 0x1B ("reserved for a further extension table") is shown as a space.
 */
export function decodeGsm7(bytes: Buffer): string | null {
  let text = '';
  for (let i = 0; i < bytes.length; i++) {
    const septet = bytes[i]!;
    if (septet > 0x7f) return null;
    if (septet !== GSM7_ESCAPE) {
      text += GSM7_BASIC[septet];
      continue;
    }
    const next = bytes[++i];
    if (next === undefined || next > 0x7f) return null;
    text += GSM7_EXTENSION[next] ?? (next === GSM7_ESCAPE ? ' ' : GSM7_BASIC[next]);
  }
  return text;
}

function nonGsm(char: string): RangeError {
  const codePoint = char.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0');
  return new RangeError(`character U+${codePoint} is not in the GSM 03.38 alphabet`);
}
