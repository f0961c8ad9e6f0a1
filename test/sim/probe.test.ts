import assert from 'node:assert/strict';
import * as smpp from 'smpp';
import type { Esme } from './support/esme';
import { simulatorSuite } from './support/suite';
import { waitFor } from '../support/wait';
import type { RawPdu } from './support/wire';

// POST /pdu: crafted input for an ESME's bad-input tests, against a plain node-smpp test ESME.

interface LogEntry {
  dir: string;
  command: string;
  seq: number | null;
  statusName: string | null;
  from?: string;
  text?: string;
  note?: string;
}

describe('smsc-sim: crafted PDUs (POST /pdu) and the PDU log', function () {
  this.timeout(20000);
  // No redelivery delay: a probe that were redelivered would be back before the next request.
  const { api, connect } = simulatorSuite({ SIM_MO_RESPONSE_TIMEOUT_MS: '800', SIM_REDELIVERY_DELAY_MS: '0' });
  const deliverSms = (e: Esme) => e.raw.filter((p: RawPdu) => p.commandId === 0x00000005);


  it('writes raw octets to bound receivers only and logs the generic_nack the ESME sends back', async () => {
    const esme = await connect();
    await connect({ command: 'bind_transmitter' });
    // A 16-octet header with command_id 0x00000099, which SMPP 3.4 does not define.
    const hex = '00000010' + '00000099' + '00000000' + '0000abcd';
    assert.deepEqual(await api().post('/pdu', { kind: 'raw', hex }), { sessions: 1 });
    const nack = await esme.waitForRaw('the ESME to receive the octets', (p) => p.commandId === 0x99);
    assert.equal(nack.bytes.toString('hex'), hex);

    const counters = await waitFor('generic_nack counted', async () => {
      const c = await api().get('/counters');
      return c.generic_nacks_received === 1 ? c : undefined;
    });
    assert.equal(counters.raw_writes, 1);
    const log: LogEntry[] = await api().get('/pdus');
    const out = log.find((e) => e.command === 'raw');
    assert.ok(out && out.dir === 'out' && out.note?.includes('0x00000099'), JSON.stringify(log));
    const answer = log.find((e) => e.command === 'generic_nack');
    assert.deepEqual([answer?.dir, answer?.seq, answer?.statusName], ['in', 0xabcd, 'ESME_RINVCMDID']);
  });

  it('shows an ESME dropping the connection after a command_length over its limit', async () => {
    const esme = await connect();
    esme.dropOnError = true;
    const { sessions } = await api().post('/pdu', { kind: 'raw', hex: '00100000000000050000000000000001' });
    assert.equal(sessions, 1);
    await esme.waitClosed();
    await waitFor('the simulator to see the drop', async () => ((await api().get('/counters')).sessions_dropped === 1 ? true : undefined));
  });

  it('sends one deliver_sm exactly as given: 10,000-octet message_payload, odd source, invalid and unknown TLVs', async () => {
    const esme = await connect();
    const payload = Buffer.alloc(10_000, 0x41);
    const res = await api().post('/pdu', {
      kind: 'deliver_sm',
      fields: { source_addr: '', source_addr_ton: 5, source_addr_npi: 0, data_coding: 4, service_type: 'USSD', esm_class: 0x40 },
      shortMessageHex: '',
      messagePayloadHex: payload.toString('hex'),
      tlvs: { '1281': '0102', '0x1401': '' }, // ussd_service_op with two octets; a vendor tag, empty
    });
    assert.deepEqual([res.status, res.statusName, res.command], [0, 'ESME_ROK', 'deliver_sm_resp']);

    const [pdu] = deliverSms(esme);
    const d = pdu.deliver!;
    assert.equal(pdu.seq, res.seq);
    assert.deepEqual(
      [d.serviceType, d.sourceTon, d.sourceNpi, d.source, d.destTon, d.destNpi, d.dest, d.esmClass, d.dataCoding, d.shortMessage.length],
      ['USSD', 5, 0, '', 0, 1, '20555', 0x40, 4, 0],
    );
    assert.deepEqual([...d.tlvs.keys()], [0x0424, 0x0501, 0x1401]);
    assert.deepEqual(d.tlvs.get(0x0424), payload);
    assert.equal(d.tlvs.get(0x0501)!.toString('hex'), '0102');
    assert.equal(d.tlvs.get(0x1401)!.length, 0);
    assert.equal(pdu.bytes.length, pdu.bytes.readUInt32BE(0));

    const log: LogEntry[] = await api().get('/pdus');
    const out = log.find((e) => e.dir === 'out' && e.command === 'deliver_sm');
    assert.equal(out?.note, 'probe');
    assert.ok(log.some((e) => e.dir === 'in' && e.command === 'deliver_sm_resp' && e.seq === res.seq));
  });

  it('uses the documented defaults and reports a temporary error without redelivering', async () => {
    const esme = await connect();
    const answers = [0x64, 0];
    esme.deliverStatus = () => answers.shift() ?? 0;
    const res = await api().post('/pdu', { kind: 'deliver_sm', shortMessageHex: Buffer.from('PAY 1 X').toString('hex') });
    assert.deepEqual([res.status, res.statusName], [0x64, 'ESME_RX_T_APPN']);
    // An MO after the probe: had the probe been queued for redelivery, it would come first.
    assert.equal((await api().post('/mo', { from: '254711000001', text: 'after' })).status, 0);
    const sent = deliverSms(esme).map((p) => p.deliver!);
    assert.deepEqual(
      sent.map((d) => d.shortMessage.toString()),
      ['PAY 1 X', 'after'],
    );
    const d = sent[0];
    assert.deepEqual([d.source, d.sourceTon, d.sourceNpi, d.dest, d.esmClass, d.dataCoding, d.serviceType], ['254700000099', 1, 1, '20555', 0, 0, '']);
    const counters = await api().get('/counters');
    assert.deepEqual([counters.probes_sent, counters.mo_sent, counters.mo_temp_errors], [1, 1, 0]);
  });

  it('reports generic_nack, timeout and closed as the outcome', async () => {
    const esme = await connect();
    esme.deliverStatus = (pdu) => {
      esme.session.send(new smpp.PDU('generic_nack', { sequence_number: pdu.sequence_number, command_status: 0x03 }));
      return null;
    };
    const nacked = await api().post('/pdu', { kind: 'deliver_sm' });
    assert.deepEqual([nacked.status, nacked.statusName, nacked.command], [3, 'ESME_RINVCMDID', 'generic_nack']);
    assert.equal((await api().get('/counters')).generic_nacks_received, 1);

    esme.deliverStatus = () => null;
    const silent = await api().post('/pdu', { kind: 'deliver_sm' });
    assert.deepEqual([silent.status, silent.outcome], [null, 'timeout']);

    esme.deliverStatus = () => {
      esme.destroy();
      return null;
    };
    const cut = await api().post('/pdu', { kind: 'deliver_sm' });
    assert.deepEqual([cut.status, cut.outcome], [null, 'closed']);
  });

  it('answers 409 with no receiver bound and 400 naming the field for bad probes', async () => {
    const none = await api().send('POST', '/pdu', { kind: 'deliver_sm' });
    assert.equal(none.status, 409);
    const cases: Array<[unknown, RegExp]> = [
      [{ kind: 'nope' }, /^kind:/],
      [{ kind: 'raw', hex: 'abc' }, /^hex:/],
      [{ kind: 'raw', hex: '' }, /^hex:/],
      [{ kind: 'deliver_sm', fields: { source_addr_ton: 256 } }, /^fields\.source_addr_ton:/],
      [{ kind: 'deliver_sm', fields: { short_message: 'x' } }, /^fields\.short_message:/],
      [{ kind: 'deliver_sm', shortMessageHex: '00'.repeat(256) }, /^shortMessageHex:/],
      [{ kind: 'deliver_sm', tlvs: { '70000': '00' } }, /^tlvs\.70000:/],
      [{ kind: 'deliver_sm', tlvs: { '1281': 'zz' } }, /^tlvs\.1281:/],
    ];
    for (const [body, error] of cases) {
      const r = await api().send('POST', '/pdu', body);
      assert.equal(r.status, 400, JSON.stringify(body));
      assert.match(r.body.error, error);
    }
  });
});
