import assert from 'node:assert/strict';
import type { PDUFields } from 'smpp';
import { startSimulatorProcess, type SimulatorProcess } from '../../smsc-sim/harness';
import { bound, type Esme } from './support/esme';
import { httpClient } from '../support/http';
import { waitFor } from '../support/wait';
import { type RawPdu, ucs2, udh16, udh8 } from './support/wire';

const PHONE = '254700000001';

// "Pay @home 5€ [ok]" in GSM 03.38, unpacked: '@' is 0x00, '€' is ESC 0x65, '[' ESC 0x3C, ']' ESC 0x3E.
const GSM_TEXT = 'Pay @home 5€ [ok]';
const GSM_OCTETS = Buffer.from([
  0x50, 0x61, 0x79, 0x20, 0x00, 0x68, 0x6f, 0x6d, 0x65, 0x20, 0x35, 0x1b, 0x65, 0x20, 0x1b, 0x3c, 0x6f, 0x6b, 0x1b, 0x3e,
]);

describe('smsc-sim: submit_sm, handset inboxes and receipts', function () {
  this.timeout(20000);
  let sim: SimulatorProcess;
  let esme: Esme;
  const api = () => httpClient(sim.baseUrl);

  before(async () => {
    sim = await startSimulatorProcess({ env: { SIM_DELIVERY_RECEIPT_DELAY_MS: '30', SIM_REDELIVERY_DELAY_MS: '100' } });
  });
  beforeEach(async () => {
    await api().post('/reset');
    esme = await bound(sim.smppPort);
  });
  afterEach(() => esme?.destroy());
  after(async () => {
    await sim?.stop();
  });

  async function submit(fields: PDUFields): Promise<string> {
    const resp = await esme.request('submit_sm', { source_addr: '20555', destination_addr: PHONE, ...fields });
    assert.equal(resp.command_status, 0, `submit_sm_resp status 0x${resp.command_status.toString(16)}`);
    assert.match(String(resp.message_id), /^[0-9a-f]+$/);
    return String(resp.message_id);
  }

  async function inboxWith(count: number): Promise<Array<Record<string, any>>> {
    return waitFor(`${count} message(s) in the inbox`, async () => {
      const { messages } = await api().get(`/handsets/${PHONE}/inbox`);
      return messages.length >= count ? messages : undefined;
    });
  }

  const receiptFor = (id: string) => (p: RawPdu) =>
    !!p.deliver && (p.deliver.esmClass & 0x04) !== 0 && p.deliver.tlvs.get(0x001e)?.toString('latin1') === `${id}\0`;

  it('decodes GSM 03.38 with extension characters and sends a receipt with TLVs and standard text', async () => {
    const id = await submit({ data_coding: 0, registered_delivery: 1, short_message: GSM_OCTETS });
    const [msg] = await inboxWith(1);
    assert.equal(msg.text, GSM_TEXT);
    assert.equal(msg.id, id);
    assert.equal(msg.from, '20555');

    const receipt = await esme.waitForRaw('delivery receipt', receiptFor(id));
    const d = receipt.deliver!;
    assert.equal(d.source, PHONE);
    assert.equal(d.dest, '20555');
    assert.equal(d.dataCoding, 0);
    assert.deepEqual([...d.tlvs.get(0x0427)!], [2]); // message_state DELIVERED
    const text = d.shortMessage.toString('latin1');
    const m = /^id:(\d+) sub:001 dlvrd:001 submit date:\d{10} done date:\d{10} stat:DELIVRD err:000 text:(.*)$/.exec(text);
    assert.ok(m, `receipt text: ${text}`);
    assert.equal(BigInt(m[1]), BigInt('0x' + id), 'the text carries the id in decimal');

    const state = await waitFor('inbox state DELIVERED', async () => {
      const [entry] = (await api().get(`/handsets/${PHONE}/inbox`)).messages;
      return entry.state === 'DELIVERED' ? entry.state : undefined;
    });
    assert.equal(state, 'DELIVERED');
    const counters = await waitFor('receipt acked', async () => {
      const c = await api().get('/counters');
      return c.receipts_acked === 1 ? c : undefined;
    });
    assert.equal(counters.submits_accepted, 1);
  });

  it('decodes UCS2 (data_coding 8) and Latin-1 (data_coding 3) through message_payload', async () => {
    await submit({ data_coding: 8, short_message: ucs2('Привет, мир! 你好') });
    await submit({ data_coding: 3, short_message: Buffer.alloc(0), message_payload: Buffer.from('Größe café', 'latin1') });
    const messages = await inboxWith(2);
    assert.deepEqual(
      messages.map((m) => [m.text, m.dataCoding]),
      [
        ['Привет, мир! 你好', 8],
        ['Größe café', 3],
      ],
    );
  });

  it('joins a 3-part GSM message sent out of order, with one id and one receipt per part', async () => {
    // 'C{end}' with '{' and '}' from the extension table: ESC 0x28 and ESC 0x29.
    const octets = [Buffer.from('A'.repeat(153)), Buffer.from('B'.repeat(153)), Buffer.from([0x43, 0x1b, 0x28, 0x65, 0x6e, 0x64, 0x1b, 0x29])];
    const ids: string[] = [];
    for (const seq of [3, 1, 2]) {
      ids[seq - 1] = await submit({
        data_coding: 0,
        esm_class: 0x40,
        registered_delivery: 1,
        short_message: Buffer.concat([udh8(0x2a, 3, seq), octets[seq - 1]]),
      });
    }
    const [msg] = await inboxWith(1);
    assert.equal(msg.text, 'A'.repeat(153) + 'B'.repeat(153) + 'C{end}');
    assert.equal(msg.parts, 3);
    assert.deepEqual(msg.partIds, ids);
    assert.equal(msg.id, ids[0]);
    for (const id of ids) await esme.waitForRaw(`receipt for part ${id}`, receiptFor(id));
    const submits = await api().get('/submits');
    assert.deepEqual(
      submits.map((s: { partInfo: { seq: number } }) => s.partInfo.seq),
      [3, 1, 2],
    );
  });

  it('joins a 2-part UCS2 message (16-bit reference) whose surrogate pair straddles the parts', async () => {
    const text = 'Оплата принята 😀 спасибо';
    const all = ucs2(text);
    const cut = all.indexOf(ucs2('😀')) + 2; // between the high and the low surrogate
    await submit({ data_coding: 8, esm_class: 0x40, short_message: Buffer.concat([udh16(0x1234, 2, 1), all.subarray(0, cut)]) });
    await submit({ data_coding: 8, esm_class: 0x40, short_message: Buffer.concat([udh16(0x1234, 2, 2), all.subarray(cut)]) });
    const [msg] = await inboxWith(1);
    assert.equal(msg.text, text);
    assert.equal(msg.parts, 2);
  });

  it('redelivers a receipt the ESME answered with a temporary error', async () => {
    let answered = 0;
    esme.deliverStatus = () => (answered++ === 0 ? 0x64 : 0);
    const id = await submit({ data_coding: 0, registered_delivery: 1, short_message: Buffer.from('hello') });
    await waitFor('two receipt attempts', async () => (esme.raw.filter(receiptFor(id)).length >= 2 ? true : undefined));
    const counters = await waitFor('receipt acked', async () => {
      const c = await api().get('/counters');
      return c.receipts_acked === 1 ? c : undefined;
    });
    assert.equal(counters.receipts_temp_errors, 1);
    assert.equal(counters.receipts_sent, 2);
  });

  it('throttles above throttlePerSecond with ESME_RTHROTTLED, and throttled messages do not land', async () => {
    await api().put('/faults', { throttlePerSecond: 5 });
    const statuses: number[] = [];
    for (let i = 0; i < 8; i++) {
      const resp = await esme.request('submit_sm', { destination_addr: PHONE, data_coding: 0, short_message: Buffer.from(`m${i}`) });
      statuses.push(resp.command_status);
    }
    assert.deepEqual(statuses, [0, 0, 0, 0, 0, 0x58, 0x58, 0x58]);
    const counters = await api().get('/counters');
    assert.equal(counters.submits_throttled, 3);
    assert.equal((await api().get(`/handsets/${PHONE}/inbox`)).messages.length, 5);
  });

  it('answers ESME_RMSGQFUL while queueFull is on, without landing the message', async () => {
    await api().put('/faults', { queueFull: true });
    const resp = await esme.request('submit_sm', { destination_addr: PHONE, data_coding: 0, short_message: Buffer.from('x') });
    assert.equal(resp.command_status, 0x14);
    await api().put('/faults', { queueFull: false });
    await submit({ data_coding: 0, short_message: Buffer.from('y') });
    const messages = await inboxWith(1);
    assert.deepEqual(
      messages.map((m) => m.text),
      ['y'],
    );
  });

  it('reports UNDELIV to a submit that asked for failure receipts only when the handset is unreachable', async () => {
    await api().put('/faults', { undeliverableTo: [`+${PHONE}`] });
    const id = await submit({ data_coding: 0, registered_delivery: 2, short_message: Buffer.from('lost') });
    const receipt = await esme.waitForRaw('failure receipt', receiptFor(id));
    assert.match(receipt.deliver!.shortMessage.toString('latin1'), /stat:UNDELIV/);
    assert.deepEqual([...receipt.deliver!.tlvs.get(0x0427)!], [5]);
  });
});
