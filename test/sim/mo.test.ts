import assert from 'node:assert/strict';
import { simulatorSuite } from './support/suite';
import { waitFor } from '../support/wait';
import { fromUcs2, type RawPdu, ucs2 } from './support/wire';

const MAIN = '254711000001';

describe('smsc-sim: MO injection and redelivery', function () {
  this.timeout(20000);
  const { api, connect } = simulatorSuite({ SIM_MO_RESPONSE_TIMEOUT_MS: '800', SIM_REDELIVERY_DELAY_MS: '50' });
  const isMo = (p: RawPdu) => !!p.deliver && (p.deliver.esmClass & 0x04) === 0;


  it('delivers GSM text as data_coding 0 and redelivers after ESME_RX_T_APPN until accepted', async () => {
    const esme = await connect();
    const answers = [0x64, 0];
    esme.deliverStatus = () => answers.shift() ?? 0;
    const res = await api().post('/mo', { from: MAIN, text: 'PAY 12.50 SHOP42 @5€' });
    assert.equal(res.status, 0x64, 'the first answer is reported');
    assert.equal(res.statusName, 'ESME_RX_T_APPN');
    assert.equal(res.parts, 1);
    assert.equal(res.queued, false);

    const record = await waitFor('MO acked', async () => {
      const r = await api().get(`/mo/${res.id}`);
      return r.state === 'acked' ? r : undefined;
    });
    assert.equal(record.attempts, 2);
    assert.deepEqual(
      record.statuses.map((s: { status: number }) => s.status),
      [0x64, 0],
    );

    const mos = esme.raw.filter(isMo);
    assert.equal(mos.length, 2);
    const d = mos[0].deliver!;
    assert.deepEqual([d.source, d.sourceTon, d.sourceNpi, d.dest, d.esmClass, d.dataCoding], [MAIN, 1, 1, '20555', 0, 0]);
    // GSM 03.38 unpacked: '@' = 0x00, '€' = ESC 0x65.
    assert.deepEqual(d.shortMessage, Buffer.concat([Buffer.from('PAY 12.50 SHOP42 '), Buffer.from([0x00, 0x35, 0x1b, 0x65])]));
    assert.deepEqual(mos[1].deliver!.shortMessage, d.shortMessage, 'the redelivery carries the same content');

    const counters = await api().get('/counters');
    assert.ok(counters.mo_redelivered >= 1);
    assert.equal(counters.mo_temp_errors, 1);
    assert.equal(counters.mo_acked, 1);
  });

  it('picks UCS2 for text outside GSM 03.38, or when forced, and carries IMSI and USSD TLVs', async () => {
    const esme = await connect();
    await api().post('/mo', { from: MAIN, text: 'Оплата 5', imsi: '639011234567890' });
    await api().post('/mo', {
      from: MAIN,
      text: 'BAL',
      encoding: 'ucs2',
      serviceType: 'USSD',
      tlvs: { ussd_service_op: 1, its_session_info: '0a01' },
    });
    const [first, second] = esme.raw.filter(isMo).map((p) => p.deliver!);
    assert.equal(first.dataCoding, 8);
    assert.equal(fromUcs2(first.shortMessage), 'Оплата 5');
    assert.equal(first.tlvs.get(0x1500)?.toString('latin1'), '639011234567890');
    assert.equal(second.dataCoding, 8);
    assert.deepEqual(second.shortMessage, ucs2('BAL'));
    assert.equal(second.serviceType, 'USSD');
    assert.deepEqual([...second.tlvs.get(0x0501)!], [1]);
    assert.equal(second.tlvs.get(0x1383)?.toString('hex'), '0a01');
  });

  it('splits long text into UDH-concatenated parts of 153 GSM / 67 UCS2 characters', async () => {
    const esme = await connect();
    const gsm = await api().post('/mo', { from: MAIN, text: 'x'.repeat(200) });
    assert.equal(gsm.parts, 2);
    assert.equal(gsm.status, 0);
    const ucs = await api().post('/mo', { from: MAIN, text: 'ж'.repeat(100) });
    assert.equal(ucs.parts, 2);
    const parts = esme.raw.filter(isMo).map((p) => p.deliver!);
    assert.equal(parts.length, 4);
    for (const p of parts) assert.equal(p.esmClass & 0x40, 0x40);
    const udh = (b: Buffer) => [...b.subarray(0, 6)];
    const [g1, g2, u1, u2] = parts.map((p) => p.shortMessage);
    assert.deepEqual([udh(g1)[5], udh(g2)[5], udh(g1)[4]], [1, 2, 2]);
    assert.equal(udh(g1)[3], udh(g2)[3], 'both parts share one reference');
    assert.deepEqual([g1.length - 6, g2.length - 6], [153, 47]);
    assert.deepEqual([(u1.length - 6) / 2, (u2.length - 6) / 2], [67, 33]);
    assert.equal(fromUcs2(Buffer.concat([u1.subarray(6), u2.subarray(6)])), 'ж'.repeat(100));
  });

  it('holds MOs while no receiver is bound and delivers them on bind', async () => {
    const res = await api().post('/mo', { from: MAIN, text: 'HELP', wait: false });
    assert.deepEqual([res.status, res.queued], [null, true]);
    assert.equal((await api().get('/mo?state=pending')).length, 1);
    const esme = await connect({ command: 'bind_receiver' });
    await esme.waitForRaw('the held MO', isMo);
    await waitFor('MO acked', async () => ((await api().get(`/mo/${res.id}`)).state === 'acked' ? true : undefined));
  });

  it('redelivers after an unanswered deliver_sm and after the connection closes before the answer', async () => {
    const silent = await connect();
    silent.deliverStatus = () => null;
    const res = await api().post('/mo', { from: MAIN, text: 'first', wait: false });
    await silent.waitForRaw('the first attempt', isMo);
    await silent.waitForRaw('the redelivery after the response timeout', (p) => isMo(p) && p !== silent.raw.find(isMo), 3000);
    silent.destroy();
    const fresh = await connect();
    const again = await fresh.waitForRaw('redelivery on the new session', isMo, 3000);
    assert.deepEqual(again.deliver!.shortMessage, Buffer.from('first'));
    const record = await waitFor('MO acked', async () => {
      const r = await api().get(`/mo/${res.id}`);
      return r.state === 'acked' ? r : undefined;
    });
    const outcomes = record.statuses.map((s: { outcome: string }) => s.outcome);
    assert.equal(outcomes[0], 'timeout');
    assert.ok(outcomes.includes('closed'), `outcomes: ${outcomes}`);
    assert.equal(outcomes.at(-1), 'response');
    const counters = await api().get('/counters');
    assert.ok(counters.mo_timeouts >= 1 && counters.mo_connection_lost >= 1);
  });

  it('gives up on a permanent error', async () => {
    const esme = await connect();
    esme.deliverStatus = () => 0x0b; // ESME_RINVDSTADR
    const res = await api().post('/mo', { from: MAIN, text: 'nope' });
    assert.equal(res.statusName, 'ESME_RINVDSTADR');
    const record = await api().get(`/mo/${res.id}`);
    assert.deepEqual([record.state, record.finalStatus, record.attempts], ['failed', 0x0b, 1]);
    assert.equal((await api().get('/counters')).mo_perm_errors, 1);
  });

  it('delivers every MO twice under duplicateMo, and batches with and without waiting', async () => {
    const esme = await connect();
    await api().put('/faults', { duplicateMo: true });
    await api().post('/mo', { from: MAIN, text: 'PAY 1 X' });
    await waitFor('two copies', async () => (esme.raw.filter(isMo).length === 2 ? true : undefined));
    const [a, b] = esme.raw.filter(isMo).map((p) => p.deliver!.shortMessage);
    assert.deepEqual(a, b);

    await api().put('/faults', { duplicateMo: false });
    const messages = Array.from({ length: 20 }, (_, i) => ({ from: `2547110000${String(i).padStart(2, '0')}`, text: `BAL ${i}` }));
    const { results } = await api().post('/mo/batch', { messages, wait: true });
    assert.equal(results.length, 20);
    assert.ok(results.every((r: { status: number }) => r.status === 0));
    const { ids } = await api().post('/mo/batch', { messages: messages.slice(0, 3) });
    assert.equal(ids.length, 3);
  });

  it('rejects bad bodies with 400 naming the field', async () => {
    const cases: Array<[unknown, RegExp]> = [
      [{ text: 'x' }, /^from:/],
      [{ from: MAIN }, /^text:/],
      [{ from: MAIN, text: 'x', encoding: 'utf8' }, /^encoding:/],
      [{ from: MAIN, text: 'ж', encoding: 'gsm' }, /^text:/],
      [{ from: MAIN, text: 'x', imsi: '12ab' }, /^imsi:/],
      [{ from: MAIN, text: 'x', tlvs: { its_session_info: 'xyz' } }, /^tlvs\.its_session_info:/],
    ];
    for (const [body, error] of cases) {
      const r = await api().send('POST', '/mo', body);
      assert.equal(r.status, 400, JSON.stringify(body));
      assert.match(r.body.error, error);
    }
  });
});
