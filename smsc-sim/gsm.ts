// GSM 03.38 default alphabet (3GPP TS 23.038 §6.2.1) as SMPP carries it: unpacked, one septet per
// octet (data_coding 0). The simulator keeps its own table so that it never shares the library's
// lossy coder (which turns unknown characters into spaces).

/** Index = septet value. 0x1B is the escape to the extension table. */
const BASIC =
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ\x1bÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?' +
  '¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà';

const ESCAPE = 0x1b;

/** §6.2.1.1 extension table: septet after ESC → character; each costs two septets. */
const EXTENSION: Readonly<Record<number, string>> = {
  0x0a: '\f',
  0x14: '^',
  0x28: '{',
  0x29: '}',
  0x2f: '\\',
  0x3c: '[',
  0x3d: '~',
  0x3e: ']',
  0x40: '|',
  0x65: '€',
};

const toSeptets = new Map<string, number[]>();
[...BASIC].forEach((ch, i) => {
  if (i !== ESCAPE) toSeptets.set(ch, [i]);
});
for (const [code, ch] of Object.entries(EXTENSION)) toSeptets.set(ch, [ESCAPE, Number(code)]);

if ([...BASIC].length !== 128) throw new Error('GSM 03.38 basic table must have 128 entries');

/** Septets for each character, or null when a character is outside the alphabet. */
export function gsmChars(text: string): number[][] | null {
  const out: number[][] = [];
  for (const ch of text) {
    const septets = toSeptets.get(ch);
    if (!septets) return null;
    out.push(septets);
  }
  return out;
}

export function isGsm(text: string): boolean {
  return gsmChars(text) !== null;
}

/** Encodes, replacing characters outside the alphabet with '?' (for receipt text snippets). */
export function gsmEncodeLossy(text: string): Buffer {
  const out: number[] = [];
  for (const ch of text) out.push(...(toSeptets.get(ch) ?? [0x3f]));
  return Buffer.from(out);
}

export function gsmDecode(bytes: Buffer): string {
  let out = '';
  for (let i = 0; i < bytes.length; i++) {
    const septet = bytes[i] & 0x7f;
    if (septet !== ESCAPE) {
      out += BASIC[septet];
      continue;
    }
    const next = bytes[i + 1];
    if (next === undefined) break; // a dangling escape carries no character
    i++;
    // §6.2.1.1: an unknown extension code shows the basic-table character instead.
    out += EXTENSION[next & 0x7f] ?? BASIC[next & 0x7f];
  }
  return out;
}
