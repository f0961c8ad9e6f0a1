import { createHash, timingSafeEqual } from 'node:crypto';
import type { RequestHandler } from 'express';

// Bearer-token check for the admin API (DESIGN §2). The presented and the expected token are both
// hashed with SHA-256 before the constant-time comparison, so neither their content nor a difference
// in length shows in the response time. The token is never logged.

function digest(s: string): Buffer {
  return createHash('sha256').update(s, 'utf8').digest();
}

/** True when `presented` equals `expected`, in time independent of both. */
export function tokenMatches(presented: string, expected: Buffer): boolean {
  return timingSafeEqual(digest(presented), expected);
}

/**
 * `Authorization: Bearer <token>`. Without a configured token the admin API is switched off (503),
 * so a deployment that forgot ADMIN_TOKEN fails closed.
 */
export function bearerAuth(token: string | null): RequestHandler {
  const expected = token === null ? null : digest(token);
  return (req, res, next) => {
    if (expected === null) {
      res.status(503).json({ error: 'admin API disabled: ADMIN_TOKEN is not set' });
      return;
    }
    const header = req.get('authorization');
    const m = header === undefined ? null : /^Bearer +(\S+) *$/i.exec(header);
    if (m && tokenMatches(m[1], expected)) {
      next();
      return;
    }
    res
      .status(401)
      .set('WWW-Authenticate', header === undefined ? 'Bearer realm="simpair-admin"' : 'Bearer realm="simpair-admin", error="invalid_token"')
      .json({ error: header === undefined ? 'missing bearer token' : 'invalid bearer token' });
  };
}
