// The simulator runs in its own process, so it may adjust node-smpp's global tables to behave like
// a strict SMSC. Nothing here may be imported by code that shares a process with the gateway.
import * as smpp from 'smpp';

/** Tag name under which the vendor IMSI TLV is registered with the library. */
export const IMSI_TLV_NAME = 'sim_vendor_imsi';

const RAW = { encode: (v: unknown) => v, decode: (v: unknown) => v };

export function prepareLibrary(opts: { maxPduLength: number; imsiTlvTag: number }): void {
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
  smpp.tlvs.message_payload.filter = RAW;

  // Vendor TLV for the subscriber's IMSI: an octet string of digits, no NUL.
  smpp.addTLV(IMSI_TLV_NAME, { id: opts.imsiTlvTag, type: smpp.types.tlv.string });
}
