import assert from 'node:assert/strict';
import { waitFor } from '../support/wait';
import { codeOf, startSystem, type System } from '../support/system';

// Payments end to end: SMS in through the simulator over SMPP, matching and ledger in simpair,
// receipts back to the handsets' inboxes. Enrolment through the admin API.

const WINDOW_SECONDS = 4;

describe('payments end to end over SMPP', function () {
  this.timeout(120_000);
  let sys: System;
  const admin = <T = Record<string, unknown>>(method: string, path: string, body?: unknown) => sys.admin<T>(method, path, body);
  const inbox = (msisdn: string) => sys.inbox(msisdn);
  const send = (from: string, text: string) => sys.sendSms(from, text);
  const nthMessage = (msisdn: string, n: number, pattern: RegExp) => sys.nthMessage(msisdn, n, pattern);
  const balance = (msisdn: string) => sys.balance(msisdn);
  const enrol = (amount?: string) => sys.enrol(amount);

  before(async () => {
    sys = await startSystem({ env: { PAYMENT_WINDOW_SECONDS: String(WINDOW_SECONDS) } });
  });

  after(async () => {
    await sys?.stop();
  });

  it('request, then the device with the code: Paid to the main SIM, confirmation to the device, balances moved', async () => {
    const { main, device } = await enrol('100.00');
    await send(main, 'PAY 12.50 SHOP42');
    const codeText = await nthMessage(main, 1, /code [A-Z0-9]{6}/);
    const code = codeOf(codeText);
    await send(device, `pay 12.50 shop42 ${code.toLowerCase()}`);
    const paid = await nthMessage(main, 2, /Paid/i);
    assert.match(paid, /12\.50/);
    assert.match(paid, /SHOP42/);
    assert.match(paid, /87\.50/);
    const paymentId = /(P[0-9A-Z]{16})/.exec(paid)![1];
    assert.match(await nthMessage(device, 1, new RegExp(paymentId)), /12\.50/);
    assert.equal(await balance(main), '87.50');
    const payment = await admin<{ state: string; history: Array<{ to: string }> }>('GET', `/v1/payments/${paymentId}`);
    assert.equal(payment.body.state, 'completed');
    assert.deepEqual(payment.body.history.map((h) => h.to), ['awaiting_device', 'completed']);
  });

  it('device first without a code, then the request: Paid, no code issued', async () => {
    const { main, device } = await enrol('50.00');
    await send(device, 'PAY 20 SHOP42');
    await nthMessage(device, 1, /waiting for the request/);
    await send(main, 'PAY 20.00 SHOP42');
    assert.match(await nthMessage(main, 1, /Paid/i), /30\.00/);
    assert.equal(await balance(main), '30.00');
  });

  it("rejects a payment whose code is presented by another subscriber's device, tells the owner someone else tried, without saying which check", async () => {
    const alice = await enrol('100.00');
    const mallory = await enrol('100.00');
    await send(alice.main, 'PAY 10.00 SHOP42');
    const code = codeOf(await nthMessage(alice.main, 1, /code/));
    await send(mallory.device, `PAY 10.00 SHOP42 ${code}`);
    const rejected = await nthMessage(alice.main, 2, /someone else tried/i);
    assert.doesNotMatch(rejected, /device|amount|merchant|bound/i);
    assert.equal(await nthMessage(mallory.device, 1, /rejected/i), 'Payment rejected.');
    assert.equal(await balance(alice.main), '100.00');
    // the code is used up: the right device can no longer complete it
    await send(alice.device, `PAY 10.00 SHOP42 ${code}`);
    await nthMessage(alice.device, 1, /rejected/i);
    assert.equal(await balance(alice.main), '100.00');
  });

  it('rejects a code presented with a different amount', async () => {
    const { main, device } = await enrol('100.00');
    await send(main, 'PAY 10.00 SHOP42');
    const code = codeOf(await nthMessage(main, 1, /code/));
    await send(device, `PAY 11.00 SHOP42 ${code}`);
    await nthMessage(main, 2, /rejected/i);
    assert.equal(await balance(main), '100.00');
  });

  it('expires a request with no device half within the window', async () => {
    const { main } = await enrol('100.00');
    const started = Date.now();
    await send(main, 'PAY 5 SHOP42');
    await nthMessage(main, 1, /code/);
    await nthMessage(main, 2, /expired/i);
    const took = (Date.now() - started) / 1000;
    assert.ok(took >= WINDOW_SECONDS - 1 && took <= WINDOW_SECONDS + 3, `expired after ${took.toFixed(1)} s for a ${WINDOW_SECONDS} s window`);
    assert.equal(await balance(main), '100.00');
  });

  it('moves no money for a device half that comes after expiry or after the device was unbound', async () => {
    const { main, device } = await enrol('100.00');
    await send(main, 'PAY 6 SHOP42');
    const code = codeOf(await nthMessage(main, 1, /code/));
    await nthMessage(main, 2, /expired/i);
    await send(device, `PAY 6 SHOP42 ${code}`); // late: the code died with the window
    assert.match(await nthMessage(device, 1, /expired/i), /6\.00 KES to SHOP42 had expired/);
    assert.equal((await admin('DELETE', `/v1/subscribers/${main}/devices/${device}`)).status, 204);
    await send(main, 'PAY 7 SHOP42');
    const code2 = codeOf(await nthMessage(main, 3, /code/));
    await send(device, `PAY 7 SHOP42 ${code2}`); // unbound: a SIM bound to no one presenting the code
    await nthMessage(main, 4, /someone else tried/i);
    await send(device, 'PAY 8 SHOP42'); // unbound, no code: no half at all
    assert.match(await nthMessage(device, 3, /.+/), /not registered/i);
    assert.equal(await balance(main), '100.00');
  });

  it('answers BAL with the balance and CANCEL with cancelled; a cancelled code pays nothing', async () => {
    const { main, device } = await enrol('42.00');
    await send(main, 'bal');
    assert.match(await nthMessage(main, 1, /balance/i), /42\.00 KES/);
    await send(main, 'PAY 3 SHOP42');
    const code = codeOf(await nthMessage(main, 2, /code/));
    await send(main, `CANCEL ${code}`);
    await nthMessage(main, 3, /cancelled/i);
    await send(device, `PAY 3 SHOP42 ${code}`);
    await nthMessage(device, 1, /was cancelled before your confirmation/i);
    assert.equal(await balance(main), '42.00');
  });

  it('declines a matched payment above the balance', async () => {
    const { main, device } = await enrol('5.00');
    await send(main, 'PAY 12.50 SHOP42');
    const code = codeOf(await nthMessage(main, 1, /code/));
    await send(device, `PAY 12.50 SHOP42 ${code}`);
    await nthMessage(main, 2, /declined/i);
    assert.equal(await balance(main), '5.00');
  });

  it('locks the main SIM after 5 failed authentications of her own device and then refuses its payments', async () => {
    const { main, device } = await enrol('100.00');
    for (let i = 1; i <= 5; i++) {
      await send(main, `PAY ${i}.00 SHOP42`);
      const code = codeOf(await nthMessage(main, 2 * i - 1, /code/));
      await send(device, `PAY ${i + 50}.00 SHOP42 ${code}`); // her device, her code, another amount
      await nthMessage(device, i, /rejected|locked/i);
      await nthMessage(main, 2 * i, /rejected/i);
    }
    const sub = await admin<{ locked: boolean }>('GET', `/v1/subscribers/${main}`);
    assert.equal(sub.body.locked, true);
    // the main SIM is told of the lock when it happens
    const told = (await inbox(main)).length;
    assert.ok(told >= 1 && /locked/i.test((await inbox(main))[told - 1].text));
    await send(main, 'PAY 1 SHOP42');
    assert.match(await nthMessage(main, told + 1, /.+/), /locked/i);
    assert.equal((await admin('POST', `/v1/subscribers/${main}/unlock`)).status, 200);
    await send(main, 'PAY 2 SHOP42');
    assert.match(await nthMessage(main, told + 2, /.+/), /code [A-Z0-9]{6}/);
  });

  it('refuses and locks when the network reports another IMSI than the enrolled one (SIM swap)', async () => {
    const main = '254790000077';
    assert.equal((await admin('POST', '/v1/subscribers', { msisdn: main, imsi: '639010000000001', balance: '10.00' })).status, 201);
    await sys.sendSms(main, 'PAY 1 SHOP42', { imsi: '639010000000002' });
    assert.match(await nthMessage(main, 1, /.+/), /locked/i);
    assert.equal((await admin<{ locked: boolean }>('GET', `/v1/subscribers/${main}`)).body.locked, true);
  });

  it('rate-limits unsolicited replies per MSISDN (no SMS pumping)', async () => {
    const from = '254798888888';
    const suppressed = await sys.metric('simpair_replies_rate_limited_total');
    for (let i = 0; i < 20; i++) await send(from, `HELP ${i}`);
    await waitFor('10 replies suppressed', async () => (await sys.metric('simpair_replies_rate_limited_total')) >= suppressed + 10);
    await sys.repliesDrained();
    assert.equal((await inbox(from)).length, 10);
  });

  it('answers a SIM that is neither subscriber nor device, and creates no half', async () => {
    await send('254799999999', 'PAY 1 SHOP42');
    assert.match(await nthMessage('254799999999', 1, /.+/), /not registered/i);
  });
});
