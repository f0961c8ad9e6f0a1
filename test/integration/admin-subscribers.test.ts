import assert from 'node:assert/strict';
import { adminRig, national, TOKEN } from './support/admin-rig';

// Enrolling, reading and unlocking subscribers through the admin API (in-process, real redis).
// Each test enrols the subscribers it reads, with numbers no other test uses.

describe('admin API: subscribers (in-process, real redis)', function () {
  this.timeout(10000);
  const rig = adminRig();
  const { api } = rig;

  describe('POST /v1/subscribers and GET /v1/subscribers/:msisdn', () => {
    it('enrols with the opening balance as a credit and returns the subscriber (201)', async () => {
      const A = rig.msisdn();
      const res = await api('POST', '/v1/subscribers', { msisdn: `+${A}`, imsi: '639020000000001', name: 'Amina', balance: '100.00' });
      assert.equal(res.status, 201);
      const { createdAt, ...rest } = res.body;
      assert.ok(typeof createdAt === 'number' && createdAt > 0);
      assert.deepEqual(rest, {
        msisdn: A,
        imsi: '639020000000001',
        name: 'Amina',
        balance: { amount: '100.00', currency: 'KES' },
        locked: false,
        failedAuth: 0,
        devices: [],
      });
      assert.equal(await rig.redis.hget(rig.keys.credits(A), 'opening'), '10000');
      assert.equal(await rig.version(A), 1);
      await rig.assertLedgerBalanced();
    });

    it('accepts 254…, +254… and national spellings and always answers E.164 digits', async () => {
      const B = rig.msisdn();
      const res = await api('POST', '/v1/subscribers', { msisdn: national(B) });
      assert.equal(res.status, 201);
      assert.equal(res.body.msisdn, B);
      assert.deepEqual(res.body.balance, { amount: '0.00', currency: 'KES' });
      for (const spelling of [B, `+${B}`, national(B), B.slice(3)]) {
        const got = await api('GET', `/v1/subscribers/${encodeURIComponent(spelling)}`);
        assert.equal(got.status, 200, spelling);
        assert.equal(got.body.msisdn, B);
      }
      const zero = await api('POST', '/v1/subscribers', { msisdn: rig.msisdn(), balance: '0.00' });
      assert.equal(zero.status, 201);
      assert.equal(zero.body.balance.amount, '0.00');
    });

    it('409 when the MSISDN is already a subscriber, in any spelling', async () => {
      const A = await rig.enrol('100.00');
      const res = await api('POST', '/v1/subscribers', { msisdn: national(A), balance: '5.00' });
      assert.equal(res.status, 409);
      assert.match(res.body.error, /^msisdn: already a subscriber/);
      assert.equal((await api('GET', `/v1/subscribers/${A}`)).body.balance.amount, '100.00');
      await rig.assertLedgerBalanced();
    });

    it('404 for an unknown subscriber; 400 naming the field for a non-numeric MSISDN in the path', async () => {
      const res = await api('GET', '/v1/subscribers/254799999999');
      assert.equal(res.status, 404);
      assert.deepEqual(res.body, { error: 'subscriber not found' });
      const bad = await api('GET', '/v1/subscribers/not-a-number');
      assert.equal(bad.status, 400);
      assert.match(bad.body.error, /^msisdn: not a valid MSISDN/);
    });

    const bad: Array<[string, unknown, RegExp]> = [
      ['unknown field', { msisdn: '254700000020', role: 'admin' }, /^role: unknown field$/],
      ['wrong type', { msisdn: 254700000020 }, /^msisdn: must be a string$/],
      ['missing field', { name: 'x' }, /^msisdn: required$/],
      ['non-numeric MSISDN', { msisdn: 'bob' }, /^msisdn: not a valid MSISDN/],
      ['too short MSISDN', { msisdn: '12' }, /^msisdn: not a valid MSISDN/],
      ['too many decimals', { msisdn: '254700000020', balance: '1.234' }, /^balance: at most 2 decimals$/],
      ['negative balance', { msisdn: '254700000020', balance: '-1.00' }, /^balance: must be a decimal amount/],
      ['balance as a number', { msisdn: '254700000020', balance: 100 }, /^balance: must be a decimal string/],
      ['exponent', { msisdn: '254700000020', balance: '1e5' }, /^balance: must be a decimal amount/],
      ['huge balance', { msisdn: '254700000020', balance: '99999999999999' }, /^balance: too large$/],
      ['bad imsi', { msisdn: '254700000020', imsi: '12ab' }, /^imsi: must be 6 to 15 digits$/],
      ['empty name', { msisdn: '254700000020', name: '  ' }, /^name: must not be empty$/],
      ['array body', [{ msisdn: '254700000020' }], /^body: must be a JSON object$/],
    ];
    for (const [what, body, error] of bad) {
      it(`400 for ${what}, writing nothing`, async () => {
        const before = await rig.redis.dbsize();
        const res = await api('POST', '/v1/subscribers', body);
        assert.equal(res.status, 400);
        assert.match(res.body.error, error);
        assert.equal(await rig.redis.dbsize(), before);
      });
    }

    it('400 for malformed JSON and for a body that is not JSON', async () => {
      const res = await api('POST', '/v1/subscribers', '{"msisdn": "2547', TOKEN);
      assert.equal(res.status, 400);
      assert.deepEqual(res.body, { error: 'invalid JSON' });
      const plain = await api('POST', '/v1/subscribers', undefined, TOKEN, { 'content-type': 'text/plain' });
      assert.equal(plain.status, 400);
      assert.match(plain.body.error, /^body: must be a JSON object/);
    });

    it('413 for a body over the configured limit (16kb)', async () => {
      assert.equal(rig.config.http.bodyLimit, '16kb');
      const res = await api('POST', '/v1/subscribers', { msisdn: '254700000020', name: 'x'.repeat(17 * 1024) });
      assert.equal(res.status, 413);
      assert.equal(await rig.redis.exists(rig.keys.subscriber('254700000020')), 0);
    });
  });

  describe('POST /v1/subscribers/:msisdn/unlock', () => {
    it('clears locked, lockReason and failedAuth and bumps the version', async () => {
      const A = await rig.enrol();
      await rig.redis.hset(rig.keys.subscriber(A), 'locked', '1', 'lockReason', 'failed_auth', 'failedAuth', '5');
      const locked = await api('GET', `/v1/subscribers/${A}`);
      assert.equal(locked.body.locked, true);
      assert.equal(locked.body.lockReason, 'failed_auth');
      assert.equal(locked.body.failedAuth, 5);
      const v = await rig.version(A);
      const res = await api('POST', `/v1/subscribers/${A}/unlock`);
      assert.equal(res.status, 200);
      assert.equal(res.body.locked, false);
      assert.equal(res.body.failedAuth, 0);
      assert.equal('lockReason' in res.body, false);
      assert.equal(res.body.msisdn, A);
      assert.equal(await rig.redis.hexists(rig.keys.subscriber(A), 'lockReason'), 0);
      assert.equal(await rig.version(A), v + 1);
    });

    it('404 for an unknown subscriber; 400 for a body with fields', async () => {
      const A = await rig.enrol();
      assert.equal((await api('POST', '/v1/subscribers/254799999999/unlock')).status, 404);
      assert.equal(await rig.redis.exists(rig.keys.subscriber('254799999999')), 0);
      assert.equal((await api('POST', `/v1/subscribers/${A}/unlock`, {})).status, 200);
      const res = await api('POST', `/v1/subscribers/${A}/unlock`, { force: true });
      assert.equal(res.status, 400);
      assert.equal(res.body.error, 'force: unknown field');
    });
  });
});
