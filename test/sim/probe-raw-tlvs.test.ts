import assert from 'node:assert/strict';
import { simulatorSuite } from './support/suite';
import type { RawPdu } from './support/wire';

// POST /pdu extras: TLVs whose length field lies (rawTlvs), and the same crafted deliver_sm sent
// several times in a row (repeat).

describe('smsc-sim: crafted PDUs with lying TLV lengths and repeats', function () {
  this.timeout(20000);
  const { api, connect } = simulatorSuite({ SIM_MO_RESPONSE_TIMEOUT_MS: '800' });
  const delivers = (raw: RawPdu[]) => raw.filter((p) => p.commandId === 0x00000005);

  it('writes rawTlvs after tlvs with the length field as given, the PDU framed by the octets really written', async () => {
    const esme = await connect();
    const res = await api().post('/pdu', {
      kind: 'deliver_sm',
      shortMessageHex: Buffer.from('PAY 1').toString('hex'),
      tlvs: { '0x0501': '01' },
      rawTlvs: [
        { tag: 0x1402, length: 1, hex: 'aabbcc' }, // says 1, carries 3
        { tag: '0x0427', length: 3, hex: '02' }, // message_state saying 3 octets: runs past the end
      ],
    });
    assert.deepEqual([res.status, res.command], [0, 'deliver_sm_resp'], 'a tolerant ESME answers');
    const [pdu] = delivers(esme.raw);
    assert.equal(pdu.bytes.readUInt32BE(0), pdu.bytes.length, 'command_length counts the octets sent');
    const tail = pdu.bytes.subarray(-(5 + 7 + 5)).toString('hex');
    assert.equal(tail, '0501000101' + '14020001aabbcc' + '0427000302');
  });

  it('repeat: the same octets n times in a row under new sequence numbers, answered with {results}', async () => {
    const esme = await connect();
    const answers = [0, 0x64, 0];
    esme.deliverStatus = () => answers.shift() ?? 0;
    const { results } = await api().post('/pdu', { kind: 'deliver_sm', shortMessageHex: Buffer.from('PAY 9').toString('hex'), repeat: 3 });
    assert.deepEqual(
      results.map((r: { status: number }) => r.status),
      [0, 0x64, 0],
    );
    const seqs = results.map((r: { seq: number }) => r.seq);
    assert.equal(new Set(seqs).size, 3);
    const sent = delivers(esme.raw);
    assert.deepEqual(
      sent.map((p) => p.seq),
      seqs,
    );
    const body = (p: RawPdu) => Buffer.concat([p.bytes.subarray(0, 12), p.bytes.subarray(16)]).toString('hex');
    assert.equal(new Set(sent.map(body)).size, 1, 'identical octets apart from the sequence number');
    assert.equal((await api().get('/counters')).probes_sent, 3);

    const once = await api().post('/pdu', { kind: 'deliver_sm', repeat: 1 });
    assert.equal(once.results.length, 1, 'repeat given: a list, even of one');
    const plain = await api().post('/pdu', { kind: 'deliver_sm' });
    assert.equal(plain.status, 0, 'no repeat: the one result, as before');
    const sentOnly = await api().post('/pdu', { kind: 'deliver_sm', repeat: 2, wait: false });
    assert.deepEqual(
      sentOnly.results.map((r: { outcome: string }) => r.outcome),
      ['sent', 'sent'],
    );
  });

  it('answers 400 naming the field for bad rawTlvs and repeat', async () => {
    await connect();
    const cases: Array<[unknown, RegExp]> = [
      [{ kind: 'deliver_sm', rawTlvs: { tag: 1 } }, /^rawTlvs:/],
      [{ kind: 'deliver_sm', rawTlvs: [7] }, /^rawTlvs\[0\]:/],
      [{ kind: 'deliver_sm', rawTlvs: [{ tag: 70000, length: 0, hex: '' }] }, /^rawTlvs\[0\]\.tag:/],
      [{ kind: 'deliver_sm', rawTlvs: [{ tag: 'x', length: 0, hex: '' }] }, /^rawTlvs\[0\]\.tag:/],
      [{ kind: 'deliver_sm', rawTlvs: [{ tag: 1, hex: '' }] }, /^rawTlvs\[0\]\.length:/],
      [{ kind: 'deliver_sm', rawTlvs: [{ tag: 1, length: 65536, hex: '' }] }, /^rawTlvs\[0\]\.length:/],
      [{ kind: 'deliver_sm', rawTlvs: [{ tag: 1, length: 1, hex: 'zz' }] }, /^rawTlvs\[0\]\.hex:/],
      [{ kind: 'deliver_sm', rawTlvs: [{ tag: 1, length: 1, hex: '00', value: 1 }] }, /^rawTlvs\[0\]\.value:/],
      [{ kind: 'deliver_sm', repeat: 0 }, /^repeat:/],
      [{ kind: 'deliver_sm', repeat: 11 }, /^repeat:/],
      [{ kind: 'deliver_sm', repeat: '2' }, /^repeat:/],
      [{ kind: 'raw', hex: '00', repeat: 2 }, /^repeat:/],
    ];
    for (const [body, error] of cases) {
      const r = await api().send('POST', '/pdu', body);
      assert.equal(r.status, 400, JSON.stringify(body));
      assert.match(r.body.error, error);
    }
  });
});
