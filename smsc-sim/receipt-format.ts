// What a delivery receipt looks like on the wire (SMPP 3.4 §2.11, Appendix B text, §5.3.2.12
// receipted_message_id, §5.3.2.35 message_state), in the variants real SMSCs send: the id in hex
// or decimal, in the text and in the TLV, the TLV with or without its NUL, the text in GSM or UCS2,
// with or without the TLVs at all.
import type { PDUFields } from 'smpp';
import { ucs2Encode } from './codec';
import type { IdFormat, SimConfig } from './config';
import { gsmEncodeLossy } from './gsm';
import { RECEIPT_ID_NO_NUL_TLV_NAME } from './library';
import { formatId } from './message-id';
import { ESM_CLASS, FINAL_STATES, type FinalState } from './protocol';

export interface Address {
  addr: string;
  ton: number;
  npi: number;
}

export interface ReceiptContent {
  /** The SMSC's number for the message; written per messageIdFormat / receiptIdFormat. */
  idNumber: number;
  submitSource: Address;
  submitDest: Address;
  submittedAt: Date;
  doneAt: Date;
  textPart: string;
  final: FinalState;
}

export type ReceiptSettings = Pick<
  SimConfig,
  'messageIdFormat' | 'receiptIdFormat' | 'receiptIdDecimalInText' | 'receiptTlvNul' | 'receiptEncoding' | 'receiptTlvs'
>;

/**
 * How the id is written in the text and in receipted_message_id. receiptIdFormat, when set, is used
 * for both. Unset, the TLV matches submit_sm_resp (messageIdFormat) and the text is decimal if
 * receiptIdDecimalInText (the default, as many SMSCs do), else messageIdFormat too.
 */
export function receiptIdFormats(s: ReceiptSettings): { text: IdFormat; tlv: IdFormat } {
  if (s.receiptIdFormat !== null) return { text: s.receiptIdFormat, tlv: s.receiptIdFormat };
  return { text: s.receiptIdDecimalInText ? 'decimal' : s.messageIdFormat, tlv: s.messageIdFormat };
}

/** YYMMDDhhmm in UTC, the date format of the receipt text. */
function receiptDate(d: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${p(d.getUTCFullYear() % 100)}${p(d.getUTCMonth() + 1)}${p(d.getUTCDate())}${p(d.getUTCHours())}${p(d.getUTCMinutes())}`;
}

export function receiptText(r: ReceiptContent, idFormat: IdFormat): string {
  const s = FINAL_STATES[r.final];
  return (
    `id:${formatId(r.idNumber, idFormat)} sub:001 dlvrd:${s.dlvrd} submit date:${receiptDate(r.submittedAt)} ` +
    `done date:${receiptDate(r.doneAt)} stat:${s.stat} err:${s.err} text:${[...r.textPart].slice(0, 20).join('')}`
  );
}

/** The deliver_sm fields of the receipt: back from the handset to the submitter. */
export function receiptFields(r: ReceiptContent, s: ReceiptSettings): PDUFields {
  const formats = receiptIdFormats(s);
  const text = receiptText(r, formats.text);
  const ucs2 = s.receiptEncoding === 'ucs2';
  const fields: PDUFields = {
    source_addr_ton: r.submitDest.ton,
    source_addr_npi: r.submitDest.npi,
    source_addr: r.submitDest.addr,
    dest_addr_ton: r.submitSource.ton,
    dest_addr_npi: r.submitSource.npi,
    destination_addr: r.submitSource.addr,
    esm_class: ESM_CLASS.MC_DELIVERY_RECEIPT,
    data_coding: ucs2 ? 8 : 0,
    short_message: ucs2 ? ucs2Encode(text) : gsmEncodeLossy(text),
  };
  if (!s.receiptTlvs) return fields;
  const id = formatId(r.idNumber, formats.tlv);
  fields[s.receiptTlvNul ? 'receipted_message_id' : RECEIPT_ID_NO_NUL_TLV_NAME] = id;
  fields.message_state = FINAL_STATES[r.final].messageState;
  return fields;
}
