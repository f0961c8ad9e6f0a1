// Payment ids are derived from the id of the MO that opened the payment instead of being random:
// BullMQ runs jobs at least once, and a retried job must arrive at the same payment id so that the
// store sees "already exists" and the ledger (payment id = transfer id) applies the transfer once.
// The hash is supplied by the shell (e.g. sha256 hex) because the domain imports no node:crypto.

/** Crockford base32 (no I, L, O, U) keeps ids short and readable over the phone. */
const ID_ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
export const PAYMENT_ID_LENGTH = 11; // "P" + 10 symbols

/**
 * `P` + 10 base32 symbols = 50 bits of the hash; with a million payments the chance that any two
 * collide is about 4e-4, and the store refuses an existing id, so a collision fails loudly, never merges.
 * `hash` must return at least 13 hex digits.
 */
export function paymentIdFromMoId(moId: string, hash: (s: string) => string): string {
  const hex = hash(`payment:${moId}`).slice(0, 13);
  if (!/^[0-9a-fA-F]{13}$/.test(hex)) throw new Error('paymentIdFromMoId: hash must return hex (≥ 13 digits)');
  let value = Math.floor(parseInt(hex, 16) / 4); // 52 bits → 50 bits, still an exact integer
  let id = '';
  for (let i = 0; i < 10; i += 1) {
    id = ID_ALPHABET[value % 32] + id;
    value = Math.floor(value / 32);
  }
  return `P${id}`;
}

export function isPaymentId(s: string): boolean {
  return /^P[0-9A-HJKMNP-TV-Z]{10}$/.test(s);
}
