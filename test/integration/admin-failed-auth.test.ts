import assert from 'node:assert/strict';
import { waitFor } from '../support/wait';
import { call, operatorsRig, T, WRONG } from './support/admin-rig';

// Wrong tokens against a real simpair API process (the api role alone) and a real redis-server:
// the 429 rule for an address that keeps presenting them, and a process output that never shows a
// token. Each test presents its wrong tokens from an address of its own (127.0.0.0/8 is all local).

describe('admin API: failed authentications (api process, real redis)', function () {
  this.timeout(30000);
  const rig = operatorsRig();

  describe('too many failed authentications from one address', () => {
    before(async () => {
      assert.equal((await call(rig.api.httpPort, 'POST', '/v1/merchants', { token: T.treasury, body: { code: 'SHOP1', name: 'Shop one' } })).status, 201);
    });
    const metric = async (outcome: string): Promise<number> => {
      const text = (await call(rig.api.httpPort, 'GET', '/metrics')).text;
      const m = new RegExp(`^simpair_http_auth_failures_total\\{outcome="${outcome}"\\} (\\d+)$`, 'm').exec(text);
      assert.ok(m, `no simpair_http_auth_failures_total{outcome="${outcome}"}`);
      return Number(m[1]);
    };
    /** The 10 wrong tokens within a minute after which an address is refused. */
    const tenWrongTokens = async (from: string) => {
      for (let i = 0; i < 10; i += 1) {
        const res = await call(rig.api.httpPort, 'GET', '/v1/merchants/SHOP1', { token: `${WRONG}-${i}`, from });
        assert.equal(res.status, 401, `attempt ${i + 1}`);
      }
    };

    it('after 10 wrong tokens within a minute: 429 with Retry-After, even with a right token, from that address only', async () => {
      const ATTACKER = '127.0.0.2';
      const invalid0 = await metric('invalid');
      const limited0 = await metric('rate_limited');
      const missing0 = await metric('missing');
      await tenWrongTokens(ATTACKER);
      assert.equal(await metric('invalid'), invalid0 + 10);
      const ttl = await rig.redis.pttl(rig.keys.authFailures(ATTACKER));
      assert.ok(ttl > 0 && ttl <= 60_000, `the counter expires with its minute (${ttl} ms)`);

      for (const token of [WRONG, T.treasury, null]) {
        const res = await call(rig.api.httpPort, 'GET', '/v1/merchants/SHOP1', { token, from: ATTACKER });
        assert.equal(res.status, 429, String(token && token.slice(0, 5)));
        const retryAfter = Number(res.headers['retry-after']);
        assert.ok(Number.isInteger(retryAfter) && retryAfter >= 1 && retryAfter <= 60, `Retry-After ${res.headers['retry-after']}`);
        assert.match(res.body.error, /too many failed authentications/);
        assert.ok(res.headers['x-request-id']);
      }
      assert.equal(await metric('rate_limited'), limited0 + 3);
      assert.equal(await metric('missing'), missing0, 'a refused request is counted once, as rate_limited');
      assert.equal(await metric('invalid'), invalid0 + 10, 'wrong tokens during the penalty do not extend it');

      // Another address is not affected.
      assert.equal((await call(rig.api.httpPort, 'GET', '/v1/merchants/SHOP1', { token: T.treasury })).status, 200);
    });

    it('the count is shared by every API process (it is in Redis)', async () => {
      const ATTACKER = '127.0.0.3';
      await tenWrongTokens(ATTACKER);
      const other = await rig.startApi({ ADMIN_TOKEN: T.single }, T.single);
      try {
        assert.equal((await call(other.httpPort, 'GET', '/v1/merchants/SHOP1', { token: T.single, from: ATTACKER })).status, 429);
        assert.equal((await call(other.httpPort, 'GET', '/v1/merchants/SHOP1', { token: T.single })).status, 200);
      } finally {
        await other.stop();
      }
    });

    it('when the minute has passed, the right token works again', async () => {
      const ATTACKER = '127.0.0.4';
      await tenWrongTokens(ATTACKER);
      assert.equal((await call(rig.api.httpPort, 'GET', '/v1/merchants/SHOP1', { token: T.treasury, from: ATTACKER })).status, 429);
      await rig.redis.pexpire(rig.keys.authFailures(ATTACKER), 1);
      await waitFor('the minute to pass', async () => (await rig.redis.exists(rig.keys.authFailures(ATTACKER))) === 0);
      assert.equal((await call(rig.api.httpPort, 'GET', '/v1/merchants/SHOP1', { token: T.treasury, from: ATTACKER })).status, 200);
      assert.equal(await rig.redis.exists(rig.keys.authFailures(ATTACKER)), 0, 'a success neither counts nor resets anything');
    });

    it('missing tokens alone do not lead to 429 (only wrong ones are counted)', async () => {
      const ATTACKER = '127.0.0.5';
      for (let i = 0; i < 12; i += 1) assert.equal((await call(rig.api.httpPort, 'GET', '/v1/audit', { from: ATTACKER })).status, 401);
      assert.equal((await call(rig.api.httpPort, 'GET', '/v1/audit', { token: T.audit, from: ATTACKER })).status, 200);
    });
  });

  describe('the process output', () => {
    it('never shows a token, right or wrong', async () => {
      const out = await rig.presentTokens(rig.api, [...Object.values(T), WRONG]);
      assert.match(out, /simpair ready/);
      assert.match(out, /invalid bearer token/, 'the failures are logged');
      for (const t of [...Object.values(T), WRONG]) assert.equal(out.includes(t), false, 'a token in the output');
    });
  });
});
