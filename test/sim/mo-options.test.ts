import assert from 'node:assert/strict';
import { startSimulatorProcess } from '../../smsc-sim/harness';
import { httpClient } from '../support/http';
import { waitFor } from '../support/wait';
import { simulatorSuite } from './support/suite';
import { fromUcs2, type RawPdu } from './support/wire';

// POST /mo options a network uses: SAR concatenation, esm_class of SME acks and intermediate
// notifications, the IMSI in TBCD, and the SMSC's own message id of each MO part.

const MAIN = '254711000001';
const MO_ID_TAG = 0x1401;
const IMSI_TAG = 0x1500;
const SAR = { ref: 0x020c, total: 0x020e, seq: 0x020f };

const isMo = (p: RawPdu) => !!p.deliver && (p.deliver.esmClass & 0x04) === 0;
/** The PDU without its sequence number: what must not change between two sends of one part. */
const content = (p: RawPdu) => Buffer.concat([p.bytes.subarray(0, 12), p.bytes.subarray(16)]).toString('hex');
const cstr = (b: Buffer | undefined) => {
  assert.ok(b, 'TLV present');
  assert.equal(b[b.length - 1], 0, 'NUL-terminated');
  return b.subarray(0, -1).toString('latin1');
};

describe('smsc-sim: MO options (SAR, esm_class, IMSI encoding, SMSC message ids)', function () {
  this.timeout(20000);
  const { api, connect } = simulatorSuite({
    SIM_MO_RESPONSE_TIMEOUT_MS: '500',
    SIM_REDELIVERY_DELAY_MS: '30',
    SIM_MO_MESSAGE_ID_TLV_TAG: `0x${MO_ID_TAG.toString(16)}`,
  });

  it('sar: concatenates with sar_msg_ref_num / sar_total_segments / sar_segment_seqnum, no UDH, no UDHI', async () => {
    const esme = await connect();
    const gsm = await api().post('/mo', { from: MAIN, text: 'x'.repeat(200), sar: true });
    const ucs = await api().post('/mo', { from: MAIN, text: 'ж'.repeat(100), sar: true });
    const single = await api().post('/mo', { from: MAIN, text: 'short', sar: true });
    assert.deepEqual([gsm.parts, ucs.parts, single.parts], [2, 2, 1]);
    const [g1, g2, u1, u2, s1] = esme.raw.filter(isMo).map((p) => p.deliver!);
    for (const d of [g1, g2, u1, u2, s1]) assert.equal(d.esmClass & 0x40, 0, 'no UDHI');
    assert.deepEqual([g1.shortMessage.length, g2.shortMessage.length], [153, 47]);
    assert.equal(g1.shortMessage.toString('latin1'), 'x'.repeat(153), 'no UDH in front of the text');
    assert.deepEqual([u1.shortMessage.length / 2, u2.shortMessage.length / 2], [67, 33]);
    assert.equal(fromUcs2(Buffer.concat([u1.shortMessage, u2.shortMessage])), 'ж'.repeat(100));
    for (const [parts, total] of [[[g1, g2], 2], [[u1, u2], 2]] as const) {
      const refs = parts.map((d) => d.tlvs.get(SAR.ref)!);
      assert.equal(refs[0].length, 2, 'a 16-bit reference');
      assert.deepEqual(refs[0], refs[1], 'one reference for all parts');
      assert.deepEqual(parts.map((d) => [...d.tlvs.get(SAR.total)!]), [[total], [total]]);
      assert.deepEqual(parts.map((d) => [...d.tlvs.get(SAR.seq)!]), [[1], [2]]);
    }
    assert.notDeepEqual(g1.tlvs.get(SAR.ref), u1.tlvs.get(SAR.ref), 'each MO its own reference');
    assert.equal(s1.tlvs.has(SAR.ref), false, 'a single part is not concatenated');
  });

  it('esmClass replaces the esm_class: SME acknowledgement 0x08, intermediate notification 0x20', async () => {
    const esme = await connect();
    await api().post('/mo', { from: MAIN, text: 'ack', esmClass: 0x08 });
    await api().post('/mo', { from: MAIN, text: 'note', esmClass: 0x20 });
    assert.deepEqual(
      esme.raw.filter((p) => p.commandId === 5).map((p) => p.deliver!.esmClass),
      [0x08, 0x20],
    );
  });

  it('imsiEncoding: ASCII digits by default, TBCD (low nibble first, 0xF filler) when asked', async () => {
    const esme = await connect();
    await api().post('/mo', { from: MAIN, text: 'a', imsi: '639011234567890' });
    await api().post('/mo', { from: MAIN, text: 'b', imsi: '639011234567890', imsiEncoding: 'ascii' });
    await api().post('/mo', { from: MAIN, text: 'c', imsi: '639011234567890', imsiEncoding: 'tbcd' });
    await api().post('/mo', { from: MAIN, text: 'd', imsi: '63901123456789', imsiEncoding: 'tbcd' });
    const imsis = esme.raw.filter(isMo).map((p) => p.deliver!.tlvs.get(IMSI_TAG)!.toString('hex'));
    const ascii = Buffer.from('639011234567890', 'latin1').toString('hex');
    assert.deepEqual(imsis, [ascii, ascii, '36091132547698f0', '36091132547698']);
  });

  it('messageId: carried NUL-terminated in the MO id TLV, "-<part>" per part, and shown as messageIds', async () => {
    const esme = await connect();
    const one = await api().post('/mo', { from: MAIN, text: 'PAY 1', messageId: 'SMSC-0001' });
    const two = await api().post('/mo', { from: MAIN, text: 'y'.repeat(170), messageId: 'AB12' });
    const ids = esme.raw.filter(isMo).map((p) => cstr(p.deliver!.tlvs.get(MO_ID_TAG)));
    assert.deepEqual(ids, ['SMSC-0001', 'AB12-1', 'AB12-2']);
    assert.deepEqual((await api().get(`/mo/${one.id}`)).messageIds, ['SMSC-0001']);
    assert.deepEqual((await api().get(`/mo/${two.id}`)).messageIds, ['AB12-1', 'AB12-2']);
  });

  it('generates an id per MO part, unique, and the same on every redelivery and on the duplicateMo copy', async () => {
    const esme = await connect();
    const answers = [0x64, 0]; // the first copy of the first part gets a temporary error
    esme.deliverStatus = () => answers.shift() ?? 0;
    const long = await api().post('/mo', { from: MAIN, text: 'z'.repeat(200) });
    await waitFor('MO acked', async () => ((await api().get(`/mo/${long.id}`)).state === 'acked' ? true : undefined));
    await api().put('/faults', { duplicateMo: true });
    const dup = await api().post('/mo', { from: MAIN, text: 'PAY 2' });
    await waitFor('both copies', async () => (esme.raw.filter(isMo).length === 5 ? true : undefined));

    const sent = esme.raw.filter(isMo);
    const idOf = (p: RawPdu) => cstr(p.deliver!.tlvs.get(MO_ID_TAG));
    const longIds: string[] = (await api().get(`/mo/${long.id}`)).messageIds;
    const dupIds: string[] = (await api().get(`/mo/${dup.id}`)).messageIds;
    assert.equal(longIds.length, 2);
    assert.equal(new Set([...longIds, ...dupIds]).size, 3, 'unique per part');
    for (const id of [...longIds, ...dupIds]) assert.match(id, /^[0-9a-f]+$/, 'hex, as messageIdFormat says');
    // part 1 twice (the redelivery), part 2 once, the MO and its duplicate copy
    assert.deepEqual(sent.map(idOf).sort(), [longIds[0], longIds[0], longIds[1], dupIds[0], dupIds[0]].sort());
    const part1 = sent.filter((p) => idOf(p) === longIds[0]);
    assert.equal(part1.length, 2, 'part 1 was redelivered');
    assert.equal(content(part1[0]), content(part1[1]), 'the redelivery is the same octets');
    const copies = sent.filter((p) => idOf(p) === dupIds[0]);
    assert.equal(copies.length, 2);
    assert.equal(content(copies[0]), content(copies[1]), 'the duplicate is the same octets');
  });

  it('keeps an alphanumeric sender and resends identical octets after a timeout and a lost connection', async () => {
    const silent = await connect();
    silent.deliverStatus = () => null;
    const res = await api().post('/mo', {
      from: 'PayShop',
      text: 'Ж'.repeat(80), // UCS2, two parts
      sar: true,
      imsi: '639011234567890',
      imsiEncoding: 'tbcd',
      messageId: 'R-77',
      wait: false,
    });
    await silent.waitForRaw('the first attempts', (p) => isMo(p));
    await waitFor('a redelivery after the timeout', async () => (silent.raw.filter(isMo).length >= 3 ? true : undefined), 4000);
    silent.destroy();
    const fresh = await connect();
    await waitFor('MO acked', async () => ((await api().get(`/mo/${res.id}`)).state === 'acked' ? true : undefined), 4000);

    const all = [...silent.raw.filter(isMo), ...fresh.raw.filter(isMo)];
    const first = all[0].deliver!;
    assert.deepEqual([first.source, first.sourceTon, first.sourceNpi, first.dataCoding], ['PayShop', 5, 0, 8]);
    const byPart = new Map<string, Set<string>>();
    for (const p of all) {
      const id = cstr(p.deliver!.tlvs.get(MO_ID_TAG));
      byPart.set(id, (byPart.get(id) ?? new Set()).add(content(p)));
    }
    assert.deepEqual([...byPart.keys()].sort(), ['R-77-1', 'R-77-2']);
    for (const [id, forms] of byPart) assert.equal(forms.size, 1, `${id} went out in ${forms.size} different forms`);
    assert.ok(fresh.raw.filter(isMo).length >= 1, 'redelivered on the new session');
    const outcomes = (await api().get(`/mo/${res.id}`)).statuses.map((s: { outcome: string }) => s.outcome);
    assert.ok(outcomes.includes('timeout') && outcomes.includes('closed'), `outcomes: ${outcomes}`);
  });

  it('rejects bad options with 400 naming the field, in /mo and in /mo/batch', async () => {
    const cases: Array<[unknown, RegExp]> = [
      [{ from: MAIN, text: 'x', sar: 'yes' }, /^sar:/],
      [{ from: MAIN, text: 'x', esmClass: 256 }, /^esmClass:/],
      [{ from: MAIN, text: 'x', esmClass: '8' }, /^esmClass:/],
      [{ from: MAIN, text: 'x', imsi: '639011234567890', imsiEncoding: 'bcd' }, /^imsiEncoding:/],
      [{ from: MAIN, text: 'x', imsiEncoding: 'tbcd' }, /^imsiEncoding:/],
      [{ from: MAIN, text: 'x', messageId: '' }, /^messageId:/],
      [{ from: MAIN, text: 'x', messageId: 'a'.repeat(65) }, /^messageId:/],
      [{ from: MAIN, text: 'x', messageId: 'tab\there' }, /^messageId:/],
      [{ from: MAIN, text: 'x', messageId: 42 }, /^messageId:/],
    ];
    for (const [body, error] of cases) {
      const r = await api().send('POST', '/mo', body);
      assert.equal(r.status, 400, JSON.stringify(body));
      assert.match(r.body.error, error);
    }
    const batch = await api().send('POST', '/mo/batch', { messages: [{ from: MAIN, text: 'ok' }, { from: MAIN, text: 'x', sar: 1 }] });
    assert.equal(batch.status, 400);
    assert.match(batch.body.error, /^messages\[1\]\.sar:/);
  });
});

describe('smsc-sim: MO message ids with moMessageIdTlvTag off', function () {
  this.timeout(20000);

  it('sends no id TLV, shows messageIds null, and refuses messageId with 400 naming the setting', async () => {
    const sim = await startSimulatorProcess();
    try {
      const api = httpClient(sim.baseUrl);
      const res = await api.post('/mo', { from: MAIN, text: 'x', wait: false });
      assert.equal((await api.get(`/mo/${res.id}`)).messageIds, null);
      const r = await api.send('POST', '/mo', { from: MAIN, text: 'x', messageId: 'A1' });
      assert.equal(r.status, 400);
      assert.match(r.body.error, /^messageId:.*moMessageIdTlvTag/);
    } finally {
      await sim.stop();
    }
  });

  it('refuses a moMessageIdTlvTag outside 0x1400-0x3FFF or equal to imsiTlvTag', async () => {
    await assert.rejects(startSimulatorProcess({ env: { SIM_MO_MESSAGE_ID_TLV_TAG: '0x001e' } }), /SIM_MO_MESSAGE_ID_TLV_TAG/);
    await assert.rejects(startSimulatorProcess({ env: { SIM_MO_MESSAGE_ID_TLV_TAG: '0x1500' } }), /SIM_MO_MESSAGE_ID_TLV_TAG[\s\S]*imsiTlvTag/);
  });
});
