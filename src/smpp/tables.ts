import * as smpp from 'smpp';
import type { FieldType } from 'smpp';

// node-smpp decodes short_message and message_payload itself and guesses encodings (it labels GSM
// text data_coding=1 and turns undecodable bytes into spaces). simpair does its own encoding and
// decoding (text.ts, udh.ts), so in this process the library hands over raw bytes: removing the
// field filters makes short_message a plain Buffer on both decode and encode. The SMSC simulator
// runs in its own process and keeps the library's behaviour.
const RAW_FIELDS_OF: ReadonlyArray<string> = ['submit_sm', 'deliver_sm', 'submit_multi', 'replace_sm'];

for (const command of RAW_FIELDS_OF) {
  const params = smpp.commands[command]?.params;
  if (params?.short_message) delete params.short_message.filter;
}
if (smpp.tlvs.message_payload) delete smpp.tlvs.message_payload.filter;

/**
 * C-Octet String TLVs (receipted_message_id, additional_status_info_text, source/dest_network_id)
 * read by their length field (SMPP 3.4 §5.3.1: the length is the value's size) up to the first
 * NUL within it. The library reads a TLV cstring up to the next NUL wherever it is, so an SMSC
 * that leaves out the NUL (several do, in receipted_message_id) gets the next TLV's octets glued
 * onto the id. Written as before: the value and its NUL.
 */
const CSTRING_BY_LENGTH: FieldType = {
  read(buffer: Buffer, offset: number, length?: number): string {
    const end = Math.min(offset + (length ?? 0), buffer.length);
    const nul = buffer.indexOf(0, offset);
    return buffer.toString('ascii', offset, nul >= offset && nul < end ? nul : end);
  },
  write: smpp.types.cstring.write,
  size: smpp.types.cstring.size,
  default: smpp.types.cstring.default,
};

for (const tlv of new Set(Object.values(smpp.tlvs))) {
  if (tlv.type === smpp.types.tlv.cstring) tlv.type = CSTRING_BY_LENGTH;
}

export { smpp };
