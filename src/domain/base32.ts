// RFC 4648 §6 base32 ("Base 32 Encoding", alphabet A-Z 2-7), upper case. Device MACs are sent as its
// first characters (device-mac.ts); test vectors from RFC 4648 §10 in test/unit/domain/device-mac.test.ts.

export const BASE32_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** Base32 of `bytes`, with `=` padding to a multiple of 8 characters unless `pad` is false. */
export function base32(bytes: Uint8Array, pad = true): string {
  let out = '';
  let buffer = 0;
  let bits = 0;
  for (const byte of bytes) {
    buffer = ((buffer << 8) | byte) & 0xffff;
    bits += 8;
    while (bits >= 5) {
      out += BASE32_ALPHABET[(buffer >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += BASE32_ALPHABET[(buffer << (5 - bits)) & 31];
  if (pad) while (out.length % 8 !== 0) out += '=';
  return out;
}
