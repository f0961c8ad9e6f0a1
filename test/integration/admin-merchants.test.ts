import assert from 'node:assert/strict';
import { adminRig } from './support/admin-rig';

// Creating and reading merchants through the admin API (in-process, real redis).

describe('admin API: merchants (in-process, real redis)', function () {
  this.timeout(10000);
  const rig = adminRig();
  const { api } = rig;

  it('creates (201, code upper-cased), 409 when it exists, reads with balance, 404 unknown', async () => {
    const res = await api('POST', '/v1/merchants', { code: 'shop42', name: 'Corner Shop' });
    assert.equal(res.status, 201);
    assert.equal(res.body.code, 'SHOP42');
    assert.deepEqual(res.body.balance, { amount: '0.00', currency: 'KES' });
    assert.equal((await api('POST', '/v1/merchants', { code: 'SHOP42', name: 'Other' })).status, 409);
    const got = await api('GET', '/v1/merchants/Shop42');
    assert.equal(got.status, 200);
    assert.deepEqual(got.body, { code: 'SHOP42', name: 'Corner Shop', balance: { amount: '0.00', currency: 'KES' }, createdAt: res.body.createdAt });
    assert.equal((await api('GET', '/v1/merchants/NOPE99')).status, 404);
    assert.equal(await rig.redis.zscore(rig.keys.merchantIndex(), 'SHOP42'), String(res.body.createdAt));
  });

  it('400 for bad codes and names', async () => {
    const cases: Array<[unknown, RegExp]> = [
      [{ code: 'A', name: 'x' }, /^code: must be 2 to 20/],
      [{ code: 'SHOP-1', name: 'x' }, /^code: must be 2 to 20/],
      [{ code: 'A'.repeat(21), name: 'x' }, /^code: must be 2 to 20/],
      [{ code: 'ÄBC', name: 'x' }, /^code: must be 2 to 20/],
      [{ code: 'SHOP9' }, /^name: required$/],
      [{ code: 'SHOP9', name: 'x', balance: '5.00' }, /^balance: unknown field$/],
    ];
    for (const [body, error] of cases) {
      const res = await api('POST', '/v1/merchants', body);
      assert.equal(res.status, 400, JSON.stringify(body));
      assert.match(res.body.error, error);
    }
    assert.equal((await api('GET', '/v1/merchants/a-b')).status, 400);
    assert.equal(await rig.redis.exists(rig.keys.merchant('SHOP9')), 0);
  });
});
