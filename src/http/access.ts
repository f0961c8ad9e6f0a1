import { createHash, randomUUID } from 'node:crypto';
import type { Request, RequestHandler, Response } from 'express';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { AdminTokenDigest, Config } from '../config';
import type { Keys } from '../store/keys';
import { AuditLog } from '../store/audit';
import { isRedisUnavailable } from '../store/redis-errors';
import { metrics } from '../metrics';
import { bearerTokenOf, matchingToken } from './auth';

// Who may call the admin API, and what they did (README "Admin API"). Operators hold named bearer
// tokens (ADMIN_TOKENS; ADMIN_TOKEN is one named `admin`) with a role; `authenticate` finds the
// operator, `requireRole` guards a route, `audit` records a change under the operator's name.
//
// Mounting: adminRouter (admin.ts) runs `adminAuth` for every ADMIN_PATHS prefix, so any router
// mounted after it for those paths (ledger-routes.ts) already has the operator and may use
// requireRole and audit directly. A router used on its own mounts `adminAuth(deps)` in front of its
// routes; authenticating twice in one request is harmless (the second time is a no-op).

export type Role = 'viewer' | 'operator' | 'admin';

export interface Operator {
  name: string;
  role: Role;
}

const RANK: Record<Role, number> = { viewer: 0, operator: 1, admin: 2 };

/** True when `role` has at least the rights of `needed` (viewer < operator < admin). */
export function roleAtLeast(role: Role, needed: Role): boolean {
  return RANK[role] >= RANK[needed];
}

export interface AuthenticateDeps {
  /** Every accepted token, by SHA-256 only (config.adminToken and config.adminTokens). */
  tokens: ReadonlyArray<AdminTokenDigest>;
  redis: Redis;
  keys: Keys;
  log: Logger;
  limits: {
    /** Failed authentications one client address may make within a minute; then 429 until that minute passes. */
    authFailuresPerMinute: number;
  };
}

/** What authenticate learnt about one request; kept out of res.locals so nothing else can forge it. */
interface Authenticated {
  operator: Operator;
  requestId: string;
  auditLog: AuditLog;
  log: Logger;
  tokenDigests: readonly Buffer[];
}

const authenticated = new WeakMap<Response, Authenticated>();

const FAILURE_WINDOW_MS = 60_000;
const SAFE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,64}$/;

/**
 * `Authorization: Bearer <token>` → `res.locals.operator` ({name, role}) and `res.locals.requestId`.
 * Answers 503 when no token is configured at all (the admin API fails closed), 401 with
 * WWW-Authenticate for a missing or wrong token, and 429 with Retry-After to a client address that
 * presented `limits.authFailuresPerMinute` wrong tokens within a minute — even with a right one —
 * until that minute passes. The failure count lives in Redis (keys.authFailures), shared by every
 * API process. Every request gets `X-Request-Id`: the caller's if it is a short safe string, else
 * a new UUID.
 */
export function authenticate(deps: AuthenticateDeps): RequestHandler {
  const tokens = deps.tokens.map((t) => ({ operator: { name: t.name, role: t.role } satisfies Operator, digest: Buffer.from(t.tokenSha256, 'hex') }));
  const digests = tokens.map((t) => t.digest);
  const auditLog = new AuditLog(deps.redis, deps.keys);
  const { log } = deps;
  const limit = deps.limits.authFailuresPerMinute;

  return async (req, res, next) => {
    if (authenticated.has(res)) {
      next();
      return;
    }
    const requestId = requestIdOf(req);
    res.locals.requestId = requestId;
    res.set('X-Request-Id', requestId);
    if (tokens.length === 0) {
      res.status(503).json({ error: 'admin API disabled: ADMIN_TOKEN is not set' });
      return;
    }
    const address = clientAddress(req);
    const key = deps.keys.authFailures(address);
    try {
      const [[, count], [, pttl]] = (await deps.redis.multi().get(key).pttl(key).exec()) as [[Error | null, string | null], [Error | null, number]];
      if (Number(count ?? 0) >= limit && pttl !== -2) {
        if (pttl === -1) await deps.redis.pexpire(key, FAILURE_WINDOW_MS); // never a penalty without an end
        const retryAfter = Math.max(1, Math.ceil((pttl > 0 ? pttl : FAILURE_WINDOW_MS) / 1000));
        metrics.httpAuthFailures.inc({ outcome: 'rate_limited' });
        log.debug({ address, requestId, retryAfter }, 'admin API: request refused, too many failed authentications from this address');
        res
          .status(429)
          .set('Retry-After', String(retryAfter))
          .json({ error: `too many failed authentications from this address; try again in ${retryAfter} s` });
        return;
      }
      const header = req.get('authorization');
      const presented = bearerTokenOf(header);
      const i = presented === null ? -1 : matchingToken(presented, digests);
      if (i >= 0) {
        const operator = { ...tokens[i].operator };
        res.locals.operator = operator;
        authenticated.set(res, { operator, requestId, auditLog, log, tokenDigests: digests });
        next();
        return;
      }
      const outcome = header === undefined ? 'missing' : 'invalid';
      metrics.httpAuthFailures.inc({ outcome });
      if (outcome === 'invalid') {
        // A fixed window: the first failure starts the minute, later ones count in it (INCR keeps the TTL).
        const [, [, n]] = (await deps.redis.multi().set(key, '0', 'PX', FAILURE_WINDOW_MS, 'NX').incr(key).exec()) as [unknown, [Error | null, number]];
        if (n === limit) log.warn({ address, requestId, failures: n }, 'admin API: too many failed authentications from this address; refusing it for the rest of the minute');
        else log.warn({ address, requestId, failures: n }, 'admin API: invalid bearer token');
      }
      res
        .status(401)
        .set('WWW-Authenticate', outcome === 'missing' ? 'Bearer realm="simpair-admin"' : 'Bearer realm="simpair-admin", error="invalid_token"')
        .json({ error: outcome === 'missing' ? 'missing bearer token' : 'invalid bearer token' });
    } catch (err) {
      if (err instanceof Error && isRedisUnavailable(err)) {
        log.warn({ err: err.message, requestId }, 'admin API: redis unavailable during authentication');
        res.status(503).json({ error: 'store unavailable, try again' });
        return;
      }
      next(err);
    }
  };
}

/** authenticate() with everything taken from the configuration: the middleware admin.ts mounts, and any router used alone. */
export function adminAuth(deps: { redis: Redis; keys: Keys; config: Config; log: Logger }): RequestHandler {
  const { config } = deps;
  return authenticate({
    tokens: [...(config.adminToken ? [config.adminToken] : []), ...config.adminTokens],
    redis: deps.redis,
    keys: deps.keys,
    log: deps.log,
    limits: { authFailuresPerMinute: config.http.authFailuresPerMinute },
  });
}

/**
 * 403 `{"error": "role viewer may not POST /v1/merchants (needs admin)"}` unless the authenticated
 * operator's role is at least `role`. A request that did not pass authenticate is an error (500):
 * a guard without authentication in front of it must fail closed, and loudly.
 */
export function requireRole(role: Role): RequestHandler {
  return (req, res, next) => {
    const a = authenticated.get(res);
    if (!a) {
      next(new Error(`requireRole(${role}) on ${req.method} ${req.originalUrl.split('?')[0]}: the request was not authenticated (mount adminAuth in front)`));
      return;
    }
    if (roleAtLeast(a.operator.role, role)) {
      next();
      return;
    }
    const what = `${req.method} ${req.baseUrl}${typeof req.route?.path === 'string' ? req.route.path : req.path}`;
    a.log.warn({ operator: a.operator.name, role: a.operator.role, needs: role, route: what, requestId: a.requestId }, 'admin API: refused for the role');
    res.status(403).json({ error: `role ${a.operator.role} may not ${what} (needs ${role})` });
  };
}

/**
 * Appends to the audit log: {id, at, operator (the token's name), role, action, target, requestId,
 * details}. Call it after a change succeeded, before answering. Details keys that look like secrets
 * (token, secret, password, …) are dropped and any configured token in a value is replaced, so no
 * secret reaches the log. Rejects when the entry could not be written (the caller answers 503; the
 * change itself stands, so the client's retry must be idempotent or be refused as a conflict).
 */
export async function audit(res: Response, entry: { action: string; target: string; details?: Record<string, unknown> }): Promise<void> {
  const a = authenticated.get(res);
  if (!a) throw new Error(`audit(${entry.action}): the request was not authenticated`);
  const details = scrub(entry.details ?? {}, a.tokenDigests, 0) as Record<string, unknown>;
  try {
    await a.auditLog.append({ operator: a.operator.name, role: a.operator.role, action: entry.action, target: entry.target, requestId: a.requestId, details });
  } catch (err) {
    a.log.error({ err: (err as Error).message, action: entry.action, operator: a.operator.name, requestId: a.requestId }, 'admin API: a change was applied but its audit entry could not be written');
    throw err;
  }
}

const SECRET_KEY = /token|secret|passw|pwd|authorization|api[-_]?key|credential|cookie|private/i;

function scrub(value: unknown, tokenDigests: readonly Buffer[], depth: number): unknown {
  if (typeof value === 'string') return tokenDigests.length && matchingToken(value, tokenDigests) >= 0 ? '[redacted]' : value;
  if (value === null || typeof value !== 'object') return value;
  if (depth >= 5) return '[nested too deep]';
  if (Array.isArray(value)) return value.map((v) => scrub(v, tokenDigests, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    if (SECRET_KEY.test(k) || v === undefined) continue;
    out[k] = scrub(v, tokenDigests, depth + 1);
  }
  return out;
}

function requestIdOf(req: Request): string {
  const given = req.get('x-request-id');
  return given !== undefined && SAFE_REQUEST_ID.test(given) ? given : randomUUID();
}

/**
 * The client's address: req.ip, which without Express's `trust proxy` is the socket's peer. An
 * IPv4-mapped IPv6 address counts as its IPv4 address. Whatever it is, only a bounded, key-safe
 * text (or its digest) goes into the Redis key.
 */
function clientAddress(req: Request): string {
  const raw = (req.ip ?? req.socket.remoteAddress ?? 'unknown').replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/i, '');
  return /^[0-9A-Za-z:._%-]{1,64}$/.test(raw) ? raw : `h:${createHash('sha256').update(raw).digest('hex').slice(0, 32)}`;
}
