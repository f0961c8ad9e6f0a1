import assert from 'node:assert/strict';
import { createFailFastConnection } from '../../src/store/redis';
import { freePort } from '../../src/store/redis-server';
import { registerScripts } from '../../src/store/scripts';
import { http } from '../support/http';
import { waitFor } from '../support/wait';
import { adminRig, TOKEN, type Body } from './support/admin-rig';

// The admin API under operations (in-process, real redis): Redis gone, and what its logs show.

describe('admin API: operations (in-process, real redis)', function () {
  this.timeout(10000);
  const rig = adminRig();
  const { api } = rig;

  it('503 (not 500) while Redis is unreachable', async () => {
    const deadRedis = createFailFastConnection({ url: `redis://127.0.0.1:${await freePort()}` }, 'dead', rig.config.redis.failFastTimeoutMs);
    deadRedis.on('error', () => undefined);
    const dead = await rig.serve(rig.config, deadRedis, registerScripts(deadRedis));
    try {
      const res = await http<Body>('GET', `${dead.base}/v1/subscribers/${rig.msisdn()}`, undefined, { authorization: `Bearer ${TOKEN}` });
      assert.equal(res.status, 503);
      const post = await http<Body>('POST', `${dead.base}/v1/merchants`, { code: 'X1', name: 'x' }, { authorization: `Bearer ${TOKEN}` });
      assert.equal(post.status, 503);
    } finally {
      await dead.close();
      deadRedis.disconnect();
    }
  });

  it('logs mask MSISDNs and never contain the token', async () => {
    // Every change that logs a number: enrol, bind, credit, unlock, unbind.
    const A = await rig.enrol('1.00');
    const D = rig.msisdn('device');
    assert.equal((await api('POST', `/v1/subscribers/${A}/devices`, { msisdn: D })).status, 201);
    assert.equal((await api('POST', `/v1/subscribers/${A}/credits`, { amount: '1.00', reference: 'logged' })).status, 201);
    assert.equal((await api('POST', `/v1/subscribers/${A}/unlock`)).status, 200);
    assert.equal((await api('DELETE', `/v1/subscribers/${A}/devices/${D}`)).status, 204);
    const masked = (m: string) => `${m.slice(0, 4)}****${m.slice(-4)}`;
    const text = await waitFor('the unbinding logged', async () => (rig.logText().includes('device unbound') ? rig.logText() : null), 2000);
    assert.ok(text.includes(masked(A)), `the log names ${masked(A)}`);
    assert.ok(text.includes(masked(D)), `the log names ${masked(D)}`);
    for (const secret of [TOKEN, ...rig.issued()]) assert.equal(text.includes(secret), false, `log contains ${secret}`);
  });
});
