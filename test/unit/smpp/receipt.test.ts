import assert from 'node:assert/strict';
import {
  isDeliveryReceipt,
  MESSAGE_STATE,
  parseReceipt,
  parseReceiptText,
  RECEIPT_STATES,
  receiptTextOf,
  STAT_WORDS,
} from '../../../src/smpp/receipt';

const SPEC_TEXT = 'id:0123456789 sub:001 dlvrd:001 submit date:2401011200 done date:2401011201 stat:DELIVRD err:000 text:Your code';

describe('smpp/receipt', () => {
  describe('isDeliveryReceipt', () => {
    it('tests the receipt bit, so UDHI and reply path do not hide a receipt', () => {
      assert.equal(isDeliveryReceipt(0x04), true);
      assert.equal(isDeliveryReceipt(0x44), true);
      assert.equal(isDeliveryReceipt(0x84), true);
      assert.equal(isDeliveryReceipt(0xc4), true);
    });

    it('does not take an MO or other message types for a receipt', () => {
      for (const esmClass of [0x00, 0x40, 0x80, 0x08, 0x10, 0x18, 0x20, 0x03]) {
        assert.equal(isDeliveryReceipt(esmClass), false, `esm_class 0x${esmClass.toString(16)}`);
      }
    });
  });

  describe('parseReceiptText', () => {
    it('reads every field of the Appendix B format', () => {
      assert.deepEqual(parseReceiptText(SPEC_TEXT), {
        id: '0123456789',
        sub: '001',
        dlvrd: '001',
        submitDate: '2401011200',
        doneDate: '2401011201',
        stat: 'DELIVRD',
        err: '000',
        text: 'Your code',
      });
    });

    it('tolerates case, extra spaces, other order and missing fields', () => {
      assert.deepEqual(parseReceiptText('  STAT : undeliv   ID: ab12  Submit_Date:2401011200 ERR:  0b1 '), {
        id: 'ab12',
        submitDate: '2401011200',
        stat: 'UNDELIV',
        err: '0b1',
      });
    });

    it('leaves an empty field empty instead of taking its neighbour', () => {
      const parsed = parseReceiptText('id:42 sub: dlvrd:1 stat:DELIVRD');
      assert.equal(parsed.sub, undefined);
      assert.equal(parsed.dlvrd, '1');
    });

    it('never reads fields from the text tail', () => {
      const parsed = parseReceiptText('stat:DELIVRD Text:id:99 err:7 stat:REJECTD');
      assert.equal(parsed.id, undefined);
      assert.equal(parsed.err, undefined);
      assert.equal(parsed.stat, 'DELIVRD');
      assert.equal(parsed.text, 'id:99 err:7 stat:REJECTD');
    });

    it('does not read "id" out of a longer key', () => {
      assert.equal(parseReceiptText('msgid:7 stat:DELIVRD').id, undefined);
    });

    it('returns nothing for garbage', () => {
      assert.deepEqual(parseReceiptText('hello there, how are you?'), {});
    });
  });

  describe('state tables', () => {
    it('maps TLV message_state 1..9', () => {
      assert.deepEqual(Object.keys(MESSAGE_STATE).map(Number), [1, 2, 3, 4, 5, 6, 7, 8, 9]);
      assert.equal(MESSAGE_STATE[2], 'DELIVERED');
      assert.equal(MESSAGE_STATE[5], 'UNDELIVERABLE');
      assert.equal(MESSAGE_STATE[8], 'REJECTED');
    });

    it('maps the spec stat words', () => {
      assert.equal(STAT_WORDS.DELIVRD, 'DELIVERED');
      assert.equal(STAT_WORDS.UNDELIV, 'UNDELIVERABLE');
      assert.equal(STAT_WORDS.ACCEPTD, 'ACCEPTED');
      assert.equal(STAT_WORDS.REJECTD, 'REJECTED');
      assert.equal(STAT_WORDS.ENROUTE, 'ENROUTE');
    });

    it('only DELIVERED is delivered; ENROUTE and ACCEPTED are not final', () => {
      const delivered = Object.entries(RECEIPT_STATES).filter(([, s]) => s.delivered).map(([n]) => n);
      assert.deepEqual(delivered, ['DELIVERED']);
      const intermediate = Object.entries(RECEIPT_STATES).filter(([, s]) => !s.final).map(([n]) => n).sort();
      assert.deepEqual(intermediate, ['ACCEPTED', 'ENROUTE']);
    });
  });

  describe('parseReceipt', () => {
    it('works from TLVs alone', () => {
      assert.deepEqual(parseReceipt({ receiptedMessageId: 'A1B2', messageState: 2 }), {
        ok: true,
        messageId: 'A1B2',
        state: 'DELIVERED',
        final: true,
        delivered: true,
      });
    });

    it('works from the text alone', () => {
      assert.deepEqual(parseReceipt({ text: 'id:77 sub:001 dlvrd:000 stat:UNDELIV err:0b1' }), {
        ok: true,
        messageId: '77',
        state: 'UNDELIVERABLE',
        final: true,
        delivered: false,
        error: '0b1',
      });
    });

    it('prefers TLVs over the text when both are present', () => {
      const parsed = parseReceipt({ receiptedMessageId: 'ff', messageState: 5, text: 'id:255 stat:DELIVRD err:000' });
      assert.ok(parsed.ok);
      assert.equal(parsed.messageId, 'ff');
      assert.equal(parsed.state, 'UNDELIVERABLE');
      assert.equal(parsed.delivered, false);
      assert.equal(parsed.error, '000');
    });

    it('fills a missing TLV from the text, field by field', () => {
      const parsed = parseReceipt({ receiptedMessageId: 'ff', text: 'id:255 stat:ENROUTE' });
      assert.ok(parsed.ok);
      assert.equal(parsed.messageId, 'ff');
      assert.equal(parsed.state, 'ENROUTE');
      assert.equal(parsed.final, false);
    });

    it('strips the C-string NUL and spaces from receipted_message_id', () => {
      const parsed = parseReceipt({ receiptedMessageId: ' abc\0', messageState: 2 });
      assert.ok(parsed.ok);
      assert.equal(parsed.messageId, 'abc');
    });

    it('falls back to the text when message_state is out of range', () => {
      const parsed = parseReceipt({ receiptedMessageId: '1', messageState: 42, text: 'stat:EXPIRED' });
      assert.ok(parsed.ok);
      assert.equal(parsed.state, 'EXPIRED');
    });

    it('fails on garbage, a missing id or a missing state', () => {
      assert.deepEqual(parseReceipt({ text: 'not a receipt at all' }), { ok: false, reason: 'missing_message_id' });
      assert.deepEqual(parseReceipt({ text: 'sub:001 stat:DELIVRD' }), { ok: false, reason: 'missing_message_id' });
      assert.deepEqual(parseReceipt({ receiptedMessageId: '', text: 'stat:DELIVRD' }), {
        ok: false,
        reason: 'missing_message_id',
      });
      assert.deepEqual(parseReceipt({ text: 'id:5 stat:WHATEVER' }), { ok: false, reason: 'missing_state' });
      assert.deepEqual(parseReceipt({ receiptedMessageId: '5' }), { ok: false, reason: 'missing_state' });
    });
  });

  describe('receiptTextOf', () => {
    const ucs2 = (text: string) => Buffer.from(text, 'utf16le').swap16();
    const rows: Array<[name: string, body: Buffer, dataCoding: number, alphabet: 'gsm7' | 'latin1', expected: string | null]> = [
      ['GSM (data_coding 0)', Buffer.from(SPEC_TEXT, 'latin1'), 0, 'gsm7', SPEC_TEXT],
      ['IA5', Buffer.from(SPEC_TEXT, 'latin1'), 1, 'gsm7', SPEC_TEXT],
      ['UCS2', ucs2('id:7 stat:DELIVRD text:Код'), 8, 'gsm7', 'id:7 stat:DELIVRD text:Код'],
      ['Latin-1 as the default alphabet', Buffer.from('id:7 stat:DELIVRD text:café', 'latin1'), 0, 'latin1', 'id:7 stat:DELIVRD text:café'],
      ['Latin-1 (data_coding 3)', Buffer.from('id:7 text:é', 'latin1'), 3, 'gsm7', 'id:7 text:é'],
      ['an unsupported coding, as Latin-1', Buffer.from('id:7 stat:DELIVRD', 'latin1'), 4, 'gsm7', 'id:7 stat:DELIVRD'],
      ['a raw tail not valid GSM, as Latin-1', Buffer.from('id:7 stat:DELIVRD text:\xe9t\xe9', 'latin1'), 0, 'gsm7', 'id:7 stat:DELIVRD text:été'],
      ['an empty short_message', Buffer.alloc(0), 8, 'gsm7', null],
    ];
    for (const [name, body, dataCoding, alphabet, expected] of rows) {
      it(`reads ${name}`, () => assert.equal(receiptTextOf(body, dataCoding, alphabet), expected));
    }

    it('defaults to GSM for data_coding 0', () => {
      assert.equal(receiptTextOf(Buffer.from([0x69, 0x64, 0x3a, 0x00]), 0), 'id:@');
    });

    it('feeds parseReceipt a UCS2 receipt', () => {
      const text = receiptTextOf(ucs2('id:0A1B sub:001 dlvrd:001 stat:UNDELIV err:0b1'), 8);
      assert.deepEqual(parseReceipt({ text: text ?? undefined }), {
        ok: true,
        messageId: '0A1B',
        state: 'UNDELIVERABLE',
        final: true,
        delivered: false,
        error: '0b1',
      });
    });
  });
});
