import assert from 'node:assert/strict';
import { http, httpAnswer } from '../support/http';
import { adminRig, paymentId, TOKEN, type Body } from './support/admin-rig';

// Who may use the admin API at all (in-process, real redis): the bearer token, and failing closed.

describe('admin API: authentication (in-process, real redis)', function () {
  this.timeout(10000);
  const rig = adminRig();

  it('401 with WWW-Authenticate: Bearer when the token is missing', async () => {
    const res = await httpAnswer('GET', `${rig.base}/v1/merchants/SHOP1`);
    assert.equal(res.status, 401);
    assert.match(res.headers['www-authenticate'] ?? '', /^Bearer\b/);
    assert.deepEqual(res.body, { error: 'missing bearer token' });
  });

  it('401 for a wrong token of any length, and for another scheme', async () => {
    for (const token of ['x', TOKEN.slice(0, -1) + 'X', TOKEN + 'extra', 'a'.repeat(500)]) {
      const res = await rig.api('GET', '/v1/merchants/SHOP1', undefined, token);
      assert.equal(res.status, 401, token);
      assert.equal(res.body.error, 'invalid bearer token');
    }
    const basic = await rig.api('GET', '/v1/merchants/SHOP1', undefined, null, { authorization: `Basic ${Buffer.from(`a:${TOKEN}`).toString('base64')}` });
    assert.equal(basic.status, 401);
  });

  it('401 on every admin endpoint without a valid token, writing nothing', async () => {
    const A = await rig.enrol('1.00');
    // Failed authentications are counted in Redis (keys.authFailures); nothing else may be written.
    const countedFailure = rig.keys.authFailures('');
    const otherKeys = async () => (await rig.redis.keys('*')).filter((k) => !k.startsWith(countedFailure)).sort();
    const before = await otherKeys();
    const endpoints: Array<[string, string, unknown]> = [
      ['POST', '/v1/subscribers', { msisdn: '254700000099' }],
      ['GET', `/v1/subscribers/${A}`, undefined],
      ['POST', `/v1/subscribers/${A}/devices`, { msisdn: '254711000099' }],
      ['DELETE', `/v1/subscribers/${A}/devices/254711000099`, undefined],
      ['POST', `/v1/subscribers/${A}/credits`, { amount: '1.00', reference: 'r' }],
      ['POST', `/v1/subscribers/${A}/unlock`, undefined],
      ['POST', '/v1/merchants', { code: 'SHOP99', name: 'x' }],
      ['GET', '/v1/merchants/SHOP99', undefined],
      ['GET', `/v1/payments/${paymentId(1)}`, undefined],
      ['GET', `/v1/payments?msisdn=${A}`, undefined],
    ];
    const version = await rig.version(A);
    for (const [method, path, body] of endpoints) {
      for (const token of [null, 'wrong-token-wrong-token']) {
        const res = await rig.api(method, path, body, token);
        assert.equal(res.status, 401, `${method} ${path} ${token}`);
      }
    }
    assert.deepEqual(await otherKeys(), before);
    assert.equal(await rig.version(A), version);
    assert.ok((await rig.redis.keys(rig.keys.authFailures('*'))).length > 0, 'the wrong tokens were counted');
  });

  it('accepts the scheme case-insensitively; health stays open; unknown /v1 paths are 404', async () => {
    assert.equal((await rig.api('GET', '/v1/merchants/NOPE', undefined, null, { authorization: `bearer ${TOKEN}` })).status, 404);
    assert.equal((await http(`GET`, `${rig.base}/healthz`)).status, 200);
    assert.equal((await rig.api('GET', '/v1/nothing-here')).status, 404);
  });

  it('503 when ADMIN_TOKEN is not set (fails closed)', async () => {
    const off = await rig.serve({ ...rig.config, adminToken: null }, rig.redis);
    try {
      const res = await http<Body>('GET', `${off.base}/v1/merchants/SHOP1`, undefined, { authorization: 'Bearer anything-at-all-here' });
      assert.equal(res.status, 503);
      assert.deepEqual(res.body, { error: 'admin API disabled: ADMIN_TOKEN is not set' });
    } finally {
      await off.close();
    }
  });
});
