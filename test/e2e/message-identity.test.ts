import assert from 'node:assert/strict';
import { http } from '../support/http';
import { waitFor } from '../support/wait';
import { codeOf, startSystem, type System } from '../support/system';

// Which message is which (README "Message identity"), end to end over SMPP: a subscriber's repeat
// is a new message; a redelivery — with evidence that our answer may not have reached the SMSC, or
// the SMSC's own message id — has no second effect.

/** The vendor TLV carrying the simulator's MO message ids in the second system. */
const MESSAGE_ID_TAG = '5377'; // 0x1501

describe('message identity end to end over SMPP', function () {
  this.timeout(120_000);

  describe('identity by content and evidence (no SMSC message ids)', () => {
    let sys: System;
    before(async () => {
      sys = await startSystem({ numberPrefix: '2543' });
    });
    after(async () => {
      await sys?.stop();
    });

    it('a genuine repeat is paid twice: PAY 5.00 SHOP42 twice within a minute makes two payments', async () => {
      const { main, device } = await sys.enrol('100.00');
      for (let round = 0; round < 2; round++) {
        await sys.sendSms(main, 'PAY 5.00 SHOP42');
        await sys.nthMessage(main, 2 * round + 1, /code [A-Z0-9]{6}/);
        await sys.sendSms(device, 'PAY 5.00 SHOP42');
        await sys.nthMessage(main, 2 * round + 2, /Paid/i);
      }
      assert.equal(await sys.balance(main), '90.00');
      const list = await sys.admin<{ payments: Array<{ state: string }> }>('GET', `/v1/payments?msisdn=${main}&state=completed`);
      assert.equal(list.body.payments.length, 2);
      assert.equal((await sys.inbox(device)).filter((m) => /P[0-9A-Z]{16}/.test(m.text)).length, 2, 'the device confirmed twice');
    });

    it('BAL twice and a retry after a decline are each answered', async () => {
      const { main, device } = await sys.enrol('3.00');
      await sys.sendSms(main, 'BAL');
      await sys.sendSms(main, 'BAL');
      await sys.nthMessage(main, 2, /3\.00/);
      await sys.sendSms(main, 'PAY 4.00 SHOP42');
      const code = codeOf(await sys.nthMessage(main, 3, /code/));
      await sys.sendSms(device, `PAY 4.00 SHOP42 ${code}`);
      await sys.nthMessage(main, 4, /declined/i);
      await sys.admin('POST', `/v1/subscribers/${main}/credits`, { amount: '10.00', reference: `top-${main}` });
      await sys.sendSms(main, 'PAY 4.00 SHOP42');
      const again = codeOf(await sys.nthMessage(main, 5, /code/));
      await sys.sendSms(device, `PAY 4.00 SHOP42 ${again}`);
      await sys.nthMessage(main, 6, /Paid/i);
      assert.equal(await sys.balance(main), '9.00');
    });

    it('a redelivery after the link died with our answer in flight has no second effect', async () => {
      const { main, device } = await sys.enrol('100.00');
      const before = await sys.metric('simpair_mo_duplicates_total');
      const binds = (await http<Record<string, number>>('GET', `${sys.sim.baseUrl}/counters`)).body.binds;
      // The simulator cuts the link as our deliver_sm_resp arrives: to it the MO is unanswered, so
      // it redelivers over the next bind.
      await http('PUT', `${sys.sim.baseUrl}/faults`, { loseMoAnswers: 1 });
      await sys.sendSms(main, 'PAY 6.00 SHOP42');
      const code = codeOf(await sys.nthMessage(main, 1, /code/));
      await waitFor('the request redelivered and recognised', async () => (await sys.metric('simpair_mo_duplicates_total')) >= before + 1);
      assert.ok((await http<Record<string, number>>('GET', `${sys.sim.baseUrl}/counters`)).body.binds > binds, 'the link was rebound');

      await http('PUT', `${sys.sim.baseUrl}/faults`, { loseMoAnswers: 1 });
      await sys.sendSms(device, `PAY 6.00 SHOP42 ${code}`);
      await sys.nthMessage(main, 2, /Paid/i);
      await waitFor('the device half redelivered and recognised', async () => (await sys.metric('simpair_mo_duplicates_total')) >= before + 2);
      await sys.repliesDrained();
      const mainTexts = (await sys.inbox(main)).map((m) => m.text);
      assert.equal(mainTexts.length, 2, `one code and one Paid, nothing else: ${JSON.stringify(mainTexts)}`);
      assert.ok(!mainTexts.some((t) => /rejected/i.test(t)));
      assert.equal((await sys.inbox(device)).length, 1, 'one confirmation to the device');
      assert.equal(await sys.balance(main), '94.00');
      const subscriber = await sys.admin<{ failedAuth?: number }>('GET', `/v1/subscribers/${main}`);
      assert.equal(subscriber.body.failedAuth ?? 0, 0, 'no failed authentication');
    });
  });

  describe('identity by the SMSC message id', () => {
    let sys: System;
    before(async () => {
      sys = await startSystem({ numberPrefix: '2544', env: { SMPP_MESSAGE_ID_TLV_TAG: MESSAGE_ID_TAG }, simEnv: { SIM_MO_MESSAGE_ID_TLV_TAG: MESSAGE_ID_TAG } });
    });
    after(async () => {
      await sys?.stop();
    });

    it('debits once when the SMSC delivers every MO twice (same message ids)', async () => {
      const { main, device } = await sys.enrol('100.00');
      const before = await sys.metric('simpair_mo_duplicates_total', 'evidence="smsc_message_id"');
      await http('PUT', `${sys.sim.baseUrl}/faults`, { duplicateMo: true });
      try {
        await sys.sendSms(main, 'PAY 7.00 SHOP42');
        const code = codeOf(await sys.nthMessage(main, 1, /code/));
        await sys.sendSms(device, `PAY 7.00 SHOP42 ${code}`);
        await sys.nthMessage(main, 2, /Paid/i);
      } finally {
        await http('PUT', `${sys.sim.baseUrl}/faults`, { duplicateMo: false });
      }
      await waitFor('both duplicates recognised by id', async () => (await sys.metric('simpair_mo_duplicates_total', 'evidence="smsc_message_id"')) >= before + 2);
      // The same text again with a new SMSC id is a new message: a new half that waits.
      await sys.sendSms(device, 'PAY 7.00 SHOP42');
      await sys.nthMessage(device, 2, /waiting for the request/);
      await sys.repliesDrained();
      assert.equal((await sys.inbox(main)).length, 2, 'no second code, no second Paid');
      assert.equal(await sys.balance(main), '93.00');
      const list = await sys.admin<{ payments: Array<{ state: string }> }>('GET', `/v1/payments?msisdn=${main}&state=completed`);
      assert.equal(list.body.payments.length, 1);
    });

    it('the same message id is the same message even with other content', async () => {
      const { main } = await sys.enrol('20.00');
      await sys.sendSms(main, 'BAL', { messageId: `fixed-${main}` });
      await sys.nthMessage(main, 1, /20\.00/);
      const before = await sys.metric('simpair_mo_duplicates_total', 'evidence="smsc_message_id"');
      await sys.sendSms(main, 'HELP', { messageId: `fixed-${main}` });
      await waitFor('recognised by its id', async () => (await sys.metric('simpair_mo_duplicates_total', 'evidence="smsc_message_id"')) >= before + 1);
      await sys.sendSms(main, 'BAL', { messageId: `other-${main}` });
      await sys.nthMessage(main, 2, /20\.00/);
      await sys.repliesDrained();
      assert.equal((await sys.inbox(main)).length, 2, 'no help text for the reused id');
    });
  });
});
