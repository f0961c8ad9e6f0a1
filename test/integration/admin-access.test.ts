import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import express from 'express';
import pino from 'pino';
import type { Redis } from 'ioredis';
import { createKeys } from '../../src/store/keys';
import { AuditLog } from '../../src/store/audit';
import { audit, authenticate, requireRole } from '../../src/http/access';
import type { RedisServer } from '../../src/store/redis-server';
import { startRedis } from '../support/processes';
import { call, listen, type Listening } from './support/admin-rig';

// src/http/access.ts on its own (in-process app of test routes, real redis): what audit() keeps out
// of an entry, and guards that fail closed.

describe('access.ts in-process: audit() keeps secrets out; guards fail closed', function () {
  this.timeout(10000);
  const TOKEN = 'in-process-admin-token-0123456789';
  const sha = (s: string) => createHash('sha256').update(s).digest('hex');
  let redisServer: RedisServer & { client(): Redis };
  let redis: Redis;
  let app: Listening;
  const keys = createKeys('t');
  const log = pino({ level: 'silent' });

  before(async () => {
    redisServer = await startRedis();
    redis = redisServer.client();
    const routes = express();
    const auth = authenticate({ tokens: [{ name: 'ops', role: 'operator', tokenSha256: sha(TOKEN) }], redis, keys, log, limits: { authFailuresPerMinute: 10 } });
    routes.post('/scrub', auth, auth, requireRole('operator'), async (_req, res) => {
      await audit(res, {
        action: 'test.scrub',
        target: 'x',
        details: { password: 'p', apiToken: 't', api_key: 'k', nested: { clientSecret: 's', fine: 1, deeper: { Authorization: 'Bearer x', ok: true } }, echo: TOKEN, list: [TOKEN, 'ok'], note: 'kept' },
      });
      res.json({ operator: res.locals.operator, requestId: res.locals.requestId });
    });
    routes.post('/admin-only', auth, requireRole('admin'), (_req, res) => {
      res.json({ ok: true });
    });
    routes.get('/unguarded', requireRole('viewer'), (_req, res) => {
      res.json({ ok: true });
    });
    routes.get('/unaudited', async (_req, res) => {
      await audit(res, { action: 'x', target: 'y' });
      res.json({ ok: true });
    });
    routes.use((err: Error, _req: express.Request, res: express.Response, _next: express.NextFunction) => {
      res.status(500).json({ error: err.message });
    });
    app = await listen(routes);
  });

  after(async () => {
    await app?.close();
    await redis?.quit();
    await redisServer?.stop();
  });

  it('drops secret-looking keys and configured tokens from details; authenticating twice is one authentication', async () => {
    const before = await redis.xlen(keys.auditLog());
    const res = await call(app.port, 'POST', '/scrub', { token: TOKEN, headers: { 'x-request-id': 'scrub-1' } });
    assert.equal(res.status, 200);
    assert.deepEqual(res.body, { operator: { name: 'ops', role: 'operator' }, requestId: 'scrub-1' });
    const { entries } = await new AuditLog(redis, keys).list({ after: String(before), limit: 10 });
    assert.equal(entries.length, 1);
    assert.deepEqual(entries[0].details, { nested: { fine: 1, deeper: { ok: true } }, echo: '[redacted]', list: ['[redacted]', 'ok'], note: 'kept' });
    assert.equal(entries[0].operator, 'ops');
    assert.equal(entries[0].requestId, 'scrub-1');
    assert.equal(JSON.stringify(await redis.xrange(keys.auditLog(), '-', '+')).includes(TOKEN), false);
  });

  it('requireRole answers 403 below the role, and 500 (never lets through) without authentication', async () => {
    const before = await redis.xlen(keys.auditLog());
    const res = await call(app.port, 'POST', '/admin-only', { token: TOKEN });
    assert.equal(res.status, 403);
    assert.equal(res.body.error, 'role operator may not POST /admin-only (needs admin)');
    const bare = await call(app.port, 'GET', '/unguarded');
    assert.equal(bare.status, 500);
    assert.match(bare.body.error, /not authenticated/);
    const unaudited = await call(app.port, 'GET', '/unaudited');
    assert.equal(unaudited.status, 500);
    assert.equal(await redis.xlen(keys.auditLog()), before, 'nothing audited without an operator');
  });
});
