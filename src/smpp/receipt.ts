import { decodeText, type DefaultAlphabet } from './text';

/**
 * Delivery receipts (SMPP 3.4 §2.11, Appendix B; README "What the gateway understands").
 */

/**
 * deliver_sm esm_class (SMPP 3.4 §5.2.12): bits 7..6 are GSM features (0x40 UDHI, 0x80 reply
 * path), bits 5..2 the message type (mask 0x3C): 0x04 SMSC delivery receipt, 0x08 SME delivery
 * ack, 0x10 SME manual/user ack, 0x18 conversation abort, 0x20 intermediate delivery
 * notification. SMSCs set UDHI or reply path on receipts, so `esmClass === 0x04` misses real
 * receipts; the 0x04 bit is set only by the receipt type (and reserved types), so test the bit.
 * Intermediate notifications (0x20) are not receipts here; we never request them.
 */
export const ESM_CLASS_SMSC_DELIVERY_RECEIPT = 0x04;

export function isDeliveryReceipt(esmClass: number): boolean {
  return (esmClass & ESM_CLASS_SMSC_DELIVERY_RECEIPT) !== 0;
}

export type ReceiptState =
  | 'ENROUTE'
  | 'DELIVERED'
  | 'EXPIRED'
  | 'DELETED'
  | 'UNDELIVERABLE'
  | 'ACCEPTED'
  | 'UNKNOWN'
  | 'REJECTED'
  | 'SKIPPED';

/**
 * `final`: no further receipt is expected. Two deliberate departures from the letter of the spec:
 * - ACCEPTED is final in SMPP 3.4 ("read on behalf of the subscriber by customer service"), but
 *   many SMSCs send ACCEPTD to mean "accepted by the SMSC" and a real outcome later (Kannel treats
 *   it as buffered), so it is intermediate here; losing the later receipt costs only a timeout.
 * - UNKNOWN ("message is in invalid state") is treated as final: nothing more will come.
 */
export const RECEIPT_STATES: Readonly<Record<ReceiptState, { final: boolean; delivered: boolean }>> = {
  ENROUTE: { final: false, delivered: false },
  DELIVERED: { final: true, delivered: true },
  EXPIRED: { final: true, delivered: false },
  DELETED: { final: true, delivered: false },
  UNDELIVERABLE: { final: true, delivered: false },
  ACCEPTED: { final: false, delivered: false },
  UNKNOWN: { final: true, delivered: false },
  REJECTED: { final: true, delivered: false },
  SKIPPED: { final: true, delivered: false },
};

/** TLV message_state (0x0427) values, SMPP 3.4 §5.3.2.35; 9 SKIPPED is from SMPP 5.0. */
export const MESSAGE_STATE: Readonly<Record<number, ReceiptState>> = {
  1: 'ENROUTE',
  2: 'DELIVERED',
  3: 'EXPIRED',
  4: 'DELETED',
  5: 'UNDELIVERABLE',
  6: 'ACCEPTED',
  7: 'UNKNOWN',
  8: 'REJECTED',
  9: 'SKIPPED',
};

/**
 * `stat:` words of the receipt text (SMPP 3.4 Appendix B: 7-letter abbreviations). The spelled-out
 * forms are accepted too because some SMSCs send them.
 */
export const STAT_WORDS: Readonly<Record<string, ReceiptState>> = {
  ENROUTE: 'ENROUTE',
  DELIVRD: 'DELIVERED',
  EXPIRED: 'EXPIRED',
  DELETED: 'DELETED',
  UNDELIV: 'UNDELIVERABLE',
  ACCEPTD: 'ACCEPTED',
  UNKNOWN: 'UNKNOWN',
  REJECTD: 'REJECTED',
  SKIPPED: 'SKIPPED',
  DELIVERED: 'DELIVERED',
  UNDELIVERABLE: 'UNDELIVERABLE',
  ACCEPTED: 'ACCEPTED',
  REJECTED: 'REJECTED',
};

export interface ReceiptText {
  id?: string;
  sub?: string;
  dlvrd?: string;
  submitDate?: string;
  doneDate?: string;
  /** Upper-cased. */
  stat?: string;
  err?: string;
  /** The `text:` tail (first characters of the original message), as given. */
  text?: string;
}

/** Field name in the text (case-insensitive; "submit date" also as submit_date/submitdate). */
const RECEIPT_TEXT_FIELDS: ReadonlyArray<[keyof Omit<ReceiptText, 'text'>, string]> = [
  ['id', 'id'],
  ['sub', 'sub'],
  ['dlvrd', 'dlvrd'],
  ['submitDate', 'submit[ _]?date'],
  ['doneDate', 'done[ _]?date'],
  ['stat', 'stat'],
  ['err', 'err'],
];

/**
 * Parses `id:… sub:… dlvrd:… submit date:… done date:… stat:… err:… text:…`. Tolerates any
 * order, case, extra spaces around ':' and missing fields. Everything after `text:` is message
 * content and is never searched for fields (a user could write "id:1" in it).
 */
export function parseReceiptText(input: string): ReceiptText {
  const textMatch = /(?:^|\s)text\s*:/i.exec(input);
  const head = textMatch ? input.slice(0, textMatch.index) : input;
  const result: ReceiptText = {};
  for (const [field, name] of RECEIPT_TEXT_FIELDS) {
    // A value is a run without spaces or ':', so an empty field ("sub: dlvrd:1") stays empty
    // instead of swallowing its neighbour.
    const match = new RegExp(`(?:^|\\s)${name}\\s*:\\s*([^\\s:]+)(?=\\s|$)`, 'i').exec(head);
    if (match) result[field] = match[1];
  }
  if (result.stat !== undefined) result.stat = result.stat.toUpperCase();
  if (textMatch) result.text = input.slice(textMatch.index + textMatch[0].length).trimStart();
  return result;
}

/**
 * The receipt text of a deliver_sm's short_message, read by its data_coding (SMPP 3.4 §5.2.19):
 * some SMSCs send receipts in UCS2, and data_coding 0 is the connection's default alphabet.
 * Latin-1 when the coding is unsupported or the octets are not valid in it: the Appendix B fields
 * are ASCII, and the `text:` tail (the original message's first characters) may come in the
 * original's encoding; refusing it would cost the whole receipt. Null when there is no text (the
 * TLVs must carry it all).
 */
export function receiptTextOf(body: Buffer, dataCoding: number, defaultAlphabet: DefaultAlphabet = 'gsm7'): string | null {
  if (body.length === 0) return null;
  const decoded = decodeText(body, dataCoding, { defaultAlphabet });
  return decoded.ok ? decoded.text : body.toString('latin1');
}

export type ParsedReceipt =
  | { ok: true; messageId: string; state: ReceiptState; final: boolean; delivered: boolean; error?: string }
  | { ok: false; reason: 'missing_message_id' | 'missing_state' };

/**
 * TLVs receipted_message_id (0x001E) and message_state (0x0427) win over the text, field by field;
 * the text fills whatever the TLVs lack. `messageId` is returned as given (trimmed); look it up
 * with canonicalMessageId (message-id.ts) in the connection's format. `error` is the text's `err:` (network-specific, kept verbatim).
 */
export function parseReceipt(input: { receiptedMessageId?: string; messageState?: number; text?: string }): ParsedReceipt {
  const fromText = input.text !== undefined ? parseReceiptText(input.text) : {};
  const messageId = nonEmpty(input.receiptedMessageId?.replace(/\0+$/, '').trim()) ?? fromText.id;
  if (messageId === undefined) return { ok: false, reason: 'missing_message_id' };

  const state =
    (input.messageState !== undefined ? MESSAGE_STATE[input.messageState] : undefined) ??
    (fromText.stat !== undefined ? STAT_WORDS[fromText.stat] : undefined);
  if (state === undefined) return { ok: false, reason: 'missing_state' };

  return {
    ok: true,
    messageId,
    state,
    ...RECEIPT_STATES[state],
    ...(fromText.err !== undefined ? { error: fromText.err } : {}),
  };
}

const nonEmpty = (s: string | undefined): string | undefined => (s ? s : undefined);

