import assert from 'node:assert/strict';
import { startSimulatorProcess } from '../../smsc-sim/harness';
import { bound } from './support/esme';
import { fromUcs2, type RawDeliverSm } from './support/wire';

// Receipts as different SMSCs send them: the message id in hex or decimal (in submit_sm_resp, in
// the text, in receipted_message_id), the TLV with or without its NUL, UCS2 text, text only.

const RECEIPTED_MESSAGE_ID = 0x001e;
const MESSAGE_STATE = 0x0427;
const TEXT = /^id:(\S+) sub:001 dlvrd:001 submit date:\d{10} done date:\d{10} stat:DELIVRD err:000 text:hello$/;

interface Seen {
  messageId: string;
  receipt: RawDeliverSm;
  /** The id in the receipt text. */
  textId: string;
  /** receipted_message_id as on the wire, NUL included if there is one; null when absent. */
  tlvId: string | null;
}

/** One simulator with `env`, one submit asking for a receipt, and what came back. */
async function receiptWith(env: Record<string, string>): Promise<Seen> {
  const sim = await startSimulatorProcess({ env: { SIM_DELIVERY_RECEIPT_DELAY_MS: '10', ...env } });
  try {
    const esme = await bound(sim.smppPort);
    const resp = await esme.request('submit_sm', {
      source_addr: '20555',
      destination_addr: '254700000001',
      registered_delivery: 1,
      short_message: Buffer.from('hello'),
    });
    assert.equal(resp.command_status, 0);
    const raw = await esme.waitForRaw('the receipt', (p) => !!p.deliver && (p.deliver.esmClass & 0x04) !== 0);
    esme.destroy();
    const receipt = raw.deliver!;
    const text = receipt.dataCoding === 8 ? fromUcs2(receipt.shortMessage) : receipt.shortMessage.toString('latin1');
    const m = TEXT.exec(text);
    assert.ok(m, `receipt text: ${text}`);
    const tlv = receipt.tlvs.get(RECEIPTED_MESSAGE_ID);
    return { messageId: String(resp.message_id), receipt, textId: m[1], tlvId: tlv ? tlv.toString('latin1') : null };
  } finally {
    await sim.stop();
  }
}

const decimalOf = (hex: string) => BigInt('0x' + hex).toString(10);

describe('smsc-sim: receipt variants', function () {
  this.timeout(20000);

  it('by default: hex ids, receipted_message_id hex with NUL, the text id in decimal, GSM text, both TLVs', async () => {
    const r = await receiptWith({});
    assert.match(r.messageId, /^[0-9a-f]+$/);
    assert.equal(r.tlvId, `${r.messageId}\0`);
    assert.equal(r.textId, decimalOf(r.messageId));
    assert.equal(r.receipt.dataCoding, 0);
    assert.deepEqual([...r.receipt.tlvs.get(MESSAGE_STATE)!], [2]);
  });

  it('messageIdFormat decimal: submit_sm_resp and the TLV in decimal; the text too', async () => {
    const r = await receiptWith({ SIM_MESSAGE_ID_FORMAT: 'decimal' });
    assert.match(r.messageId, /^\d+$/);
    assert.equal(r.tlvId, `${r.messageId}\0`);
    assert.equal(r.textId, r.messageId);
  });

  it('receiptIdDecimalInText false: the text id as messageIdFormat (hex)', async () => {
    const r = await receiptWith({ SIM_RECEIPT_ID_DECIMAL_IN_TEXT: 'false' });
    assert.equal(r.textId, r.messageId);
    assert.equal(r.tlvId, `${r.messageId}\0`);
  });

  it('receiptIdFormat wins over receiptIdDecimalInText: hex ids, receipt in decimal in the text and in the TLV', async () => {
    const r = await receiptWith({ SIM_RECEIPT_ID_FORMAT: 'decimal', SIM_RECEIPT_ID_DECIMAL_IN_TEXT: 'false' });
    assert.match(r.messageId, /^[0-9a-f]+$/);
    assert.equal(r.textId, decimalOf(r.messageId));
    assert.equal(r.tlvId, `${decimalOf(r.messageId)}\0`);
  });

  it('receiptIdFormat hex with decimal message ids: the receipt ids are the hex form of the decimal id', async () => {
    const r = await receiptWith({ SIM_MESSAGE_ID_FORMAT: 'decimal', SIM_RECEIPT_ID_FORMAT: 'hex' });
    const hex = BigInt(r.messageId).toString(16);
    assert.equal(r.textId, hex);
    assert.equal(r.tlvId, `${hex}\0`);
  });

  it('receiptTlvNul false: receipted_message_id without the NUL, its length only the id', async () => {
    const r = await receiptWith({ SIM_RECEIPT_TLV_NUL: 'false' });
    assert.equal(r.tlvId, r.messageId);
    assert.equal(r.receipt.tlvs.get(RECEIPTED_MESSAGE_ID)!.length, r.messageId.length);
    assert.deepEqual([...r.receipt.tlvs.get(MESSAGE_STATE)!], [2]);
  });

  it('receiptEncoding ucs2: the text as UTF-16BE with data_coding 8', async () => {
    const r = await receiptWith({ SIM_RECEIPT_ENCODING: 'ucs2' });
    assert.equal(r.receipt.dataCoding, 8);
    assert.equal(r.receipt.shortMessage.subarray(0, 6).toString('hex'), '00690064003a', '"id:" in UTF-16BE');
    assert.equal(r.textId, decimalOf(r.messageId));
  });

  it('receiptTlvs false: the text only, no receipted_message_id or message_state', async () => {
    const r = await receiptWith({ SIM_RECEIPT_TLVS: 'false' });
    assert.equal(r.tlvId, null);
    assert.equal(r.receipt.tlvs.has(MESSAGE_STATE), false);
    assert.equal(r.receipt.tlvs.size, 0);
    assert.equal(r.textId, decimalOf(r.messageId));
  });

  it('refuses bad receipt settings at start-up, naming them', async () => {
    await assert.rejects(startSimulatorProcess({ env: { SIM_MESSAGE_ID_FORMAT: 'base64' } }), /SIM_MESSAGE_ID_FORMAT/);
    await assert.rejects(startSimulatorProcess({ env: { SIM_RECEIPT_ID_FORMAT: 'HEX' } }), /SIM_RECEIPT_ID_FORMAT/);
    await assert.rejects(startSimulatorProcess({ env: { SIM_RECEIPT_ENCODING: 'utf8' } }), /SIM_RECEIPT_ENCODING/);
    await assert.rejects(startSimulatorProcess({ env: { SIM_RECEIPT_TLVS: 'no' } }), /SIM_RECEIPT_TLVS/);
  });
});
