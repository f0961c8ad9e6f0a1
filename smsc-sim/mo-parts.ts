// The deliver_sm fields of each part of one MO, as a network would build them: addressing stamped
// by the network, concatenation by UDH (TS 23.040 §9.2.3.24.1) or by the SAR TLVs (SMPP 3.4
// §5.3.2.22-24), the subscriber's IMSI and the SMSC's own message id in vendor TLVs. Built once per
// MO, so a redelivery or a duplicate sends the same octets.
import { randomInt } from 'node:crypto';
import type { PDUFields } from 'smpp';
import { concatHeader, type EncodedText } from './codec';
import { IMSI_TLV_NAME, MO_MESSAGE_ID_TLV_NAME } from './library';
import type { MoRequest } from './mo-request';
import { ESM_CLASS } from './protocol';
import { tbcdEncode } from './tbcd';

/** TON/NPI (§5.2.5-6) a network would stamp on the sender: international E.164 or alphanumeric. */
function sourceAddressing(from: string): { addr: string; ton: number; npi: number } {
  if (/^\+?\d+$/.test(from)) return { addr: from.replace(/^\+/, ''), ton: 1, npi: 1 };
  return { addr: from, ton: 5, npi: 0 };
}

/** Concatenation references, rolling: 8 bits in the UDH (IEI 0x00), 16 bits in sar_msg_ref_num. */
export class ConcatRefs {
  private udh = randomInt(0, 0x100);
  private sar = randomInt(0, 0x10000);

  next(sar: boolean): number {
    return sar ? this.sar++ & 0xffff : this.udh++ & 0xff;
  }
}

export interface PartsInput {
  req: MoRequest;
  to: string;
  serviceType: string;
  encoded: EncodedText;
  ref: number;
  /** The SMSC message id of each part, when moMessageIdTlvTag is set. */
  messageIds: string[] | null;
}

export function moPartFields({ req, to, serviceType, encoded, ref, messageIds }: PartsInput): PDUFields[] {
  const total = encoded.parts.length;
  const concatenated = total > 1;
  const sar = concatenated && req.sar === true;
  const src = sourceAddressing(req.from);
  const base: PDUFields = {
    service_type: serviceType,
    source_addr_ton: req.sourceTon ?? src.ton,
    source_addr_npi: req.sourceNpi ?? src.npi,
    source_addr: req.sourceTon === undefined ? src.addr : req.from,
    // short codes have no international form: TON unknown, NPI E.164
    dest_addr_ton: /^\d{9,}$/.test(to) ? 1 : 0,
    dest_addr_npi: 1,
    destination_addr: to.replace(/^\+/, ''),
    // §5.2.12: UDHI only when the short_message starts with a UDH, not for SAR concatenation
    esm_class: req.esmClass ?? (concatenated && !sar ? ESM_CLASS.UDHI : 0),
    data_coding: encoded.dataCoding,
  };
  // The library writes a Buffer as it is and a string as ASCII: the IMSI's two encodings.
  if (req.imsi) base[IMSI_TLV_NAME] = req.imsiEncoding === 'tbcd' ? tbcdEncode(req.imsi) : req.imsi;
  if (req.tlvs?.ussd_service_op !== undefined) base.ussd_service_op = req.tlvs.ussd_service_op;
  if (req.tlvs?.its_session_info !== undefined) base.its_session_info = Buffer.from(req.tlvs.its_session_info, 'hex');

  return encoded.parts.map((payload, i) => {
    const fields: PDUFields = { ...base };
    if (!concatenated) fields.short_message = payload;
    else if (!sar) fields.short_message = Buffer.concat([concatHeader(ref, total, i + 1), payload]);
    else Object.assign(fields, { short_message: payload, sar_msg_ref_num: ref, sar_total_segments: total, sar_segment_seqnum: i + 1 });
    if (messageIds) fields[MO_MESSAGE_ID_TLV_NAME] = messageIds[i];
    return fields;
  });
}
