import * as smpp from 'smpp';

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

export { smpp };
