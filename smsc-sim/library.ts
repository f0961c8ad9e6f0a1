// The simulator runs in its own process, so it may adjust node-smpp's global tables to behave like
// a strict SMSC. Nothing here may be imported by code that shares a process with the gateway.
import * as smpp from 'smpp';

/** Tag name under which the vendor IMSI TLV is registered with the library. */
export const IMSI_TLV_NAME = 'sim_vendor_imsi';
/** The vendor TLV with the SMSC's message id of an MO part (moMessageIdTlvTag), when set. */
export const MO_MESSAGE_ID_TLV_NAME = 'sim_vendor_mo_message_id';
/**
 * receipted_message_id (0x001E) without its NUL (receiptTlvNul false). Encode-only: it is put in the
 * by-name table and not in the by-id one, so PDUs read from ESMEs still decode 0x001E as usual.
 */
export const RECEIPT_ID_NO_NUL_TLV_NAME = 'sim_receipted_message_id_no_nul';

const RAW = { encode: (v: unknown) => v, decode: (v: unknown) => v };

export function prepareLibrary(opts: { maxPduLength: number; imsiTlvTag: number; moMessageIdTlvTag: number | null }): void {
  // The library's own frame limit; anything larger makes the session emit 'error'.
  smpp.PDU.maxLength = opts.maxPduLength;

  // SMPP 3.4 §3.2: a PDU is at least its 16-octet header. The library accepts command_length 0..4
  // and then stalls the socket (it reads a negative or zero body length forever); fail instead, so
  // the session is closed like any other malformed PDU.
  const PDUStatics = smpp.PDU as unknown as { commandLength(stream: unknown): number | false };
  const commandLength = PDUStatics.commandLength.bind(PDUStatics);
  PDUStatics.commandLength = (stream) => {
    const length = commandLength(stream);
    if (length !== false && length < 16) throw new Error(`command_length ${length} is below the 16-octet header`);
    return length;
  };

  // Receive submit_sm text as the octets on the wire: the library would decode it per part
  // (splitting UCS2 surrogate pairs and GSM escapes across parts) and read data_coding 1 as GSM.
  const submit = smpp.commands.submit_sm.params;
  if (submit?.short_message) submit.short_message.filter = RAW;
  // validity_period as the §7.1.1 string on the wire (validity.ts reads it): the library would turn
  // it into a Date in this process's local time, and lose what was malformed about it.
  if (submit?.validity_period) submit.validity_period.filter = RAW;
  smpp.tlvs.message_payload.filter = RAW;

  // Vendor TLV for the subscriber's IMSI: an octet string of digits, no NUL.
  smpp.addTLV(IMSI_TLV_NAME, { id: opts.imsiTlvTag, type: smpp.types.tlv.string });

  // The SMSC's id of an MO: ASCII with the NUL, like receipted_message_id (§5.3.2.12).
  if (opts.moMessageIdTlvTag !== null) smpp.addTLV(MO_MESSAGE_ID_TLV_NAME, { id: opts.moMessageIdTlvTag, type: smpp.types.tlv.cstring });

  // tlv.string writes the octets and a length of exactly those: no NUL (the library's cstring adds one).
  smpp.tlvs[RECEIPT_ID_NO_NUL_TLV_NAME] = { id: 0x001e, tag: RECEIPT_ID_NO_NUL_TLV_NAME, type: smpp.types.tlv.string };
}
