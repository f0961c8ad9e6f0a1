import assert from 'node:assert/strict';
import { VECTOR_DEVICE_KEY, VECTORS } from '../support/device-mac-vectors';
import { simulatorSuite } from './support/suite';

// A debit device that signs its own payment messages (smsc-sim/device-signing.ts): provisioned over
// HTTP, it appends <counter>:<mac> to its PAY messages — the README's test vectors, computed by the
// simulator's own copy of the signing function — and its tamper and replay switches break that.

const DEVICE = '254712000002';
const MAIN = '254700000001';

describe('smsc-sim: signing debit device', function () {
  this.timeout(20000);
  const { api } = simulatorSuite({});
  /** What the handset actually sent for `text` (no ESME bound: the MO waits, its text is recorded). */
  const sent = async (text: string, extra: Record<string, unknown> = {}) => {
    const r = await api().post<{ id: string }>('/mo', { from: DEVICE, text, wait: false, ...extra });
    return (await api().get<{ text: string }>(`/mo/${r.id}`)).text;
  };
  const provision = (body: Record<string, unknown>) => api().send('PUT', `/handsets/${DEVICE}/signing`, body);

  it('unprovisioned: messages go as typed', async () => {
    assert.deepEqual(await api().get(`/handsets/${DEVICE}/signing`), { msisdn: DEVICE, provisioned: false });
    assert.equal(await sent('PAY 12.50 SHOP42'), 'PAY 12.50 SHOP42');
  });

  it('signs PAY messages with the README vectors, counting up from the counter it was given; other texts as typed', async () => {
    const r = await provision({ deviceKey: VECTOR_DEVICE_KEY, pin: '4821', main: `+${MAIN}` });
    assert.equal(r.status, 200);
    assert.deepEqual(r.body, { msisdn: DEVICE, provisioned: true, main: MAIN, withPin: true, minorDigits: 2, counter: 0, tamper: false, replay: false, lastText: null });
    assert.ok(!JSON.stringify(r.body).includes(VECTOR_DEVICE_KEY) && !JSON.stringify(r.body).includes('4821'), 'neither key nor PIN shown');
    assert.equal(await sent('PAY 12.50 SHOP42 4kx9qm'), `PAY 12.50 SHOP42 4kx9qm ${VECTORS[0].token}`);
    assert.equal(await sent('PAY 12.5 SHOP42'), `PAY 12.5 SHOP42 ${VECTORS[1].token}`);
    assert.equal(await sent('BAL'), 'BAL');
    assert.equal((await api().get(`/handsets/${DEVICE}/signing`)).counter, 2);
    // The PIN typed for one message (a wrong one here) and a device without PIN.
    await provision({ counter: 1 });
    assert.equal(await sent('PAY 12.50 SHOP42', { pin: '0000' }), `PAY 12.50 SHOP42 ${VECTORS[2].token}`);
    await provision({ counter: 1, pin: null });
    assert.equal(await sent('PAY 12.50 SHOP42'), `PAY 12.50 SHOP42 ${VECTORS[3].token}`);
    await provision({ counter: 1699999999, pin: '4821' });
    assert.equal(await sent('PAY 1000 CAFE7 ABC234'), `PAY 1000 CAFE7 ABC234 ${VECTORS[4].token}`);
  });

  it('tamper sends a wrong MAC (the counter still counts); replay sends the last signed message again', async () => {
    await provision({ deviceKey: VECTOR_DEVICE_KEY, pin: '4821', main: MAIN, tamper: true });
    const tampered = await sent('PAY 12.50 SHOP42 4KX9QM');
    const [, token] = /(\S+)$/.exec(tampered)!;
    assert.match(token, /^1:[A-Z2-7]{10}$/);
    assert.notEqual(token, VECTORS[0].token);
    await provision({ tamper: false });
    const right = await sent('PAY 12.50 SHOP42');
    await provision({ replay: true });
    assert.equal(await sent('PAY 99.00 OTHER1'), right, 'whatever is typed');
    assert.equal(await sent('PAY 99.00 OTHER1'), right);
    assert.equal((await api().get(`/handsets/${DEVICE}/signing`)).counter, 2);
  });

  it('refuses bad settings naming the field; DELETE and POST /reset forget the key', async () => {
    const cases: Array<[Record<string, unknown>, RegExp]> = [
      [{ pin: '4821', main: MAIN }, /^deviceKey: required/],
      [{ deviceKey: 'short', main: MAIN }, /^deviceKey: expected 32 bytes/],
      [{ deviceKey: VECTOR_DEVICE_KEY }, /^main: required/],
      [{ deviceKey: VECTOR_DEVICE_KEY, main: MAIN, pin: '12' }, /^pin: expected 4 to 8 digits/],
      [{ deviceKey: VECTOR_DEVICE_KEY, main: MAIN, tamper: 'yes' }, /^tamper: expected a boolean/],
      [{ deviceKey: VECTOR_DEVICE_KEY, main: MAIN, counter: -1 }, /^counter: /],
      [{ deviceKey: VECTOR_DEVICE_KEY, main: MAIN, colour: 'red' }, /^colour: unknown field/],
    ];
    for (const [body, error] of cases) {
      const r = await provision(body);
      assert.equal(r.status, 400, JSON.stringify(body));
      assert.match(r.body.error, error);
    }
    const unprovisioned = await api().send('POST', '/mo', { from: DEVICE, text: 'PAY 1 AB', pin: '4821', wait: false });
    assert.equal(unprovisioned.status, 400);
    assert.match(unprovisioned.body.error, /^pin: this handset has no device key/);
    assert.equal((await api().send('POST', '/mo', { from: DEVICE, text: 'PAY 1 AB', pin: 'abcd' })).status, 400);
    await provision({ deviceKey: VECTOR_DEVICE_KEY, main: MAIN });
    assert.equal((await api().send('DELETE', `/handsets/${DEVICE}/signing`)).body.provisioned, false);
    await provision({ deviceKey: VECTOR_DEVICE_KEY, main: MAIN });
    await api().post('/reset');
    assert.equal(await sent('PAY 12.50 SHOP42'), 'PAY 12.50 SHOP42');
  });
});
