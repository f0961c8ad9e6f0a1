import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { Queue } from 'bullmq';
import pino from 'pino';
import type { Redis } from 'ioredis';
import { Validator } from '@seriousme/openapi-schema-validator';
import { loadConfig } from '../../src/config';
import { createApiApp } from '../../src/http/api';
import { CONSOLE_CSP } from '../../src/http/console';
import { openApiPath } from '../../src/http/openapi';
import { createKeys } from '../../src/store/keys';
import { registerScripts } from '../../src/store/scripts';
import { http, httpAnswer } from '../support/http';
import { startRedis } from '../support/processes';
import { servedRoutes } from '../support/served-routes';

// GET /openapi.json against the app the api role serves (in-process, real redis-server): a valid
// OpenAPI 3.1 document, describing exactly the routes the Express router serves — none missing,
// none extra — with roles, the bearer scheme, parameters, bodies and error shapes. Calling every
// documented route against a running system is test/e2e/openapi-routes.test.ts.

const TOKEN = 'openapi-admin-token-0123456789';

type Doc = {
  openapi: string;
  paths: Record<string, Record<string, Operation>>;
  components: { securitySchemes: Record<string, { type: string; scheme: string }>; schemas: Record<string, unknown> };
};
type Operation = {
  'x-roles': string[];
  security: unknown[];
  parameters?: Array<{ name: string; in: string; required: boolean }>;
  requestBody?: { content: Record<string, { schema: { properties?: Record<string, unknown>; required?: string[] } }> };
  responses: Record<string, { content?: Record<string, { schema: { $ref?: string } }> }>;
};

/** `METHOD /path` (Express syntax) of every operation in the document. */
function documentedRoutes(doc: Doc): string[] {
  return Object.entries(doc.paths)
    .flatMap(([p, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${p.replace(/\{([^}]+)\}/g, ':$1')}`))
    .sort();
}

describe('OpenAPI document (in-process, real redis)', function () {
  this.timeout(15000);
  let redisServer: Awaited<ReturnType<typeof startRedis>>;
  let redis: Redis;
  let server: Server;
  let base: string;
  let app: ReturnType<typeof createApiApp>;
  let queues: Queue[];
  let doc: Doc;

  before(async () => {
    redisServer = await startRedis();
    redis = redisServer.client();
    const config = loadConfig({ ADMIN_TOKENS: `root=admin:${TOKEN},audit=viewer:viewer-token-0123456789`, REDIS_URL: redisServer.url, CONSOLE_TIME_ZONE: 'Europe/Berlin' });
    const keys = createKeys(config.redis.keyPrefix);
    queues = ['mo', 'mt', 'merchant'].map((q) => new Queue(q, { connection: redis, prefix: config.redis.queuePrefix }));
    app = createApiApp({ redis, keys, scripts: registerScripts(redis), config, log: pino({ level: 'silent' }), queues, onPosting: async () => undefined });
    server = await new Promise<Server>((resolve) => {
      const s = app.listen(0, '127.0.0.1', () => resolve(s));
    });
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const res = await http<Doc>('GET', `${base}/openapi.json`);
    assert.equal(res.status, 200, 'served without a token');
    doc = res.body;
  });

  after(async () => {
    await new Promise((resolve) => server?.close(resolve));
    await Promise.all((queues ?? []).map((q) => q.close()));
    redis?.disconnect();
    await redisServer?.stop();
  });

  it('is a valid OpenAPI 3.1 document (checked by a validator)', async () => {
    assert.equal(doc.openapi, '3.1.0');
    const result = await new Validator().validate(doc as unknown as Record<string, unknown>);
    assert.equal(result.valid, true, JSON.stringify(result.errors, null, 1));
  });

  it('documents exactly the routes the app serves: none missing, none extra', () => {
    const served = servedRoutes(app);
    assert.ok(served.length >= 25, `${served.length} routes served`);
    assert.deepEqual(documentedRoutes(doc), served);
  });

  it('the comparison finds a route served without a registry entry', () => {
    const before = servedRoutes(app);
    app.get('/v1/undocumented', (_req, res) => res.end());
    try {
      const extra = servedRoutes(app).filter((r) => !documentedRoutes(doc).includes(r));
      assert.deepEqual(extra, ['GET /v1/undocumented']);
    } finally {
      const stack = (app as unknown as { router: { stack: unknown[] } }).router.stack;
      stack.pop();
      assert.deepEqual(servedRoutes(app), before);
    }
  });

  it('every operation names its roles, the bearer scheme, its path parameters and its error shape', () => {
    assert.deepEqual(doc.components.securitySchemes.bearerAuth, { ...doc.components.securitySchemes.bearerAuth, type: 'http', scheme: 'bearer' });
    for (const [p, ops] of Object.entries(doc.paths)) {
      for (const [m, op] of Object.entries(ops)) {
        const what = `${m.toUpperCase()} ${p}`;
        const pathParams = [...p.matchAll(/\{([^}]+)\}/g)].map((x) => x[1]);
        assert.deepEqual(op.parameters?.filter((x) => x.in === 'path').map((x) => x.name) ?? [], pathParams, `${what}: path parameters`);
        if (p.startsWith('/v1/')) {
          assert.ok(op['x-roles'].length > 0, `${what}: x-roles`);
          assert.deepEqual(op.security, [{ bearerAuth: [] }], `${what}: bearer`);
          for (const status of ['401', '403']) assert.equal(op.responses[status]?.content?.['application/json'].schema.$ref, '#/components/schemas/Error', `${what}: ${status}`);
        } else {
          assert.deepEqual(op.security, [], `${what}: public`);
        }
        assert.ok(Object.keys(op.responses).some((s) => s.startsWith('2')), `${what}: a success answer`);
      }
    }
    assert.deepEqual(doc.paths['/v1/merchants'].post['x-roles'], ['admin']);
    assert.deepEqual(doc.paths['/v1/subscribers/{msisdn}/unlock'].post['x-roles'], ['operator', 'admin']);
  });

  it('request bodies are the schemas that validate them (fields, required, no unknown fields)', async () => {
    const bind = doc.paths['/v1/subscribers/{msisdn}/devices'].post.requestBody!.content['application/json'].schema as { properties: Record<string, unknown>; required: string[]; additionalProperties: boolean };
    assert.deepEqual(Object.keys(bind.properties).sort(), ['imsi', 'label', 'mac', 'msisdn', 'pin']);
    assert.deepEqual(bind.required, ['msisdn']);
    assert.equal(bind.additionalProperties, false);
    // …and the served route refuses what the document does not allow, with the same words.
    const res = await http<{ error: string }>('POST', `${base}/v1/subscribers/254700000001/devices`, { msisdn: '254700000002', colour: 'red' }, { authorization: `Bearer ${TOKEN}` });
    assert.deepEqual(res, { status: 400, body: { error: 'colour: unknown field' } });
    assert.equal(openApiPath('/v1/a/:b/c/:d'), '/v1/a/{b}/c/{d}');
  });

  it('whoami and the console settings tell the console who signed in and how to show money and times', async () => {
    assert.deepEqual((await http('GET', `${base}/v1/whoami`, undefined, { authorization: 'Bearer viewer-token-0123456789' })).body, { name: 'audit', role: 'viewer' });
    const s = await http<Record<string, unknown>>('GET', `${base}/v1/console/settings`, undefined, { authorization: `Bearer ${TOKEN}` });
    assert.equal(s.body.timeZone, 'Europe/Berlin');
    assert.equal(s.body.currency, 'KES');
    assert.equal((await http('GET', `${base}/v1/whoami`)).status, 401);
  });

  it('serves the console with a strict Content-Security-Policy and no inline script', async () => {
    const res = await httpAnswer('GET', `${base}/console/`);
    assert.equal(res.status, 200);
    assert.equal(res.headers['content-security-policy'], CONSOLE_CSP);
    assert.match(CONSOLE_CSP, /script-src 'self'(;|$)/);
    assert.equal(res.headers['x-frame-options'], 'DENY');
    const html = res.text;
    assert.doesNotMatch(html, /<script(?![^>]*\bsrc=)[^>]*>/i, 'every script has a src');
    assert.doesNotMatch(html, /\son[a-z]+=|style=|https?:\/\//i, 'no inline handlers, styles or foreign URLs');
    const js = await httpAnswer('GET', `${base}/console/js/main.js`);
    assert.match(js.headers['content-type'] ?? '', /javascript/);
    assert.equal((await http('GET', `${base}/console/../package.json`)).status, 404);
  });
});
