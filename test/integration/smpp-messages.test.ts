import assert from 'node:assert/strict';
import { waitFor } from '../support/wait';
import { msisdn, startRig, type Rig, type SimApi } from './support/smpp-rig';

// README "What the gateway understands": long MOs joined from SAR TLVs, esm_class notifications
// acknowledged and never answered, data_coding 0 read as the connection's default alphabet, and
// the IMSI TLV in TBCD (an IMSI that cannot be read is flagged, never silently dropped).
//
// One simpair with two connections, each to its own simulator: one SMSC whose default alphabet
// is Latin-1 (the smpp default here) and one that overrides it back to GSM 03.38. IMSIs are TBCD
// on both.

const ESME_ROK = 0;
const ESME_RX_P_APPN = 0x65;
const IMSI = '639011234567890';

describe('SMPP messages the gateway understands (integration)', function () {
  this.timeout(60_000);
  let rig: Rig;
  let latin1: SimApi;
  let gsm7: SimApi;

  before(async () => {
    rig = await startRig({
      sims: [{}, {}],
      config: (sims) => ({
        smpp: {
          defaultAlphabet: 'latin1',
          imsiEncoding: 'tbcd',
          connections: [
            { name: 'latin1-smsc', url: `smpp://127.0.0.1:${sims[0].proc.smppPort}`, idScope: 'smsc-latin1' },
            { name: 'gsm7-smsc', url: `smpp://127.0.0.1:${sims[1].proc.smppPort}`, idScope: 'smsc-gsm7', defaultAlphabet: 'gsm7' },
          ],
        },
      }),
    });
    [latin1, gsm7] = rig.sims;
    await waitFor('both connections bound', async () => (await rig.app.readyz()).body.connections.every((c) => c.up));
  });
  after(async () => rig?.stop());

  const jobsFrom = async (from: string) => (await rig.app.moJobs()).filter((j) => j.source === from);

  it('joins a long MO sent with SAR TLVs into one message and answers it once', async () => {
    const from = msisdn();
    const text = `HELP ${'a'.repeat(150)} ${'b'.repeat(150)} end`;
    const sent = await gsm7.mo({ from, text, sar: true });
    assert.equal(sent.statusName, 'ESME_ROK');
    assert.equal(sent.parts, 3);
    const [reply] = await gsm7.delivered(from);
    assert.match(reply.text, /PAY <amount> <merchant>/);
    await rig.app.drained();
    assert.equal((await gsm7.inbox(from)).length, 1, 'one reply, not one per part');
    assert.deepEqual((await jobsFrom(from)).map((j) => j.text), [text], 'one MO job with the whole text');
    assert.deepEqual(await rig.app.client.keys('sp:concat:*'), [], 'no parts left behind');
  });

  it('acknowledges SME acknowledgements and intermediate notifications without answering them', async () => {
    const from = msisdn();
    const before = await rig.app.metric('simpair_smpp_notifications_total');
    // Both carry the text HELP: were they taken as subscriber messages, each would get the help text.
    for (const esmClass of [0x20, 0x08]) assert.equal((await gsm7.mo({ from, text: 'HELP', esmClass })).statusName, 'ESME_ROK');
    assert.equal(await rig.app.metric('simpair_smpp_notifications_total'), before + 2);
    assert.equal(await rig.app.metric('simpair_smpp_notifications_total', 'type="intermediate_delivery_notification"'), 1);
    assert.equal(await rig.app.metric('simpair_smpp_notifications_total', 'type="sme_delivery_acknowledgement"'), 1);

    // A real HELP from the same handset afterwards: its reply marks that everything before it ran.
    assert.equal((await gsm7.mo({ from, text: 'HELP please' })).statusName, 'ESME_ROK');
    await gsm7.delivered(from);
    await rig.app.drained();
    assert.equal((await gsm7.inbox(from)).length, 1, 'only the real MO was answered');
    assert.deepEqual((await jobsFrom(from)).map((j) => j.text), ['HELP please']);
  });

  it('reads data_coding 0 as Latin-1 where the SMSC says so, and refuses the same octets where it means GSM 03.38', async () => {
    const octets = Buffer.from('HELP café', 'latin1').toString('hex'); // é = 0xE9: no GSM 03.38 septet
    const a = msisdn();
    const ok = await latin1.pdu<{ status: number }>({ kind: 'deliver_sm', fields: { source_addr: a, data_coding: 0 }, shortMessageHex: octets });
    assert.equal(ok.status, ESME_ROK);
    await latin1.delivered(a);
    assert.deepEqual((await jobsFrom(a)).map((j) => [j.text, j.connection]), [['HELP café', 'latin1-smsc']]);

    const b = msisdn();
    const refusedBefore = await rig.app.metric('simpair_smpp_pdu_refused_total', 'reason="invalid_encoding"');
    const refused = await gsm7.pdu<{ status: number; command: string }>({ kind: 'deliver_sm', fields: { source_addr: b, data_coding: 0 }, shortMessageHex: octets });
    assert.deepEqual([refused.command, refused.status], ['deliver_sm_resp', ESME_RX_P_APPN]);
    assert.equal(await rig.app.metric('simpair_smpp_pdu_refused_total', 'reason="invalid_encoding"'), refusedBefore + 1);
    assert.equal((await gsm7.mo({ from: b, text: 'HELP' })).statusName, 'ESME_ROK');
    await gsm7.delivered(b);
    await rig.app.drained();
    assert.equal((await gsm7.inbox(b)).length, 1, 'the refused octets got no reply');
    assert.deepEqual((await jobsFrom(b)).map((j) => j.text), ['HELP']);
  });

  it('reads a TBCD IMSI, and flags an IMSI TLV it cannot read instead of dropping it silently', async () => {
    const c = msisdn();
    assert.equal((await gsm7.mo({ from: c, text: 'HELP', imsi: IMSI, imsiEncoding: 'tbcd' })).statusName, 'ESME_ROK');
    await gsm7.delivered(c);
    const [readable] = await jobsFrom(c);
    assert.equal(readable.imsi, IMSI);
    assert.equal(readable.imsiUnreadable, undefined);

    // ASCII digits read as TBCD give 30 digits: no IMSI has that many.
    const d = msisdn();
    const unreadableBefore = await rig.app.metric('simpair_mo_imsi_unreadable_total');
    assert.equal((await gsm7.mo({ from: d, text: 'HELP', imsi: IMSI, imsiEncoding: 'ascii' })).statusName, 'ESME_ROK');
    await gsm7.delivered(d);
    assert.equal(await rig.app.metric('simpair_mo_imsi_unreadable_total'), unreadableBefore + 1);
    const [unreadable] = await jobsFrom(d);
    assert.equal(unreadable.imsiUnreadable, true);
    assert.equal(unreadable.imsi, undefined);
  });
});
