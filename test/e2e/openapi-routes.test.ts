import assert from 'node:assert/strict';
import { Queue } from 'bullmq';
import pino from 'pino';
import type { Redis } from 'ioredis';
import { loadConfig } from '../../src/config';
import { apiRoutes } from '../../src/http/api';
import { openApiPath } from '../../src/http/openapi';
import type { ApiRoute } from '../../src/http/registry';
import { createKeys } from '../../src/store/keys';
import { registerScripts } from '../../src/store/scripts';
import { http, httpAnswer } from '../support/http';
import { codeOf, E2E_TOKEN, startSystem, type System } from '../support/system';

// Every route the OpenAPI document names, called on a running system (simpair as its own process,
// real redis-server, the simulator over SMPP) with real values — a completed payment, its
// subscriber, device and merchant: none answers the app's "not found" (so none is documented
// without being served), each answers a status the document lists, and each success body has
// the documented shape (the zod schema of that answer).

type Call = { path: string; body?: unknown };

describe('OpenAPI: every documented route answers as documented (whole system)', function () {
  this.timeout(120_000);
  let sys: System;
  let routes: ApiRoute[];
  let redis: Redis;
  let main: string;
  let device: string;
  let paymentId: string;

  before(async () => {
    sys = await startSystem({ numberPrefix: '2548' });
    ({ main, device } = await sys.enrol('50.00'));
    await sys.sendSms(main, 'PAY 10.00 SHOP42');
    await sys.sendSms(device, `PAY 10.00 SHOP42 ${codeOf(await sys.nthMessage(main, 1, /code/))}`);
    await sys.nthMessage(main, 2, /Paid 10\.00/);
    const list = await sys.admin<{ payments: Array<{ id: string; state: string }> }>('GET', `/v1/payments?msisdn=${main}`);
    paymentId = list.body.payments.find((p) => p.state === 'completed')!.id;
    // The route list as the api role builds it (the same function), on a client of the system's Redis.
    redis = sys.redis.client();
    const config = loadConfig({ REDIS_URL: sys.redis.url });
    routes = apiRoutes({ redis, keys: createKeys(config.redis.keyPrefix), scripts: registerScripts(redis), config, log: pino({ level: 'silent' }), queues: [] as Queue[], onPosting: async () => undefined }).all;
  });

  after(async () => {
    redis?.disconnect();
    await sys?.stop();
  });

  /** Real values for each route's parameters, and a body that the route accepts. */
  function callOf(r: ApiRoute): Call {
    // OAPI1 is created by POST /v1/merchants, which comes before the other merchant routes.
    const path = r.path.replace(':msisdn', main).replace(':deviceMsisdn', device).replace(':code', 'OAPI1').replace(':id', paymentId);
    const query: Record<string, string> = { '/v1/payments': `?msisdn=${main}`, '/v1/ledger/recent': `?account=subscriber:${main}` };
    const bodies: Record<string, unknown> = {
      'POST /v1/subscribers': { msisdn: '254899000001', name: 'OpenAPI check' },
      'POST /v1/subscribers/:msisdn/devices': { msisdn: '254899000002' },
      'POST /v1/subscribers/:msisdn/credits': { amount: '1.00', reference: 'openapi-credit' },
      'POST /v1/subscribers/:msisdn/unlock': { reason: 'openapi check' },
      'POST /v1/merchants': { code: 'OAPI1', name: 'OpenAPI shop', webhookUrl: 'https://example.invalid/hook' },
      'POST /v1/payments/:id/refunds': { amount: '1.00', reference: 'openapi-refund' },
    };
    const key = `${r.method.toUpperCase()} ${r.path}`;
    return { path: `${path}${query[r.path] ?? ''}`, ...(key in bodies ? { body: bodies[key] } : {}) };
  }

  let doc: { paths: Record<string, Record<string, { responses: Record<string, unknown> }>> };

  before(async () => {
    doc = (await http<typeof doc>('GET', `${sys.app.baseUrl}/openapi.json`)).body;
  });

  it('covers every route of the document', async () => {
    const documented = Object.entries(doc.paths).flatMap(([p, ops]) => Object.keys(ops).map((m) => `${m} ${p}`)).sort();
    assert.deepEqual(routes.map((r) => `${r.method} ${openApiPath(r.path)}`).sort(), documented);
  });

  it('each route answers a documented success with the documented shape, never the app\'s 404', async () => {
    // Unbinding goes last: the other calls use the device.
    const ordered = [...routes.filter((r) => r.method !== 'delete'), ...routes.filter((r) => r.method === 'delete')];
    const seen: string[] = [];
    for (const r of ordered) {
      const { path, body } = callOf(r);
      const what = `${r.method.toUpperCase()} ${path}`;
      const res = await httpAnswer(r.method.toUpperCase(), `${sys.app.baseUrl}${path}`, body || undefined, { authorization: `Bearer ${E2E_TOKEN}` });
      const text = res.text;
      assert.notEqual(res.status, 404, `${what}: 404 ${text}`);
      const listed = Object.keys(doc.paths[openApiPath(r.path)][r.method].responses);
      assert.ok(listed.includes(String(res.status)), `${what}: ${res.status} is not documented (${listed.join(', ')}): ${text}`);
      assert.ok(res.status < 300, `${what}: ${res.status} ${text}`);
      const spec = r.responses[res.status];
      if (spec.schema) {
        const parsed = spec.schema.safeParse(spec.contentType ? text : JSON.parse(text));
        assert.ok(parsed.success, `${what}: the answer does not have the documented shape: ${parsed.success ? '' : parsed.error.message}\n${text.slice(0, 500)}`);
      }
      seen.push(what);
    }
    assert.equal(seen.length, routes.length);
  });

  it('the api role exports the queue depths for the dashboard and the alerts', async () => {
    const text = (await http<string>('GET', `${sys.app.baseUrl}/metrics`)).body;
    for (const queue of ['mo', 'mt', 'merchant']) assert.match(text, new RegExp(`^simpair_queue_jobs\\{queue="${queue}",state="waiting"\\} \\d+$`, 'm'));
  });
});
