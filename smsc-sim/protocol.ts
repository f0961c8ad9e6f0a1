// SMPP 3.4 knowledge the simulator acts on, as tables. Names come from the library's error table
// so that statusName() covers every code an ESME might send back.
import * as smpp from 'smpp';
import type { PDU } from 'smpp';

/** Command status values (SMPP 3.4 §5.1.3) the simulator itself produces or reacts to. */
export const STATUS = {
  ESME_ROK: 0x00,
  ESME_RINVMSGLEN: 0x01,
  ESME_RINVCMDLEN: 0x02,
  ESME_RINVCMDID: 0x03,
  ESME_RINVBNDSTS: 0x04,
  ESME_RALYBND: 0x05,
  ESME_RSYSERR: 0x08,
  ESME_RINVDSTADR: 0x0b,
  ESME_RINVPASWD: 0x0e,
  ESME_RINVSYSID: 0x0f,
  ESME_RMSGQFUL: 0x14,
  ESME_RINVESMCLASS: 0x43,
  ESME_RTHROTTLED: 0x58,
  ESME_RINVEXPIRY: 0x62,
  ESME_RX_T_APPN: 0x64,
} as const;

/**
 * Statuses after which an SMSC keeps the message and tries again (SMPP 3.4 §5.1.3; simpair's README "Guarantees"): the ESME was busy,
 * not saying "never". Every other non-zero status is a permanent refusal.
 */
export const TEMPORARY_STATUSES: ReadonlySet<number> = new Set([
  STATUS.ESME_RSYSERR,
  STATUS.ESME_RMSGQFUL,
  STATUS.ESME_RTHROTTLED,
  STATUS.ESME_RX_T_APPN,
]);

const NAMES = new Map<number, string>();
for (const [name, code] of Object.entries(smpp.errors)) if (!NAMES.has(code)) NAMES.set(code, name);

export function statusName(code: number): string {
  return NAMES.get(code) ?? `0x${code.toString(16).padStart(8, '0')}`;
}

export type BindMode = 'transmitter' | 'receiver' | 'transceiver';

/** SMPP 3.4 §2.3: which bind may send submit_sm and which may be sent deliver_sm. */
export const BIND_COMMANDS: Readonly<Record<string, { mode: BindMode; canSubmit: boolean; canReceive: boolean }>> = {
  bind_transmitter: { mode: 'transmitter', canSubmit: true, canReceive: false },
  bind_receiver: { mode: 'receiver', canSubmit: false, canReceive: true },
  bind_transceiver: { mode: 'transceiver', canSubmit: true, canReceive: true },
};

/** SMPP 3.4 §5.2.12 esm_class bits. */
export const ESM_CLASS = {
  MC_DELIVERY_RECEIPT: 0x04,
  SME_ACKNOWLEDGEMENT: 0x08,
  INTERMEDIATE_NOTIFICATION: 0x20,
  UDHI: 0x40,
} as const;

/** SMPP 3.4 §5.2.17 registered_delivery bits 0-1: when a final receipt is wanted. */
export const RECEIPT_WANTED: Readonly<Record<number, { onSuccess: boolean; onFailure: boolean }>> = {
  0: { onSuccess: false, onFailure: false },
  1: { onSuccess: true, onFailure: true },
  2: { onSuccess: false, onFailure: true },
  3: { onSuccess: false, onFailure: false }, // reserved
};

/** Final outcomes and how a receipt reports them (message_state §5.2.28, text per Appendix B). */
export const FINAL_STATES = {
  DELIVERED: { messageState: 2, stat: 'DELIVRD', err: '000', dlvrd: '001' },
  UNDELIVERABLE: { messageState: 5, stat: 'UNDELIV', err: '001', dlvrd: '000' },
  // The validity period (§7.1) ran out before delivery; err is vendor-specific, 000 is common.
  EXPIRED: { messageState: 3, stat: 'EXPIRED', err: '000', dlvrd: '000' },
} as const;
export type FinalState = keyof typeof FINAL_STATES;

/** SMPP 3.4 §5.2.19 data_coding → how the octets are read. */
export type TextEncoding = 'gsm' | 'ascii' | 'latin1' | 'ucs2' | 'binary';
const DATA_CODINGS: Readonly<Record<number, TextEncoding>> = {
  0x00: 'gsm', // SMSC default alphabet, which for this SMSC is GSM 03.38 unpacked
  0x01: 'ascii', // IA5
  0x02: 'binary',
  0x03: 'latin1',
  0x04: 'binary',
  0x08: 'ucs2',
};

export function encodingOf(dataCoding: number): TextEncoding {
  // 0xF0-0xFF: GSM 03.38 message-class coding; bit 2 selects 8-bit data over the default alphabet.
  if ((dataCoding & 0xf0) === 0xf0) return dataCoding & 0x04 ? 'binary' : 'gsm';
  return DATA_CODINGS[dataCoding] ?? 'binary';
}

/** 3GPP TS 23.040 §9.2.3.24 information element identifiers for concatenation. */
export const IEI = {
  CONCAT_8BIT_REF: 0x00,
  CONCAT_16BIT_REF: 0x08,
} as const;

/** Standard TLV tags the simulator reads or writes (SMPP 3.4 §5.3.2). */
export const TLV = {
  receipted_message_id: 0x001e,
  message_state: 0x0427,
  message_payload: 0x0424,
  sar_msg_ref_num: 0x020c,
  sar_total_segments: 0x020e,
  sar_segment_seqnum: 0x020f,
  ussd_service_op: 0x0501,
  its_session_info: 0x1383,
} as const;

/** PDU fields are untyped in the library; these read them defensively. */
export function pduString(pdu: PDU, key: string): string {
  const v = pdu[key];
  return typeof v === 'string' ? v : '';
}

export function pduNumber(pdu: PDU, key: string): number {
  const v = pdu[key];
  return typeof v === 'number' ? v : 0;
}
