import assert from 'node:assert/strict';
import { ESM_MESSAGE_TYPES, esmMessageType, hasUdhi } from '../../../src/smpp/esm-class';
import { isDeliveryReceipt } from '../../../src/smpp/receipt';

describe('smpp/esm-class', () => {
  describe('esmMessageType', () => {
    const rows: Array<[esmClass: number, name: string, subscriber: boolean, receipt: boolean]> = [
      [0x00, 'default', true, false],
      [0x40, 'default', true, false], // UDHI
      [0x80, 'default', true, false], // reply path
      [0x03, 'default', true, false], // mode bits mean nothing in deliver_sm
      [0x04, 'smsc_delivery_receipt', false, true],
      [0x44, 'smsc_delivery_receipt', false, true],
      [0xc4, 'smsc_delivery_receipt', false, true],
      [0x08, 'sme_delivery_acknowledgement', false, false],
      [0x10, 'sme_manual_user_acknowledgement', false, false],
      [0x18, 'conversation_abort', false, false],
      [0x20, 'intermediate_delivery_notification', false, false],
      [0x60, 'intermediate_delivery_notification', false, false],
      [0x0c, 'reserved', false, true],
      [0x14, 'reserved', false, true],
      [0x1c, 'reserved', false, true],
      [0x24, 'reserved', false, true],
      [0x28, 'reserved', false, false],
      [0x30, 'reserved', false, false],
      [0x38, 'reserved', false, false],
      [0x3c, 'reserved', false, true],
    ];
    for (const [esmClass, name, isSubscriberMessage, isReceipt] of rows) {
      it(`0x${esmClass.toString(16).padStart(2, '0')} → ${name}`, () =>
        assert.deepEqual(esmMessageType(esmClass), { name, isSubscriberMessage, isReceipt }));
    }
  });

  it('has exactly the six §5.2.12 types, only the default one subscriber text, only 0x04 a receipt', () => {
    assert.deepEqual(Object.keys(ESM_MESSAGE_TYPES).map(Number), [0x00, 0x04, 0x08, 0x10, 0x18, 0x20]);
    assert.deepEqual(Object.values(ESM_MESSAGE_TYPES).filter((t) => t.isSubscriberMessage).map((t) => t.name), ['default']);
    assert.deepEqual(Object.values(ESM_MESSAGE_TYPES).filter((t) => t.isReceipt).map((t) => t.name), ['smsc_delivery_receipt']);
  });

  it('agrees with receipt.ts isDeliveryReceipt on every esm_class', () => {
    for (let esmClass = 0; esmClass <= 0xff; esmClass++) {
      assert.equal(esmMessageType(esmClass).isReceipt, isDeliveryReceipt(esmClass), `0x${esmClass.toString(16)}`);
    }
  });

  it('never takes anything but the default type for subscriber text, whatever the feature bits', () => {
    for (let esmClass = 0; esmClass <= 0xff; esmClass++) {
      assert.equal(esmMessageType(esmClass).isSubscriberMessage, (esmClass & 0x3c) === 0, `0x${esmClass.toString(16)}`);
    }
  });

  it('reads UDHI from bit 6', () => {
    assert.equal(hasUdhi(0x40), true);
    assert.equal(hasUdhi(0xc4), true);
    assert.equal(hasUdhi(0x84), false);
    assert.equal(hasUdhi(0x00), false);
  });
});
