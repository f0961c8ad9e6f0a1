// Validation of POST /mo bodies. Errors name the offending field.
import type { MoEncoding } from './codec';

export interface MoRequest {
  from: string;
  text: string;
  to?: string;
  encoding?: MoEncoding;
  imsi?: string;
  sourceTon?: number;
  sourceNpi?: number;
  serviceType?: string;
  tlvs?: { ussd_service_op?: number; its_session_info?: string };
  /** Concatenate with the SAR TLVs (§5.3.2.22-24) instead of a UDH. */
  sar?: boolean;
  /** Replaces the esm_class outright (UDHI included), e.g. 0x08 SME ack, 0x20 intermediate notification. */
  esmClass?: number;
  imsiEncoding?: ImsiEncoding;
  /** The SMSC message id of this MO (moMessageIdTlvTag); parts get "-1", "-2", … appended. */
  messageId?: string;
  /** The PIN typed on a signing device for this message (device-signing.ts); default its provisioned one. */
  pin?: string;
  wait: boolean;
}

export type ImsiEncoding = 'ascii' | 'tbcd';

export interface MoRequestOptions {
  /** wait when the body does not say (POST /mo: true, batch entries: false). */
  defaultWait: boolean;
  /** Whether moMessageIdTlvTag is set, without which `messageId` has nowhere to go. */
  moMessageIds: boolean;
}

const isOctet = (v: unknown): v is number => Number.isInteger(v) && (v as number) >= 0 && (v as number) <= 255;

// Limits are the SMPP 3.4 field sizes (§5.2) less the terminating NUL.
export function parseMoRequest(body: unknown, opts: MoRequestOptions): MoRequest | { error: string } {
  if (!body || typeof body !== 'object' || Array.isArray(body)) return { error: 'body: expected a JSON object' };
  const b = body as Record<string, unknown>;
  if (typeof b.from !== 'string' || b.from.length === 0 || b.from.length > 20) return { error: 'from: expected a string of 1-20 characters' };
  if (typeof b.text !== 'string') return { error: 'text: expected a string' };
  if (b.text.length > 255 * 153) return { error: 'text: longer than 255 parts' };
  if (b.to !== undefined && (typeof b.to !== 'string' || b.to.length === 0 || b.to.length > 20)) return { error: 'to: expected a string of 1-20 characters' };
  if (b.encoding !== undefined && b.encoding !== 'gsm' && b.encoding !== 'ucs2') return { error: 'encoding: expected "gsm" or "ucs2"' };
  // ITU-T E.212: an IMSI is at most 15 digits.
  if (b.imsi !== undefined && (typeof b.imsi !== 'string' || !/^\d{5,15}$/.test(b.imsi))) return { error: 'imsi: expected 5-15 digits' };
  if (b.sourceTon !== undefined && !isOctet(b.sourceTon)) return { error: 'sourceTon: expected an integer 0-255' };
  if (b.sourceNpi !== undefined && !isOctet(b.sourceNpi)) return { error: 'sourceNpi: expected an integer 0-255' };
  if (b.serviceType !== undefined && (typeof b.serviceType !== 'string' || b.serviceType.length > 5)) return { error: 'serviceType: expected at most 5 characters' };
  if (b.wait !== undefined && typeof b.wait !== 'boolean') return { error: 'wait: expected a boolean' };
  if (b.sar !== undefined && typeof b.sar !== 'boolean') return { error: 'sar: expected a boolean' };
  if (b.esmClass !== undefined && !isOctet(b.esmClass)) return { error: 'esmClass: expected an integer 0-255' };
  if (b.imsiEncoding !== undefined && b.imsiEncoding !== 'ascii' && b.imsiEncoding !== 'tbcd') return { error: 'imsiEncoding: expected "ascii" or "tbcd"' };
  if (b.imsiEncoding !== undefined && b.imsi === undefined) return { error: 'imsiEncoding: only with imsi' };
  if (b.messageId !== undefined) {
    if (typeof b.messageId !== 'string' || !/^[\x20-\x7e]{1,64}$/.test(b.messageId)) return { error: 'messageId: expected 1-64 printable ASCII characters' };
    if (!opts.moMessageIds) return { error: 'messageId: the moMessageIdTlvTag setting (SIM_MO_MESSAGE_ID_TLV_TAG) is off, so there is no TLV to carry it' };
  }
  if (b.pin !== undefined && (typeof b.pin !== 'string' || !/^[0-9]{4,8}$/.test(b.pin))) return { error: 'pin: expected 4 to 8 digits' };
  let tlvs: MoRequest['tlvs'];
  if (b.tlvs !== undefined) {
    if (!b.tlvs || typeof b.tlvs !== 'object' || Array.isArray(b.tlvs)) return { error: 'tlvs: expected an object' };
    const t = b.tlvs as Record<string, unknown>;
    for (const key of Object.keys(t)) if (key !== 'ussd_service_op' && key !== 'its_session_info') return { error: `tlvs.${key}: unsupported TLV` };
    if (t.ussd_service_op !== undefined && !isOctet(t.ussd_service_op)) return { error: 'tlvs.ussd_service_op: expected an integer 0-255' };
    if (t.its_session_info !== undefined && (typeof t.its_session_info !== 'string' || !/^([0-9a-fA-F]{2})+$/.test(t.its_session_info))) {
      return { error: 'tlvs.its_session_info: expected a hex string' };
    }
    tlvs = { ussd_service_op: t.ussd_service_op as number | undefined, its_session_info: t.its_session_info as string | undefined };
  }
  return {
    from: b.from,
    text: b.text,
    to: b.to as string | undefined,
    encoding: b.encoding as MoEncoding | undefined,
    imsi: b.imsi as string | undefined,
    sourceTon: b.sourceTon as number | undefined,
    sourceNpi: b.sourceNpi as number | undefined,
    serviceType: b.serviceType as string | undefined,
    tlvs,
    sar: b.sar as boolean | undefined,
    esmClass: b.esmClass as number | undefined,
    imsiEncoding: b.imsiEncoding as ImsiEncoding | undefined,
    messageId: b.messageId as string | undefined,
    pin: b.pin as string | undefined,
    wait: (b.wait as boolean | undefined) ?? opts.defaultWait,
  };
}
