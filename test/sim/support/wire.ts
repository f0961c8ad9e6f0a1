// Independent reading of SMPP octets for assertions: framing by command_length and the
// deliver_sm/submit_sm body layout of SMPP 3.4 §4.4.1 / §4.6.1, TLVs as tag → octets.

export interface RawPdu {
  commandId: number;
  status: number;
  seq: number;
  bytes: Buffer;
  /** Present for deliver_sm (0x00000005). */
  deliver?: RawDeliverSm;
}

export interface RawDeliverSm {
  serviceType: string;
  sourceTon: number;
  sourceNpi: number;
  source: string;
  destTon: number;
  destNpi: number;
  dest: string;
  esmClass: number;
  registeredDelivery: number;
  dataCoding: number;
  shortMessage: Buffer;
  tlvs: Map<number, Buffer>;
}

export class RawFramer {
  private buf = Buffer.alloc(0);

  push(chunk: Buffer): RawPdu[] {
    this.buf = Buffer.concat([this.buf, chunk]);
    const out: RawPdu[] = [];
    while (this.buf.length >= 16) {
      const len = this.buf.readUInt32BE(0);
      if (len < 16 || this.buf.length < len) break;
      const bytes = this.buf.subarray(0, len);
      this.buf = this.buf.subarray(len);
      const pdu: RawPdu = { commandId: bytes.readUInt32BE(4), status: bytes.readUInt32BE(8), seq: bytes.readUInt32BE(12), bytes };
      if (pdu.commandId === 0x00000005) pdu.deliver = parseDeliverSm(bytes);
      out.push(pdu);
    }
    return out;
  }
}

function parseDeliverSm(pdu: Buffer): RawDeliverSm {
  let i = 16;
  const cstr = () => {
    const end = pdu.indexOf(0, i);
    const s = pdu.toString('latin1', i, end);
    i = end + 1;
    return s;
  };
  const u8 = () => pdu[i++];
  const serviceType = cstr();
  const sourceTon = u8();
  const sourceNpi = u8();
  const source = cstr();
  const destTon = u8();
  const destNpi = u8();
  const dest = cstr();
  const esmClass = u8();
  u8(); // protocol_id
  u8(); // priority_flag
  cstr(); // schedule_delivery_time
  cstr(); // validity_period
  const registeredDelivery = u8();
  u8(); // replace_if_present_flag
  const dataCoding = u8();
  u8(); // sm_default_msg_id
  const smLength = u8();
  const shortMessage = Buffer.from(pdu.subarray(i, i + smLength));
  i += smLength;
  const tlvs = new Map<number, Buffer>();
  while (i + 4 <= pdu.length) {
    const tag = pdu.readUInt16BE(i);
    const len = pdu.readUInt16BE(i + 2);
    tlvs.set(tag, Buffer.from(pdu.subarray(i + 4, i + 4 + len)));
    i += 4 + len;
  }
  return { serviceType, sourceTon, sourceNpi, source, destTon, destNpi, dest, esmClass, registeredDelivery, dataCoding, shortMessage, tlvs };
}

/** UTF-16BE octets, the UCS2 of data_coding 8. */
export const ucs2 = (text: string): Buffer => Buffer.from(text, 'utf16le').swap16();
export const fromUcs2 = (bytes: Buffer): string => Buffer.from(bytes).swap16().toString('utf16le');

/** 05 00 03 ref total seq: the 8-bit-reference concatenation UDH. */
export const udh8 = (ref: number, total: number, seq: number): Buffer => Buffer.from([5, 0, 3, ref, total, seq]);
/** 06 08 04 refHi refLo total seq: the 16-bit-reference concatenation UDH. */
export const udh16 = (ref: number, total: number, seq: number): Buffer => Buffer.from([6, 8, 4, ref >> 8, ref & 0xff, total, seq]);
