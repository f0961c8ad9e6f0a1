import type { FieldType, PDU } from 'smpp';
import { smpp } from './tables';
import { STATUS } from './status';

/**
 * Checks a PDU body before node-smpp decodes it (SMPP 3.4 §3.1-3.2), walking it exactly as the
 * library's PDU.prototype.fromBuffer does: the command's mandatory parameters in table order with
 * each type's read/size, stopping when the offset reaches command_length, then TLVs while four
 * octets remain. The library never checks a length against command_length: a cstring without its
 * NUL, an sm_length beyond the body or a TLV length beyond the body make it read into whatever
 * follows (or past the buffer and throw), and one throw ends the session's reading for good
 * (smpp.js _extractPDUs). library.ts runs this on every inbound PDU and answers the bad ones.
 */
export interface PduProblem {
  status: number;
  reason: string;
}

/** Why a PDU is refused, and the command_status it is answered with (SMPP 3.4 §5.1.3). */
export const PDU_PROBLEMS = {
  /** command_length is not the number of octets given, or is below the 16-octet header (§3.2). */
  command_length: STATUS.ESME_RINVCMDLEN,
  /** A mandatory parameter cut in the middle, or a request whose body ends before them (§3.1). */
  mandatory_params_truncated: STATUS.ESME_RINVCMDLEN,
  /** sm_length says more octets than the body has left (§5.2.21). */
  sm_length: STATUS.ESME_RINVMSGLEN,
  /** One to three octets after the last TLV: not even a tag and a length (§3.2, §5.3.1). */
  tlv_stream: STATUS.ESME_RINVTLVSTREAM,
  /** A TLV value running past command_length; `tlv_length:<tag>` for a known integer TLV whose
   * length is not its size (§5.3.2: those TLVs have a fixed length). */
  tlv_length: STATUS.ESME_RINVPARLEN,
  /** Anything else the library's decoder throws on, e.g. a callback_num TLV too short for the
   * digit mode, TON and NPI octets its decode filter reads. */
  undecodable: STATUS.ESME_RINVCMDLEN,
} as const;

export type PduProblemKind = keyof typeof PDU_PROBLEMS;

const problem = (kind: PduProblemKind, detail?: string): PduProblem => ({
  status: PDU_PROBLEMS[kind],
  reason: detail === undefined ? kind : `${kind}:${detail}`,
});

const HEADER_OCTETS = 16;
const TLV_HEADER_OCTETS = 4;
const RESPONSE_BIT = 0x80000000;

/** SMPP 3.4 §3.2: a PDU is at least its 16-octet header; `maxLength` is the frame limit we accept. */
export function isFramingValid(commandLength: number, maxLength: number): boolean {
  return Number.isInteger(commandLength) && commandLength >= HEADER_OCTETS && commandLength <= maxLength;
}

/**
 * `octets` is a whole PDU (command_length in octets 0-3 equal to octets.length). Null when the
 * library will decode it as sent; an unknown command_id is null too (the library calls it
 * 'unknown' and it is answered with generic_nack ESME_RINVCMDID).
 */
export function checkPduBody(octets: Buffer): PduProblem | null {
  const result = decodePdu(octets);
  return result.ok ? null : result.problem;
}

/**
 * checkPduBody, then the library's own decode, which is also the last check: whatever it throws
 * on is `undecodable`. One decode for callers that want the PDU (library.ts's fromStream).
 */
export function decodePdu(octets: Buffer): { ok: true; pdu: PDU } | { ok: false; problem: PduProblem } {
  const found = walkBody(octets);
  if (found) return { ok: false, problem: found };
  try {
    return { ok: true, pdu: new smpp.PDU(octets) };
  } catch {
    return { ok: false, problem: problem('undecodable') };
  }
}

function walkBody(octets: Buffer): PduProblem | null {
  if (octets.length < HEADER_OCTETS || octets.readUInt32BE(0) !== octets.length) return problem('command_length');
  const commandId = octets.readUInt32BE(4);
  const command = smpp.commandsById[commandId]?.command;
  if (command === undefined) return null;
  const isResponse = (commandId & RESPONSE_BIT) !== 0;
  const end = octets.length;

  const mandatory = walkMandatory(octets, smpp.commands[command]?.params ?? {}, isResponse);
  if (!mandatory.ok) return mandatory.problem;
  return walkTlvs(octets, mandatory.offset, end);
}

type Params = NonNullable<(typeof smpp.commands)[string]['params']>;

function walkMandatory(
  octets: Buffer,
  params: Params,
  isResponse: boolean,
): { ok: true; offset: number } | { ok: false; problem: PduProblem } {
  const end = octets.length;
  let offset = HEADER_OCTETS;
  for (const [name, param] of Object.entries(params)) {
    if (offset >= end) {
      // The library stops here and leaves the rest undefined. Responses may end early: an error
      // response may carry no body (SMPP 3.4 §4.4.2 says so of submit_sm_resp; SMSCs do the same
      // with bind_resp and system_id). A request never may; the simulator's isTruncated
      // (smsc-sim/sessions.ts) refuses the same PDUs on its side.
      if (isResponse) break;
      return { ok: false, problem: problem('mandatory_params_truncated') };
    }
    const declared = declaredLength(param.type, octets, offset);
    if (declared !== undefined && offset + 1 + declared > end) {
      return { ok: false, problem: problem(name === 'short_message' ? 'sm_length' : 'mandatory_params_truncated') };
    }
    const size = sizeAsRead(param.type, octets, offset);
    // A size past the end is a cstring without its NUL (the library reads to the buffer's end)
    // or an array element cut short; a read that throws ran past the buffer.
    if (size === null || offset + size > end) return { ok: false, problem: problem('mandatory_params_truncated') };
    offset += size;
  }
  return { ok: true, offset };
}

/** Octet-length-prefixed types (`buffer` is short_message with its sm_length): the prefix. The
 * library slices silently when the prefix says more than the buffer has. */
function declaredLength(type: FieldType, octets: Buffer, offset: number): number | undefined {
  return type === smpp.types.buffer || type === smpp.types.string ? octets[offset] : undefined;
}

function sizeAsRead(type: FieldType, octets: Buffer, offset: number): number | null {
  try {
    return type.size(type.read(octets, offset));
  } catch {
    return null;
  }
}

/**
 * SMPP 3.4 §3.2 / §5.3.1: a TLV is tag (2), length (2), value. Unknown tags are skipped by their
 * length, as the library does and as SMPP asks of a receiver of an unsupported TLV.
 */
function walkTlvs(octets: Buffer, start: number, end: number): PduProblem | null {
  let offset = start;
  while (offset + TLV_HEADER_OCTETS <= end) {
    const tag = octets.readUInt16BE(offset);
    const length = octets.readUInt16BE(offset + 2);
    offset += TLV_HEADER_OCTETS;
    if (offset + length > end) return problem('tlv_length');
    const tlv = smpp.tlvsById[tag];
    const fixed = tlv ? fixedSizeOf(tlv.type) : undefined;
    if (tlv && fixed !== undefined && length !== fixed) return problem('tlv_length', tlv.tag);
    offset += length;
  }
  return offset === end ? null : problem('tlv_stream');
}

/** The library's integer TLV types read their own width whatever the length field says. */
function fixedSizeOf(type: FieldType): number | undefined {
  if (type === smpp.types.int8) return 1;
  if (type === smpp.types.int16) return 2;
  if (type === smpp.types.int32) return 4;
  return undefined;
}
