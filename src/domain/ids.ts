// Payment ids are derived from the id of the MO that opened the payment instead of being random:
// BullMQ runs jobs at least once, and a retried job must arrive at the same payment id so that the
// store sees "already exists" and the ledger (payment id = transfer id) applies the transfer once.
// The hash is supplied by the shell (e.g. sha256 hex) because the domain imports no node:crypto.

/** Crockford base32 (no I, L, O, U) keeps ids short and readable over the phone. */
const ID_ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const PAYMENT_ID_SYMBOLS = 16;
export const PAYMENT_ID_LENGTH = 1 + PAYMENT_ID_SYMBOLS; // "P" + 16 symbols

/**
 * `P` + 16 base32 symbols = 80 bits of the hash: at a billion payments the chance that any two
 * collide is about 4e-7, and the store refuses an id that belongs to another payment, so a
 * collision fails loudly, never merges. `hash` must return at least 20 hex digits.
 */
export function paymentIdFromMoId(moId: string, hash: (s: string) => string): string {
  const hex = hash(`payment:${moId}`).slice(0, 20);
  if (!/^[0-9a-fA-F]{20}$/.test(hex)) throw new Error('paymentIdFromMoId: hash must return hex (≥ 20 digits)');
  let value = BigInt(`0x${hex}`); // exactly 80 bits
  let id = '';
  for (let i = 0; i < PAYMENT_ID_SYMBOLS; i += 1) {
    id = ID_ALPHABET[Number(value % 32n)] + id;
    value /= 32n;
  }
  return `P${id}`;
}

export function isPaymentId(s: string): boolean {
  return /^P[0-9A-HJKMNP-TV-Z]{16}$/.test(s);
}
