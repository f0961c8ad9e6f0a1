import assert from 'node:assert/strict';
import { adminRig, national, type Body } from './support/admin-rig';

// Binding and unbinding debit devices through the admin API (in-process, real redis). Each test has
// two fresh subscribers and a fresh device SIM; a test that needs the device bound binds it itself.

describe('admin API: devices (in-process, real redis)', function () {
  this.timeout(10000);
  const rig = adminRig();
  const { api } = rig;
  let A: string;
  let B: string;
  let D: string;

  beforeEach(async () => {
    A = await rig.enrol();
    B = await rig.enrol();
    D = rig.msisdn('device');
  });

  const bindToA = async () => assert.equal((await api('POST', `/v1/subscribers/${A}/devices`, { msisdn: D })).status, 201, 'the device bound to A');

  it('binds a device (201) and shows it on the subscriber; the version moves', async () => {
    const v = await rig.version(A);
    const res = await api('POST', `/v1/subscribers/${A}/devices`, { msisdn: `+${D}`, imsi: '639020000000099', label: 'till 1' });
    assert.equal(res.status, 201);
    const { boundAt, ...rest } = res.body;
    assert.ok(typeof boundAt === 'number');
    assert.deepEqual(rest, { msisdn: D, imsi: '639020000000099', label: 'till 1' });
    assert.equal(await rig.redis.get(rig.keys.deviceOwner(D)), A);
    const stored = JSON.parse((await rig.redis.hget(rig.keys.devices(A), D)) as string) as Body;
    assert.equal(stored.active, true);
    assert.equal(await rig.version(A), v + 1);
    const sub = await api('GET', `/v1/subscribers/${A}`);
    assert.deepEqual(sub.body.devices, [{ msisdn: D, imsi: '639020000000099', label: 'till 1', boundAt }]);
  });

  it('409 when the SIM is already bound (here or elsewhere) or is a main SIM; 404 for an unknown subscriber', async () => {
    await bindToA();
    const again = await api('POST', `/v1/subscribers/${A}/devices`, { msisdn: D });
    assert.equal(again.status, 409);
    assert.match(again.body.error, /already bound/);
    assert.equal((await api('POST', `/v1/subscribers/${B}/devices`, { msisdn: D })).status, 409);
    const main = await api('POST', `/v1/subscribers/${A}/devices`, { msisdn: B });
    assert.equal(main.status, 409);
    assert.match(main.body.error, /main SIM/);
    assert.equal((await api('POST', `/v1/subscribers/${A}/devices`, { msisdn: A })).status, 409);
    const unknown = await api('POST', '/v1/subscribers/254799999999/devices', { msisdn: '254711000009' });
    assert.equal(unknown.status, 404);
    assert.equal(await rig.redis.exists(rig.keys.deviceOwner('254711000009')), 0);
  });

  it('409 when enrolling a device SIM as a subscriber', async () => {
    await bindToA();
    const res = await api('POST', '/v1/subscribers', { msisdn: D });
    assert.equal(res.status, 409);
    assert.match(res.body.error, /device/);
    assert.equal(await rig.redis.exists(rig.keys.subscriber(D)), 0);
  });

  it('400 for bad device bodies and paths', async () => {
    const cases: Array<[string, unknown, RegExp]> = [
      [`/v1/subscribers/${A}/devices`, { msisdn: 'abc' }, /^msisdn: not a valid MSISDN/],
      [`/v1/subscribers/${A}/devices`, { msisdn: D, colour: 'red' }, /^colour: unknown field$/],
      [`/v1/subscribers/${A}/devices`, {}, /^msisdn: required$/],
      [`/v1/subscribers/${A}/devices`, { msisdn: D, label: 7 }, /^label: must be a string$/],
      ['/v1/subscribers/xyz/devices', { msisdn: D }, /^msisdn: not a valid MSISDN/],
    ];
    for (const [path, body, error] of cases) {
      const res = await api('POST', path, body);
      assert.equal(res.status, 400, JSON.stringify(body));
      assert.match(res.body.error, error);
    }
  });

  it('unbinds (204), then 404; the SIM can be bound elsewhere afterwards', async () => {
    await bindToA();
    const v = await rig.version(A);
    const res = await api('DELETE', `/v1/subscribers/${A}/devices/${national(D)}`);
    assert.equal(res.status, 204);
    assert.equal(await rig.version(A), v + 1);
    assert.equal(await rig.redis.exists(rig.keys.deviceOwner(D)), 0);
    assert.deepEqual((await api('GET', `/v1/subscribers/${A}`)).body.devices, []);
    assert.equal((await api('DELETE', `/v1/subscribers/${A}/devices/${D}`)).status, 404);
    assert.equal((await api('DELETE', `/v1/subscribers/254799999999/devices/${D}`)).status, 404);
    assert.equal((await api('DELETE', `/v1/subscribers/${A}/devices/nope`)).status, 400);
    assert.equal((await api('POST', `/v1/subscribers/${B}/devices`, { msisdn: D })).status, 201);
    // Unbinding from the wrong subscriber leaves the binding alone.
    assert.equal((await api('DELETE', `/v1/subscribers/${A}/devices/${D}`)).status, 404);
    assert.equal(await rig.redis.get(rig.keys.deviceOwner(D)), B);
    assert.equal((await api('DELETE', `/v1/subscribers/${B}/devices/${D}`)).status, 204);
  });

  it('20 concurrent bindings of one SIM to two subscribers: exactly one wins', async () => {
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => api('POST', `/v1/subscribers/${i % 2 ? A : B}/devices`, { msisdn: D })));
    const statuses = results.map((r) => r.status).sort();
    assert.deepEqual(statuses, [201, ...Array<number>(19).fill(409)]);
    const owner = await rig.redis.get(rig.keys.deviceOwner(D));
    assert.ok(owner === A || owner === B);
    const other = owner === A ? B : A;
    assert.equal(await rig.redis.hexists(rig.keys.devices(owner), D), 1);
    assert.equal(await rig.redis.hexists(rig.keys.devices(other), D), 0);
    assert.equal((await api('DELETE', `/v1/subscribers/${owner}/devices/${D}`)).status, 204);
  });
});
