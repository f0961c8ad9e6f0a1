/**
 * deliver_sm esm_class (SMPP 3.4 §5.2.12). Bits 1-0 are the messaging mode (meaningless in
 * deliver_sm), bits 5-2 the message type, bits 7-6 GSM network features (0x40 UDHI, 0x80 reply
 * path). SMSCs set the feature bits on any type, so the type is read through its mask only.
 */
export const ESM_CLASS_MESSAGE_TYPE_MASK = 0x3c;
export const ESM_CLASS_UDHI = 0x40;
export const ESM_CLASS_REPLY_PATH = 0x80;

export type EsmMessageTypeName =
  | 'default'
  | 'smsc_delivery_receipt'
  | 'sme_delivery_acknowledgement'
  | 'sme_manual_user_acknowledgement'
  | 'conversation_abort'
  | 'intermediate_delivery_notification'
  | 'reserved';

export interface EsmMessageType {
  name: EsmMessageTypeName;
  /** Text a subscriber sent (an MO message), to be read as a command. */
  isSubscriberMessage: boolean;
  /** An SMSC delivery receipt for a message we submitted (§2.11, Appendix B). */
  isReceipt: boolean;
}

/** §5.2.12 deliver_sm message types (bits 5-2, already shifted into place). */
export const ESM_MESSAGE_TYPES: Readonly<Record<number, EsmMessageType>> = {
  0x00: { name: 'default', isSubscriberMessage: true, isReceipt: false },
  0x04: { name: 'smsc_delivery_receipt', isSubscriberMessage: false, isReceipt: true },
  0x08: { name: 'sme_delivery_acknowledgement', isSubscriberMessage: false, isReceipt: false },
  0x10: { name: 'sme_manual_user_acknowledgement', isSubscriberMessage: false, isReceipt: false },
  0x18: { name: 'conversation_abort', isSubscriberMessage: false, isReceipt: false }, // Korean CDMA
  0x20: { name: 'intermediate_delivery_notification', isSubscriberMessage: false, isReceipt: false },
};

/**
 * Reserved types are never subscriber text. Those with the 0x04 bit set still count as receipts,
 * the same bit test as receipt.ts isDeliveryReceipt: an SMSC that sets a stray bit next to the
 * receipt bit is still sending a receipt, and parseReceipt refuses it if it is not one.
 */
export function esmMessageType(esmClass: number): EsmMessageType {
  const type = esmClass & ESM_CLASS_MESSAGE_TYPE_MASK;
  return ESM_MESSAGE_TYPES[type] ?? { name: 'reserved', isSubscriberMessage: false, isReceipt: (type & 0x04) !== 0 };
}

export function hasUdhi(esmClass: number): boolean {
  return (esmClass & ESM_CLASS_UDHI) !== 0;
}
