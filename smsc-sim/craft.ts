// Hand-encoded deliver_sm (SMPP 3.4 §4.6.1) for probes: every octet as the caller gave it, which
// the library's encoder would not allow (unknown TLV tags, wrong TLV lengths, message_payload of
// any size next to a short_message, a source the network would never stamp, TLV length fields
// that disagree with their values).

export interface CraftedDeliverSm {
  service_type: string;
  source_addr_ton: number;
  source_addr_npi: number;
  source_addr: string;
  dest_addr_ton: number;
  dest_addr_npi: number;
  destination_addr: string;
  esm_class: number;
  protocol_id: number;
  priority_flag: number;
  registered_delivery: number;
  data_coding: number;
  shortMessage: Buffer; // at most 255 octets: sm_length is one octet
  tlvs: Array<[tag: number, value: Buffer]>; // in wire order; each value at most 65535 octets
  rawTlvs: RawTlv[]; // after tlvs, with the length field as given
}

/** A TLV whose length field says `length`, whatever the size of `value` (§3.2.1 says they agree). */
export interface RawTlv {
  tag: number;
  length: number;
  value: Buffer;
}

const DELIVER_SM = 0x00000005;

/** The complete PDU with sequence number 0; the sender writes its own into octets 12-15. */
export function encodeDeliverSm(d: CraftedDeliverSm): Buffer {
  const parts: Buffer[] = [Buffer.alloc(16)];
  const cstr = (s: string) => parts.push(Buffer.from(s + '\0', 'latin1'));
  const u8 = (n: number) => parts.push(Buffer.from([n]));
  cstr(d.service_type);
  u8(d.source_addr_ton);
  u8(d.source_addr_npi);
  cstr(d.source_addr);
  u8(d.dest_addr_ton);
  u8(d.dest_addr_npi);
  cstr(d.destination_addr);
  u8(d.esm_class);
  u8(d.protocol_id);
  u8(d.priority_flag);
  cstr(''); // schedule_delivery_time: must be NULL in deliver_sm
  cstr(''); // validity_period: must be NULL in deliver_sm
  u8(d.registered_delivery);
  u8(0); // replace_if_present_flag: must be NULL in deliver_sm
  u8(d.data_coding);
  u8(0); // sm_default_msg_id: must be NULL in deliver_sm
  u8(d.shortMessage.length);
  parts.push(d.shortMessage);
  for (const [tag, value] of d.tlvs) {
    const head = Buffer.alloc(4);
    head.writeUInt16BE(tag, 0);
    head.writeUInt16BE(value.length, 2);
    parts.push(head, value);
  }
  for (const raw of d.rawTlvs) {
    const head = Buffer.alloc(4);
    head.writeUInt16BE(raw.tag, 0);
    head.writeUInt16BE(raw.length, 2);
    parts.push(head, raw.value);
  }
  // command_length is the octets really written, so a lying TLV length stays inside this PDU's frame
  const pdu = Buffer.concat(parts);
  pdu.writeUInt32BE(pdu.length, 0);
  pdu.writeUInt32BE(DELIVER_SM, 4);
  return pdu;
}
