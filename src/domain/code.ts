// One-time confirmation codes (README "What it does", "Security"). People read them off a phone screen and type them
// into a device, so the alphabet leaves out characters that are easy to confuse: 0/O, 1/I/L and S (5/S).
// 30 symbols ^ 6 positions ≈ 7.3e8 codes; uniqueness among pending payments is the shell's job
// (it reserves the global code pointer), guessing is bounded by the failed-authentication lockout.

export const CODE_ALPHABET = '23456789ABCDEFGHJKMNPQRTUVWXYZ';
export const CODE_LENGTH = 6;

/** The largest multiple of the alphabet size that fits in a byte: bytes at or above it are discarded. */
const UNBIASED_LIMIT = 256 - (256 % CODE_ALPHABET.length); // 240

/**
 * Bytes per code the shell should draw from a CSPRNG: each byte is kept with probability 240/256,
 * so with 32 bytes the chance of running out is below 1e-20.
 */
export const CODE_RANDOM_BYTES = 32;

/**
 * Turns CSPRNG bytes into a code by rejection sampling (a byte ≥ 240 is skipped), so every symbol is
 * equally likely — plain `byte % 30` would favour the first 16 symbols. Returns null when the bytes run
 * out before 6 symbols are drawn; the caller then draws fresh bytes.
 */
export function codeFromRandomBytes(bytes: Uint8Array): string | null {
  let code = '';
  for (const byte of bytes) {
    if (byte >= UNBIASED_LIMIT) continue;
    code += CODE_ALPHABET[byte % CODE_ALPHABET.length];
    if (code.length === CODE_LENGTH) return code;
  }
  return null;
}

const CODE_PATTERN = new RegExp(`^[${CODE_ALPHABET}]{${CODE_LENGTH}}$`);

/** True for an upper-case code of the right length and alphabet (normalise case before calling). */
export function isCode(s: string): boolean {
  return CODE_PATTERN.test(s);
}
