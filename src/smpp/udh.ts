/**
 * User Data Header (3GPP TS 23.040 §9.2.3.24), present at the start of short_message when
 * esm_class has UDHI (0x40) set. In SMPP the header is always octets, even for data_coding 0
 * where the text after it is unpacked septets; the SMSC adds the septet fill bits on air.
 */

/** Information Element Identifiers for concatenated short messages. */
export const IEI = {
  CONCAT_8BIT_REF: 0x00, // ref(1) total(1) seq(1)
  CONCAT_16BIT_REF: 0x08, // ref(2, big-endian) total(1) seq(1)
} as const;

const CONCAT_IE_LENGTH: Readonly<Record<number, number>> = {
  [IEI.CONCAT_8BIT_REF]: 3,
  [IEI.CONCAT_16BIT_REF]: 4,
};

export interface ConcatInfo {
  ref: number;
  total: number;
  seq: number;
  refBits: 8 | 16;
}

export type ParseUdhResult =
  | {
      ok: true;
      /** Octets taken by the header, including the UDHL octet itself (= offset of the payload). */
      headerLength: number;
      concat?: ConcatInfo;
      payload: Buffer;
    }
  | { ok: false; reason: string };

export function parseUdh(bytes: Buffer): ParseUdhResult {
  if (bytes.length === 0) return { ok: false, reason: 'udh_missing' };
  const headerLength = 1 + bytes[0]!;
  if (bytes.length < headerLength) return { ok: false, reason: 'udh_truncated' };

  let concat: ConcatInfo | undefined;
  let offset = 1;
  while (offset < headerLength) {
    if (offset + 2 > headerLength) return { ok: false, reason: 'udh_ie_truncated' };
    const iei = bytes[offset]!;
    const length = bytes[offset + 1]!;
    const data = offset + 2;
    if (data + length > headerLength) return { ok: false, reason: 'udh_ie_truncated' };

    const expectedLength = CONCAT_IE_LENGTH[iei];
    if (expectedLength !== undefined) {
      if (length !== expectedLength) return { ok: false, reason: 'concat_ie_bad_length' };
      const parsed = readConcat(bytes, iei, data);
      if (!parsed.ok) return parsed;
      // 23.040 §9.2.3.24: when a non-repeatable IE occurs twice, the last occurrence is used.
      concat = parsed.concat;
    }
    // Other IEs (ports, national language shift, ...) are skipped: we only need concatenation.
    offset = data + length;
  }

  return {
    ok: true,
    headerLength,
    ...(concat ? { concat } : {}),
    payload: bytes.subarray(headerLength),
  };
}

function readConcat(
  bytes: Buffer,
  iei: number,
  data: number,
): { ok: true; concat: ConcatInfo } | { ok: false; reason: string } {
  const is16 = iei === IEI.CONCAT_16BIT_REF;
  const ref = is16 ? bytes.readUInt16BE(data) : bytes[data]!;
  const total = bytes[data + (is16 ? 2 : 1)]!;
  const seq = bytes[data + (is16 ? 3 : 2)]!;
  // 23.040 §9.2.3.24.1: total 0 and seq 0 / seq > total are invalid; the IE is to be ignored,
  // but a part we cannot place would only poison reassembly, so the whole PDU is rejected.
  if (total === 0 || seq === 0 || seq > total) return { ok: false, reason: 'concat_bad_sequence' };
  return { ok: true, concat: { ref, total, seq, refBits: is16 ? 16 : 8 } };
}

/** UDH holding one concatenation IE: 6 octets with an 8-bit reference, 7 with a 16-bit one. */
export function buildConcatUdh(ref: number, total: number, seq: number, refBits: 8 | 16 = 8): Buffer {
  const refMax = refBits === 16 ? 0xffff : 0xff;
  if (!Number.isInteger(ref) || ref < 0 || ref > refMax) throw new RangeError(`ref ${ref} out of range for ${refBits}-bit`);
  if (!Number.isInteger(total) || total < 1 || total > 255) throw new RangeError(`total ${total} out of range 1..255`);
  if (!Number.isInteger(seq) || seq < 1 || seq > total) throw new RangeError(`seq ${seq} out of range 1..${total}`);
  if (refBits === 16) {
    return Buffer.from([0x06, IEI.CONCAT_16BIT_REF, 0x04, ref >> 8, ref & 0xff, total, seq]);
  }
  return Buffer.from([0x05, IEI.CONCAT_8BIT_REF, 0x03, ref, total, seq]);
}
