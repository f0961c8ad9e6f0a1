import assert from 'node:assert/strict';
import { waitFor } from '../support/wait';
import { startSystem, type System } from '../support/system';
import { AppApi, msisdn, SimApi, startRig, writeJsonFile, type Rig } from './support/smpp-rig';

// README "What the gateway understands" (receipts), "Several binds, several carriers" (id formats
// per connection) and "Replies": receipts are matched however the SMSC writes them — but only in
// the id format configured, never guessed; a submit_sm_resp that misses the timeout is still
// recorded once; a reply waits for a link until its own deadline, and validity_period says so.

describe('SMPP replies (integration)', function () {
  this.timeout(60_000);

  describe('delivery receipts as different SMSCs write them', () => {
    // One simulator per SMSC habit, one simpair connection to each. A reply goes out over the
    // connection its MO came in on, and the receipt comes back over it.
    const hexThenDecimal = { SIM_MESSAGE_ID_FORMAT: 'hex', SIM_RECEIPT_ID_FORMAT: 'decimal', SIM_RECEIPT_TLVS: 'false' };
    let rig: Rig;
    let noNul: SimApi;
    let ucs2: SimApi;
    let hexDecimal: SimApi;
    let sameAsString: SimApi;

    before(async () => {
      rig = await startRig({
        sims: [{ SIM_RECEIPT_TLV_NUL: 'false' }, { SIM_RECEIPT_ENCODING: 'ucs2', SIM_RECEIPT_TLVS: 'false' }, hexThenDecimal, hexThenDecimal],
        config: (sims) => {
          const url = (i: number) => `smpp://127.0.0.1:${sims[i].proc.smppPort}`;
          return {
            smpp: {
              // submit_sm_resp ids in hex, the receipt text's id: in decimal ...
              messageIdFormat: 'hex',
              receiptTextIdFormat: 'decimal',
              connections: [
                // ... except where a connection says "as is" (simpair's own default).
                { name: 'tlv-without-nul', url: url(0), idScope: 'smsc-a', messageIdFormat: 'string', receiptTextIdFormat: 'string' },
                { name: 'ucs2-text-only', url: url(1), idScope: 'smsc-b' },
                { name: 'hex-then-decimal', url: url(2), idScope: 'smsc-c' },
                { name: 'misconfigured', url: url(3), idScope: 'smsc-d', messageIdFormat: 'string', receiptTextIdFormat: 'string' },
              ],
            },
          };
        },
      });
      [noNul, ucs2, hexDecimal, sameAsString] = rig.sims;
      await waitFor('all four connections bound', async () => (await rig.app.readyz()).body.connections.filter((c) => c.up).length === 4);
    });
    after(async () => rig?.stop());

    /** A HELP over that SMSC; resolves with the handset once the reply reached it. */
    const helpOver = async (sim: SimApi): Promise<string> => {
      const from = msisdn();
      assert.equal((await sim.mo({ from, text: 'HELP' })).statusName, 'ESME_ROK');
      await sim.delivered(from);
      return from;
    };
    const replyDelivered = (to: string) =>
      waitFor(`the reply to ${to} recorded as delivered`, async () => {
        const records = await rig.app.replyRecords(to);
        return records.length === 1 && records[0].state === 'delivered';
      });

    it('matches receipted_message_id sent without its NUL', async () => {
      await replyDelivered(await helpOver(noNul));
    });

    it('matches a receipt that is only UCS2 text, by the id: in its text', async () => {
      await replyDelivered(await helpOver(ucs2));
    });

    it('matches a hex submit_sm_resp id to a decimal receipt id when so configured, and does not guess when not', async () => {
      await replyDelivered(await helpOver(hexDecimal));

      // The same SMSC behind a connection that takes ids as they are: "1f3a…" and "523…" are
      // different strings, so the receipt stays an orphan and the reply stays sent.
      const orphansBefore = await rig.app.metric('simpair_dlr_orphans_total');
      const to = await helpOver(sameAsString);
      await waitFor('the SMSC saw its receipt acknowledged', async () => (await sameAsString.submits()).find((s) => s.to === to)?.receipt === 'acked');
      const records = await rig.app.replyRecords(to);
      assert.deepEqual(records.map((r) => r.state), ['sent']);
      assert.ok((await rig.app.metric('simpair_dlr_orphans_total')) > orphansBefore, 'the unmatched receipt is counted as an orphan');
    });
  });

  describe('replies and their deadlines', () => {
    const HELP_DEADLINE_S = 4;
    const LINK_WAIT_MS = 500;
    let sys: System;
    let sim: SimApi;
    let app: AppApi;

    before(async () => {
      sys = await startSystem({
        env: {
          // A receiver and a transmitter, so that the transmitter can be taken away while MOs still come in.
          SMPP_BIND_MODE: 'receiver+transmitter',
          SMPP_RESPONSE_TIMEOUT_MS: '1000',
          SMPP_LATE_RESPONSE_GRACE_MS: '5000',
          SMPP_LINK_WAIT_MS: String(LINK_WAIT_MS),
          SIMPAIR_CONFIG: writeJsonFile('simpair.json', {
            replies: { deadlineSeconds: { default: 86400, help: HELP_DEADLINE_S } },
            smpp: { reconnectMaxMs: 1000 },
          }),
        },
      });
      sim = new SimApi(sys.sim);
      app = new AppApi(sys.app, sys.redis.client());
    });
    after(async () => {
      app?.client.disconnect();
      await sys?.stop();
    });

    it('records a submit_sm_resp that comes after the response timeout once: one SMS, its receipt matched', async () => {
      await sim.faults({ slowSubmitResponseMs: 1800 });
      try {
        const lateBefore = await app.metric('simpair_mt_late_responses_total');
        const to = msisdn();
        await sys.sendSms(to, 'HELP');
        await waitFor('the reply recorded as delivered', async () => (await app.replyRecords(to))[0]?.state === 'delivered', 15_000);
        await sys.repliesDrained();
        assert.equal(await app.metric('simpair_mt_late_responses_total'), lateBefore + 1);
        assert.equal((await sim.submits()).filter((s) => s.to === to).length, 1, 'one submit_sm, not a resend');
        assert.equal((await sim.inbox(to)).length, 1, 'one SMS');
      } finally {
        await sim.faults({ slowSubmitResponseMs: 0 });
      }
    });

    it('fails a reply whose deadline passed while no transmitter was bound, and delivers a longer-lived one once it is back', async () => {
      const { main } = await sys.enrol();
      const stranger = msisdn();

      // Take the transmitter away while the receiver stays: new binds are refused (a status that
      // is not about the credentials, so it keeps retrying at most reconnectMaxMs apart), and only
      // the transmitter's connection is cut. Both MOs then arrive with no way to answer them.
      const tx = (await sim.sessions()).find((s) => s.mode === 'transmitter');
      assert.ok(tx, 'a transmitter is bound');
      await sim.faults({ refuseBinds: 0x0d }); // ESME_RBINDFAIL
      assert.equal(await sim.drop({ session: tx.id }), 1);
      await waitFor('/readyz 503 without a transmitter', async () => (await app.readyz()).status === 503);
      await sys.sendSms(stranger, 'HELP');
      await sys.sendSms(main, 'BAL');

      const help = await waitFor('the help reply queued', async () => (await app.mtMessages()).find((m) => m.to === stranger));
      assert.equal(help.kind, 'help');
      assert.ok(help.deadline && help.deadline - help.createdAt === HELP_DEADLINE_S * 1000, `help deadline ${HELP_DEADLINE_S} s after it was queued`);
      // The outage lasts until simpair has failed the help as expired (its deadline passed with no
      // link: the sender's first attempt after it fails the reply instead of sending it), then the
      // transmitter may bind again. Attempts are 1, 2, 4, 8 s apart (back-off): the first after a
      // 4 s deadline begins about 4 or 8.5 s after the help was queued.
      const helpExpired = async () => {
        const [r] = await app.replyRecords(stranger);
        return r?.state === 'failed' && r.error === 'expired';
      };
      await waitFor('the help reply failed as expired during the outage', helpExpired, 25_000);
      const during = async (to: string) => (await app.replyRecords(to)).map((r) => r.state);
      assert.deepEqual(await during(main), ['queued'], 'the balance waits during the outage');
      assert.ok(['queued', 'failed'].includes((await during(stranger))[0]), 'the help was not sent during the outage');
      await sim.faults({ refuseBinds: null });

      await waitFor('readiness 200 with the transmitter back', async () => (await app.readyz()).status === 200);
      await sys.nthMessage(main, 1, /balance/i);
      await waitFor('the help reply still failed as expired with the link back', helpExpired);
      await sys.repliesDrained();
      assert.equal(await app.metric('simpair_mt_expired_total', 'kind="help"'), 1);
      assert.equal(await app.metric('simpair_mt_expired_total', 'kind="balance"'), 0);
      assert.deepEqual(await sim.inbox(stranger), [], 'the expired help never reached the handset');
      assert.deepEqual((await sim.submits()).filter((s) => s.to === stranger), [], 'nor the SMSC');

      // validity_period on the balance's submit_sm: relative, from the default deadline (1 day).
      const [balance] = (await sim.submits()).filter((s) => s.to === main);
      assert.match(balance.validityPeriod, /^\d{12}000R$/);
      const validFor = Date.parse(balance.expiresAt ?? '') - Date.now();
      assert.ok(validFor > 23 * 3600_000 && validFor <= 24 * 3600_000, `validity ends about a day from now (${balance.validityPeriod})`);
    });
  });
});
