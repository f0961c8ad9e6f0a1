import assert from 'node:assert/strict';
import { http } from '../support/http';
import { waitFor } from '../support/wait';
import { codeOf, startSystem, type System } from '../support/system';

// Two factors that protect the subscriber, not attackers (README "Security"), end to end over SMPP:
// who a failure counts against, late codes, and the SIM checks.

const WINDOW_SECONDS = 4;
const SIM_SWAP_TOKEN = 'sim-swap-token';

describe('authentication end to end over SMPP', function () {
  this.timeout(120_000);
  let sys: System;
  let seq = 0;
  /** A SIM that is neither subscriber nor device. */
  const stranger = () => `25479${String(++seq).padStart(7, '0')}`;
  const subscriber = async (main: string) => (await sys.admin<{ locked: boolean; failedAuth: number; lockReason?: string }>('GET', `/v1/subscribers/${main}`)).body;
  const setSwap = (msisdn: string, swappedAt: string | null) => http('PUT', `${sys.sim.baseUrl}/handsets/${msisdn}/sim-swap`, { swappedAt });

  before(async () => {
    sys = await startSystem({
      numberPrefix: '2545',
      env: { PAYMENT_WINDOW_SECONDS: String(WINDOW_SECONDS), SIM_SWAP_TOKEN, SIM_SWAP_TIMEOUT_MS: '1000' },
      envFromSim: (sim) => ({ SIM_SWAP_URL: `${sim.baseUrl}/sim-swap` }),
    });
  });
  after(async () => {
    await sys?.stop();
  });

  it('a stranger presenting live codes six times: each payment rejected and the owner told, never locked, and she pays afterwards', async () => {
    const { main, device } = await sys.enrol('100.00');
    const mallory = stranger();
    for (let i = 1; i <= 6; i++) {
      await sys.sendSms(main, 'PAY 2.00 SHOP42');
      const code = codeOf(await sys.nthMessage(main, 2 * i - 1, /code/));
      await sys.sendSms(mallory, `PAY 2.00 SHOP42 ${code}`);
      const told = await sys.nthMessage(main, 2 * i, /someone else tried/i);
      assert.doesNotMatch(told, /amount|merchant|device|bound/i, 'never which factor failed');
      assert.equal(await sys.nthMessage(mallory, i, /rejected/), 'Payment rejected.');
    }
    const s = await subscriber(main);
    assert.equal(s.locked, false);
    assert.equal(s.failedAuth, 0);
    await sys.sendSms(main, 'PAY 3.00 SHOP42');
    const code = codeOf(await sys.nthMessage(main, 13, /code/));
    await sys.sendSms(device, `PAY 3.00 SHOP42 ${code}`);
    await sys.nthMessage(main, 14, /Paid/);
    assert.equal(await sys.balance(main), '97.00');
  });

  it('a guesser with twelve unknown codes, then a live one: answered the same way each time, and the live code is not touched', async () => {
    const { main, device } = await sys.enrol('100.00');
    const guesser = stranger();
    const ignoredBefore = await sys.metric('simpair_presenter_ignored_total');
    const processedBefore = await sys.metric('simpair_mo_processed_total');
    for (let i = 1; i <= 12; i++) {
      await sys.sendSms(guesser, `PAY 2.00 SHOP42 ${['ABCDEF', 'GHJKMN', 'PQRTUV'][i % 3]}`);
      // One at a time, so the order of the answers is the order of the guesses.
      await waitFor(`guess ${i} processed`, async () => (await sys.metric('simpair_mo_processed_total')) >= processedBefore + i);
    }
    // The first five past the threshold (5) still count; from the seventh on, no effect.
    await waitFor('six guesses ignored', async () => (await sys.metric('simpair_presenter_ignored_total')) >= ignoredBefore + 6);
    await sys.repliesDrained();
    const answers = (await sys.inbox(guesser)).map((m) => m.text);
    assert.deepEqual(answers.slice(0, 6), Array(6).fill('Payment rejected.'), 'unknown codes are answered like a foreign attempt (no oracle)');
    // Unsolicited answers obey the per-MSISDN reply limit (10 a minute): a guesser cannot pump SMS either.
    assert.deepEqual(answers.slice(6), Array(answers.length - 6).fill('Too many attempts. Try again later.'));
    assert.ok(answers.length <= 10, `${answers.length} answers`);

    await sys.sendSms(main, 'PAY 4.00 SHOP42');
    const code = codeOf(await sys.nthMessage(main, 1, /code/));
    await sys.sendSms(guesser, `PAY 4.00 SHOP42 ${code}`);
    await waitFor('the live code from the guesser ignored', async () => (await sys.metric('simpair_presenter_ignored_total')) >= ignoredBefore + 7);
    // The live payment is untouched: the owner was not told anything, and her device still pays.
    await sys.sendSms(device, `PAY 4.00 SHOP42 ${code}`);
    await sys.nthMessage(main, 2, /Paid/);
    assert.equal((await sys.inbox(main)).length, 2);
    assert.equal(await sys.balance(main), '96.00');
  });

  it('six late confirmations by her own device: each told "expired" with amount and merchant, zero failures', async () => {
    const { main, device } = await sys.enrol('100.00');
    await sys.sendSms(main, 'PAY 5.00 SHOP42');
    const code = codeOf(await sys.nthMessage(main, 1, /code/));
    await sys.nthMessage(main, 2, /expired/i);
    for (let i = 1; i <= 6; i++) {
      await sys.sendSms(device, `PAY 5.00 SHOP42 ${code}`);
      assert.match(await sys.nthMessage(device, i, /expired/i), /5\.00 KES to SHOP42 had expired/);
    }
    const s = await subscriber(main);
    assert.equal(s.failedAuth, 0);
    assert.equal(s.locked, false);
  });

  it('no readable IMSI for an IMSI-enrolled subscriber: no code, a short refusal, counted', async () => {
    const main = '254551000900';
    assert.equal((await sys.admin('POST', '/v1/subscribers', { msisdn: main, imsi: '639010000000900', balance: '10.00' })).status, 201);
    const before = await sys.metric('simpair_sim_check_refused_total', 'reason="imsi_missing"');
    await sys.sendSms(main, 'PAY 1.00 SHOP42');
    assert.match(await sys.nthMessage(main, 1, /./), /could not confirm your SIM/);
    await waitFor('the refusal counted', async () => (await sys.metric('simpair_sim_check_refused_total', 'reason="imsi_missing"')) >= before + 1);
    // With the enrolled IMSI reported, she gets her code.
    await sys.sendSms(main, 'PAY 1.00 SHOP42', { imsi: '639010000000900' });
    await sys.nthMessage(main, 2, /code [A-Z0-9]{6}/);
  });

  it('the operator’s SIM-swap check: not swapped → a code; swapped → refused and locked (sim_swap); down → refused by policy', async () => {
    const a = await sys.enrol('10.00');
    await sys.sendSms(a.main, 'PAY 1.00 SHOP42');
    await sys.nthMessage(a.main, 1, /code [A-Z0-9]{6}/);

    const b = await sys.enrol('10.00');
    await setSwap(b.main, 'now');
    await sys.sendSms(b.main, 'PAY 1.00 SHOP42');
    assert.match(await sys.nthMessage(b.main, 1, /./), /locked/i);
    const locked = await subscriber(b.main);
    assert.equal(locked.locked, true);
    assert.equal(locked.lockReason, 'sim_swap');

    const c = await sys.enrol('10.00');
    await http('PUT', `${sys.sim.baseUrl}/faults`, { simSwapApi: 'down' });
    try {
      await sys.sendSms(c.main, 'PAY 1.00 SHOP42');
      assert.match(await sys.nthMessage(c.main, 1, /./), /could not confirm your SIM/);
    } finally {
      await http('PUT', `${sys.sim.baseUrl}/faults`, { simSwapApi: 'up' });
    }
    assert.equal((await subscriber(c.main)).locked, false, 'an unavailable check refuses, it does not lock');
    assert.ok((await sys.metric('simpair_sim_swap_checks_total', 'result="unavailable"')) >= 1);
    assert.ok((await sys.metric('simpair_sim_swap_checks_total', 'result="swapped"')) >= 1);
  });
});
