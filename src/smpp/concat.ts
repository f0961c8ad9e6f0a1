import { hasUdhi } from './esm-class';
import { parseUdh } from './udh';

/**
 * One view of a concatenated message's part, whichever way the SMSC marked it:
 * - a User Data Header concatenation IE (3GPP TS 23.040 §9.2.3.24.1 / .8: 8- or 16-bit reference)
 *   at the start of short_message, with esm_class UDHI (SMPP 3.4 §5.2.12);
 * - the SAR TLVs (SMPP 3.4 §5.3.2.22-24) next to a header-less short_message.
 * When both are present the UDH concatenation IE wins: it sits in the octets being joined.
 */
export type ConcatView =
  | { kind: 'single'; payload: Buffer }
  | { kind: 'part'; scheme: 'udh8' | 'udh16' | 'sar'; ref: number; total: number; seq: number; payload: Buffer }
  | { kind: 'invalid'; reason: string };

export interface ConcatInput {
  esmClass: number;
  /** short_message (or message_payload) as received. */
  body: Buffer;
  sarRef?: number;
  sarTotal?: number;
  sarSeq?: number;
}

/** SMPP 3.4 §5.3.2.22-24: what each SAR TLV may hold. */
const SAR_RANGE = {
  ref: { min: 0, max: 0xffff }, // sar_msg_ref_num, 2 octets
  total: { min: 1, max: 255 }, // sar_total_segments
  seq: { min: 1, max: 255 }, // sar_segment_seqnum, and never above the total
} as const;

const inRange = (n: number, r: { min: number; max: number }) => Number.isInteger(n) && n >= r.min && n <= r.max;

/**
 * A part with a total of 1 is a whole message (`single`). `payload` is the user data without the
 * UDH: the header's other IEs (ports, language shift) are not kept.
 */
export function concatOf(input: ConcatInput): ConcatView {
  let payload = input.body;
  if (hasUdhi(input.esmClass)) {
    const udh = parseUdh(input.body);
    if (!udh.ok) return { kind: 'invalid', reason: udh.reason };
    payload = udh.payload;
    if (udh.concat) {
      const { ref, total, seq, refBits } = udh.concat;
      if (total === 1) return { kind: 'single', payload };
      return { kind: 'part', scheme: refBits === 16 ? 'udh16' : 'udh8', ref, total, seq, payload };
    }
    // A header without a concatenation IE: the SAR TLVs may still say it is a part.
  }
  return sarPart(input, payload);
}

function sarPart(input: ConcatInput, payload: Buffer): ConcatView {
  const { sarRef: ref, sarTotal: total, sarSeq: seq } = input;
  const given = [ref, total, seq].filter((v) => v !== undefined).length;
  if (given === 0) return { kind: 'single', payload };
  // §5.3.2.22-24: the three are sent together; one alone cannot place the part.
  if (ref === undefined || total === undefined || seq === undefined) return { kind: 'invalid', reason: 'sar_incomplete' };
  if (!inRange(ref, SAR_RANGE.ref)) return { kind: 'invalid', reason: 'sar_bad_ref' };
  if (!inRange(total, SAR_RANGE.total)) return { kind: 'invalid', reason: 'sar_bad_total' };
  if (!inRange(seq, SAR_RANGE.seq) || seq > total) return { kind: 'invalid', reason: 'sar_bad_seq' };
  if (total === 1) return { kind: 'single', payload };
  return { kind: 'part', scheme: 'sar', ref, total, seq, payload };
}

/**
 * The payloads of parts 1..total in order, or null unless `parts` holds exactly those sequence
 * numbers (a missing part, or one numbered outside 1..total).
 */
export function joinParts(parts: ReadonlyMap<number, Buffer>, total: number): Buffer | null {
  if (!Number.isInteger(total) || total < 1 || parts.size !== total) return null;
  const ordered: Buffer[] = [];
  for (let seq = 1; seq <= total; seq++) {
    const part = parts.get(seq);
    if (part === undefined) return null;
    ordered.push(part);
  }
  return Buffer.concat(ordered);
}
