import { base32 } from './base32';

// The MAC a debit device appends to its payment message (README "Security", device MACs): proof of
// the key provisioned at pairing and, where the subscriber has a PIN, of the PIN — bound to the
// payer, amount, payee, code and a counter, so a forged, altered or replayed message is refused.
//
//   K   = HMAC-SHA256(deviceKey, pin)            (K = deviceKey when the device has no PIN)
//   mac = first 10 characters of base32(HMAC-SHA256(K, "<main>|<amount minor>|<MERCHANT>|<code or empty>|<counter>"))
//
// The message is `PAY <amount> <merchant> [<code>] <counter>:<mac>`. Pure: the HMAC primitive comes
// in from the shell (node:crypto), as the domain imports no node:crypto. `deviceToken` is the
// reference implementation of the device side (test vectors in the README).

/** HMAC-SHA256 of `message` (UTF-8) under `key`. */
export type HmacSha256 = (key: Uint8Array, message: string) => Uint8Array;

/** Characters of base32 kept: 50 bits. */
export const MAC_LENGTH = 10;
/** A counter has at most 15 decimal digits, so that it is an exact integer everywhere (JS, Lua). */
export const MAX_COUNTER_DIGITS = 15;

export interface MacFields {
  /** The main SIM (payer), E.164 digits without '+'. */
  main: string;
  amountMinor: number;
  merchant: string;
  /** The confirmation code, when the message carries one. */
  code?: string;
  /** Decimal, greater than the last one accepted from the device. */
  counter: number;
}

/** The text the MAC covers: `<main>|<amount in minor units>|<MERCHANT>|<code or empty>|<counter>`. */
export function macInput(f: MacFields): string {
  return `${f.main}|${f.amountMinor}|${f.merchant.toUpperCase()}|${f.code ?? ''}|${f.counter}`;
}

/** K: what the store keeps to verify a device (never the deviceKey itself when there is a PIN). */
export function verificationKey(deviceKey: Uint8Array, pin: string | undefined, hmac: HmacSha256): Uint8Array {
  return pin === undefined || pin === '' ? deviceKey : hmac(deviceKey, pin);
}

/** The MAC of one payment message under K. */
export function paymentMac(key: Uint8Array, f: MacFields, hmac: HmacSha256): string {
  return base32(hmac(key, macInput(f)), false).slice(0, MAC_LENGTH);
}

/** The device side: the `<counter>:<mac>` token that ends its PAY message. */
export function deviceToken(deviceKey: Uint8Array, pin: string | undefined, f: MacFields, hmac: HmacSha256): string {
  return `${f.counter}:${paymentMac(verificationKey(deviceKey, pin, hmac), f, hmac)}`;
}

/** Compares two MACs in time that depends on their length only (which is public). */
export function sameMac(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}
