/**
 * The GSM 03.38 default alphabet (3GPP TS 23.038 §6.2.1) and its extension table, as pure data:
 * the one table both the domain (reply texts and USSD screens that must fit it) and the SMPP edge
 * (smpp/gsm7.ts: septet lengths, encoding, decoding) use. It imports nothing and knows neither
 * payments nor SMPP, so either side may depend on it (docs/ARCHITECTURE.md, "Dependency rules").
 */

/** Index = septet value. 0x1B is the escape to the extension table, not a character. */
export const GSM7_BASIC: readonly string[] = [
  '@', '£', '$', '¥', 'è', 'é', 'ù', 'ì', 'ò', 'Ç', '\n', 'Ø', 'ø', '\r', 'Å', 'å',
  'Δ', '_', 'Φ', 'Γ', 'Λ', 'Ω', 'Π', 'Ψ', 'Σ', 'Θ', 'Ξ', '\x1b', 'Æ', 'æ', 'ß', 'É',
  ' ', '!', '"', '#', '¤', '%', '&', "'", '(', ')', '*', '+', ',', '-', '.', '/',
  '0', '1', '2', '3', '4', '5', '6', '7', '8', '9', ':', ';', '<', '=', '>', '?',
  '¡', 'A', 'B', 'C', 'D', 'E', 'F', 'G', 'H', 'I', 'J', 'K', 'L', 'M', 'N', 'O',
  'P', 'Q', 'R', 'S', 'T', 'U', 'V', 'W', 'X', 'Y', 'Z', 'Ä', 'Ö', 'Ñ', 'Ü', '§',
  '¿', 'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j', 'k', 'l', 'm', 'n', 'o',
  'p', 'q', 'r', 's', 't', 'u', 'v', 'w', 'x', 'y', 'z', 'ä', 'ö', 'ñ', 'ü', 'à',
];

export const GSM7_ESCAPE = 0x1b;

/** Extension table: septet after 0x1B → character. Each costs two septets. */
export const GSM7_EXTENSION: Readonly<Record<number, string>> = {
  0x0a: '\f', // page break
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

const BASIC_CHARS: ReadonlySet<string> = new Set(GSM7_BASIC.filter((_, septet) => septet !== GSM7_ESCAPE));

/** True when the character is in the basic table (one septet; the escape itself is not a character). */
export function isGsm7BasicChar(char: string): boolean {
  return BASIC_CHARS.has(char);
}
