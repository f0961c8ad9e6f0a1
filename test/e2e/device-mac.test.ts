import assert from 'node:assert/strict';
import { createHmac, randomBytes } from 'node:crypto';
import { createKeys } from '../../src/store/keys';
import { http } from '../support/http';
import { waitFor } from '../support/wait';
import { codeOf, startSystem, type System } from '../support/system';

// Device MACs end to end over SMPP (README "Security"): simpair binds a MAC device and returns its
// deviceKey once; the simulator's debit-device handset, provisioned with it and the PIN, signs its
// own PAY messages. Forged, tampered, replayed and wrong-PIN messages move no money and alert the
// owner; three refusals within the (shortened) refusal window make the device ignored until they
// leave it, or an operator re-activates it. A real redis-server, simulator and simpair.

const REFUSAL_WINDOW_SECONDS = 15;
const PIN = '4821';

interface DeviceBody {
  msisdn: string;
  mac?: boolean;
  counter?: number;
  refusals?: number;
  ignoredUntil?: number;
  suspended?: boolean;
  deviceKey?: string;
}

describe('device MACs end to end over SMPP', function () {
  this.timeout(180_000);
  let sys: System;
  let seq = 0;
  const deviceKeys: string[] = [];
  const kek = randomBytes(32).toString('hex');

  before(async () => {
    sys = await startSystem({
      numberPrefix: '2546',
      env: { DEVICE_REFUSAL_WINDOW_SECONDS: String(REFUSAL_WINDOW_SECONDS), DEVICE_KEY_ENCRYPTION_KEY: kek, LOG_LEVEL: 'debug' },
    });
  });
  after(async () => {
    if (sys) {
      // Nothing secret reached the log, at any level: no deviceKey, no K, no PIN-bearing request.
      const out = sys.app.output();
      for (const key of deviceKeys) assert.ok(!out.includes(key), 'a deviceKey in the log');
      assert.doesNotMatch(out, /"pin"|4821/, 'a PIN in the log');
    }
    await sys?.stop();
  });

  /** A subscriber (balance 100.00) with a MAC device, and the simulator's handset provisioned to sign for her. */
  async function enrolMac(opts: { pin?: string | null; provision?: boolean } = {}) {
    seq++;
    const main = `25463${String(seq).padStart(7, '0')}`;
    const device = `25464${String(seq).padStart(7, '0')}`;
    const pin = opts.pin === undefined ? PIN : opts.pin;
    assert.equal((await sys.admin('POST', '/v1/subscribers', { msisdn: main, balance: '100.00' })).status, 201);
    const bound = await sys.admin<DeviceBody>('POST', `/v1/subscribers/${main}/devices`, { msisdn: device, mac: true, ...(pin ? { pin } : {}) });
    assert.equal(bound.status, 201, JSON.stringify(bound.body));
    const deviceKey = bound.body.deviceKey!;
    assert.match(deviceKey, /^[A-Za-z0-9_-]{43}$/, '32 bytes, base64url without padding');
    assert.equal(bound.body.mac, true);
    deviceKeys.push(deviceKey);
    if (opts.provision !== false) await signing(device, { deviceKey, pin, main });
    return { main, device, deviceKey };
  }
  const signing = async (device: string, body: Record<string, unknown>) => {
    const r = await http<{ provisioned: boolean }>('PUT', `${sys.sim.baseUrl}/handsets/${device}/signing`, body);
    assert.equal(r.status, 200, JSON.stringify(r.body));
  };
  const deviceOf = async (main: string, device: string) => {
    const s = await sys.admin<{ devices: DeviceBody[] }>('GET', `/v1/subscribers/${main}`);
    return s.body.devices.find((d) => d.msisdn === device)!;
  };
  /** The n-th message of a handset, exactly. */
  const nth = async (msisdn: string, n: number, text: string) => assert.equal(await sys.nthMessage(msisdn, n, new RegExp(`^${text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`)), text);
  const REFUSED = 'Payment refused.';
  const ALERT = 'A payment message from your device was refused. Nothing was paid. If you did not send it, contact your operator.';
  const IGNORED = 'Too many attempts. Try again later.';

  it('a MAC device pays (with the code, and device first without one); the same message replayed moves no money and alerts the owner', async () => {
    const { main, device } = await enrolMac();
    await sys.sendSms(main, 'PAY 12.50 SHOP42');
    const code = codeOf(await sys.nthMessage(main, 1, /code/));
    await sys.sendSms(device, `PAY 12.50 SHOP42 ${code}`);
    assert.match(await sys.nthMessage(main, 2, /^Paid/), /^Paid 12\.50 KES to SHOP42 \(Corner Shop\)\. Payment P[0-9A-Z]{16}\. New balance 87\.50 KES\.$/);
    assert.match(await sys.nthMessage(device, 1, /^Confirmed/), /^Confirmed: 12\.50 KES to SHOP42 paid\. Payment P[0-9A-Z]{16}\.$/);
    assert.equal((await deviceOf(main, device)).counter, 1);

    await signing(device, { replay: true });
    await sys.sendSms(device, 'PAY 12.50 SHOP42');
    await nth(device, 2, REFUSED);
    await nth(main, 3, ALERT);
    await signing(device, { replay: false });

    await sys.sendSms(device, 'PAY 5.00 SHOP42');
    await sys.nthMessage(device, 3, /noted, waiting/);
    await sys.sendSms(main, 'PAY 5.00 SHOP42');
    await sys.nthMessage(main, 4, /^Paid 5\.00 KES/);
    await sys.repliesDrained();
    assert.equal(await sys.balance(main), '82.50', 'the replay moved nothing');
    const d = await deviceOf(main, device);
    assert.equal(d.counter, 2, 'the replay resent counter 1');
    assert.equal(d.refusals, 1, 'the replay counts against the device');
    const owner = await sys.admin<{ failedAuth: number; locked: boolean }>('GET', `/v1/subscribers/${main}`);
    assert.equal(owner.body.failedAuth, 0, 'not against the owner');
  });

  it('forged messages from the device’s MSISDN (no MAC, a wrong MAC) move no money and alert the owner; her real device still pays', async () => {
    const { main, device, deviceKey } = await enrolMac({ provision: false });
    await sys.sendSms(main, 'PAY 20.00 SHOP42');
    const code = codeOf(await sys.nthMessage(main, 1, /code/));
    // A forger who can spoof the device's MSISDN (SS7, home routing, a grey route) but has no key.
    await sys.sendSms(device, `PAY 20.00 SHOP42 ${code}`);
    await nth(device, 1, REFUSED);
    await nth(main, 2, ALERT);
    await signing(device, { deviceKey, pin: PIN, main, tamper: true });
    await sys.sendSms(device, `PAY 20.00 SHOP42 ${code}`);
    await nth(device, 2, REFUSED);
    await nth(main, 3, ALERT);
    assert.equal(await sys.balance(main), '100.00');
    assert.ok((await sys.metric('simpair_device_refused_total', 'reason="device_mac_refused"')) >= 2);

    await signing(device, { tamper: false });
    await sys.sendSms(device, `PAY 20.00 SHOP42 ${code}`);
    await sys.nthMessage(main, 4, /^Paid 20\.00 KES/);
    assert.equal(await sys.balance(main), '80.00');
  });

  it('three wrong PINs: the device is ignored for the window (the right PIN then moves nothing); it pays again after the window, or at once after an operator’s re-activation', async () => {
    const { main, device } = await enrolMac();
    await sys.sendSms(main, 'PAY 3.00 SHOP42');
    const code = codeOf(await sys.nthMessage(main, 1, /code/));
    for (let i = 1; i <= 3; i++) {
      await sys.sendSms(device, `PAY 3.00 SHOP42 ${code}`, { pin: '0000' });
      await nth(device, i, REFUSED);
      await nth(main, 1 + i, ALERT);
    }
    const blocked = await deviceOf(main, device);
    assert.equal(blocked.refusals, 3);
    assert.ok(blocked.ignoredUntil && blocked.ignoredUntil > Date.now(), `ignored until ${blocked.ignoredUntil}`);

    const ignoredBefore = await sys.metric('simpair_device_refused_total', 'reason="device_blocked"');
    await sys.sendSms(device, `PAY 3.00 SHOP42 ${code}`);
    await nth(device, 4, IGNORED);
    await waitFor('the ignored message counted', async () => (await sys.metric('simpair_device_refused_total', 'reason="device_blocked"')) >= ignoredBefore + 1);
    await sys.repliesDrained();
    assert.equal((await sys.inbox(main)).length, 4, 'no Paid, no further alert');
    assert.equal(await sys.balance(main), '100.00');
    assert.equal((await deviceOf(main, device)).refusals, 3, 'an ignored message does not count');

    // The window passes (the condition: simpair no longer reports the device ignored).
    await waitFor('the refusals to leave the window', async () => (await deviceOf(main, device)).ignoredUntil === undefined, (REFUSAL_WINDOW_SECONDS + 10) * 1000, 250);
    await sys.sendSms(device, `PAY 3.00 SHOP42 ${code}`);
    await sys.nthMessage(main, 5, /^Paid 3\.00 KES/);
    assert.equal(await sys.balance(main), '97.00');

    // Three wrong PINs again; the operator re-activates the device and it works at once.
    for (let i = 1; i <= 3; i++) {
      await sys.sendSms(device, 'PAY 1.00 SHOP42', { pin: '1234' });
      await nth(device, 5 + i, REFUSED);
    }
    assert.ok((await deviceOf(main, device)).ignoredUntil);
    const activated = await sys.admin<DeviceBody>('POST', `/v1/subscribers/${main}/devices/${device}/activate`);
    assert.equal(activated.status, 200);
    assert.equal(activated.body.refusals, 0);
    assert.equal(activated.body.ignoredUntil, undefined);
    await sys.sendSms(device, 'PAY 1.00 SHOP42');
    await sys.nthMessage(device, 9, /noted, waiting/);
    await sys.sendSms(main, 'PAY 1.00 SHOP42');
    await sys.nthMessage(main, 5 + 3 + 1, /^Paid 1\.00 KES/);
    assert.equal(await sys.balance(main), '96.00');
  });

  it('an operator suspends a device (its messages are ignored) and re-activates it; both audited', async () => {
    const { main, device } = await enrolMac();
    const suspended = await sys.admin<DeviceBody>('POST', `/v1/subscribers/${main}/devices/${device}/suspend`);
    assert.equal(suspended.status, 200);
    assert.equal(suspended.body.suspended, true);
    await sys.sendSms(device, 'PAY 2.00 SHOP42');
    await nth(device, 1, 'This payment device is suspended. Please contact your operator.');
    assert.equal((await sys.admin<DeviceBody>('POST', `/v1/subscribers/${main}/devices/${device}/activate`)).body.suspended, undefined);
    await sys.sendSms(device, 'PAY 2.00 SHOP42');
    await sys.nthMessage(device, 2, /noted, waiting/);
    const audit = await sys.admin<{ entries: Array<{ action: string; target: string; details: Record<string, unknown> }> }>('GET', '/v1/audit?limit=500');
    const mine = audit.body.entries.filter((e) => e.target === main).map((e) => [e.action, e.details]);
    assert.deepEqual(mine, [
      ['subscriber.enrol', { withImsi: false, openingBalance: '100.00' }],
      ['device.bind', { device, withImsi: false, mac: true, withPin: true }],
      ['device.suspend', { device }],
      ['device.activate', { device }],
    ]);
    assert.equal((await sys.admin('POST', `/v1/subscribers/${main}/devices/254699999999/suspend`)).status, 404);
  });

  it('a new deviceKey (a new PIN) is returned once and the old one stops working at once; the store keeps K only, sealed', async () => {
    const { main, device, deviceKey } = await enrolMac();
    const rotated = await sys.admin<DeviceBody>('POST', `/v1/subscribers/${main}/devices/${device}/key`, { pin: '9753' });
    assert.equal(rotated.status, 200);
    const newKey = rotated.body.deviceKey!;
    deviceKeys.push(newKey);
    assert.notEqual(newKey, deviceKey);
    assert.equal(rotated.body.counter, 0);
    // The handset still has the old key and PIN.
    await sys.sendSms(device, 'PAY 4.00 SHOP42');
    await nth(device, 1, REFUSED);
    await signing(device, { deviceKey: newKey, pin: '9753' });
    await sys.sendSms(device, 'PAY 4.00 SHOP42');
    await sys.nthMessage(device, 2, /noted, waiting/);

    // Never shown again; kept as K sealed under the key-encryption key, neither key nor K in clear.
    const read = JSON.stringify((await sys.admin('GET', `/v1/subscribers/${main}`)).body);
    assert.ok(!read.includes(newKey) && !read.includes('deviceKey'));
    const audit = JSON.stringify((await sys.admin('GET', '/v1/audit?limit=500')).body);
    for (const k of [deviceKey, newKey]) assert.ok(!audit.includes(k));
    assert.match(audit, /"device.rotate_key"/);
    const client = sys.redis.client();
    try {
      const stored = (await client.hget(createKeys('sp').deviceAuth(main), `${device}:key`))!;
      assert.match(stored, /^v1:/);
      const k = createHmac('sha256', Buffer.from(newKey, 'base64url')).update('9753').digest();
      for (const secret of [newKey, k.toString('base64url'), k.toString('hex'), k.toString('base64')]) assert.ok(!stored.includes(secret));
    } finally {
      client.disconnect();
    }
  });

  it('a device without MAC on the same system works as today; bad provisioning input is a precise 400', async () => {
    const { main, device } = await sys.enrol('50.00');
    await sys.sendSms(main, 'PAY 6.00 SHOP42');
    const code = codeOf(await sys.nthMessage(main, 1, /code/));
    await sys.sendSms(device, `PAY 6.00 SHOP42 ${code}`);
    await sys.nthMessage(main, 2, /^Paid 6\.00 KES/);
    assert.equal(await sys.balance(main), '44.00');

    const other = '254639000001';
    assert.equal((await sys.admin('POST', '/v1/subscribers', { msisdn: other })).status, 201);
    const cases: Array<[unknown, string]> = [
      [{ msisdn: '254639000002', mac: true, pin: '12' }, 'pin: must be 4 to 8 digits'],
      [{ msisdn: '254639000002', mac: true, pin: '123456789' }, 'pin: must be 4 to 8 digits'],
      [{ msisdn: '254639000002', mac: 'true' }, 'mac: must be true or false'],
      [{ msisdn: '254639000002', pin: '4821' }, 'pin: only for a MAC device ("mac": true)'],
    ];
    for (const [body, error] of cases) {
      const r = await sys.admin<{ error: string }>('POST', `/v1/subscribers/${other}/devices`, body);
      assert.deepEqual([r.status, r.body.error], [400, error], JSON.stringify(body));
    }
    const r = await sys.admin<{ error: string }>('POST', `/v1/subscribers/${other}/devices/254639000002/key`, { pin: 'abcd' });
    assert.deepEqual([r.status, r.body.error], [400, 'pin: must be 4 to 8 digits']);
    assert.equal((await sys.admin('POST', `/v1/subscribers/${other}/devices/254639000002/key`, {})).status, 404);
  });
});
