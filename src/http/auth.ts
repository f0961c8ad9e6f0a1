import { createHash, timingSafeEqual } from 'node:crypto';

// Bearer-token primitives for the admin API (README "Admin API", "Operators and roles"; the middleware is access.ts). Tokens are
// known only by their SHA-256 (config keeps no token). The presented token is hashed too before the
// constant-time comparison, so neither its content nor a difference in length shows in the response
// time; and it is compared with every configured token, so neither does which one it matched. The
// token is never logged.

function digest(s: string): Buffer {
  return createHash('sha256').update(s, 'utf8').digest();
}

/** True when `presented` equals the token whose SHA-256 is `expected`, in time independent of both. */
export function tokenMatches(presented: string, expected: Buffer): boolean {
  return timingSafeEqual(digest(presented), expected);
}

/**
 * Index in `expected` (SHA-256 digests) of the token `presented` is, or -1. Every digest is
 * compared, whatever matched, so the time depends only on how many tokens are configured.
 */
export function matchingToken(presented: string, expected: readonly Buffer[]): number {
  const d = digest(presented);
  let found = -1;
  for (let i = 0; i < expected.length; i += 1) {
    const same = timingSafeEqual(d, expected[i]);
    found = same && found < 0 ? i : found;
  }
  return found;
}

/** The token of `Authorization: Bearer <token>` (scheme in any case), or null. */
export function bearerTokenOf(header: string | undefined): string | null {
  const m = header === undefined ? null : /^Bearer +(\S+) *$/i.exec(header);
  return m ? m[1] : null;
}
