import type { PDU } from 'smpp';
import { decodePdu, isFramingValid, type PduProblem } from './pdu-check';
import { smpp } from './tables';

// The library with simpair's field tables (tables.ts) and its PDU framing guarded (below).

/** What node-smpp's Session reads PDUs from (a net.Socket in paused mode). */
interface PduStream {
  read(size: number): Buffer | null;
}

interface PduStatics {
  commandLength(stream: PduStream): number | false;
  fromStream(stream: PduStream, commandLength: number): PDU | false;
}

const PDUStatics = smpp.PDU as unknown as PduStatics;

/**
 * SMPP 3.4 §3.2: a PDU is at least its 16-octet header. The library accepts command_length 0..15
 * and then waits forever for a body it can never frame (or reads a negative length); throw
 * instead, which the session reports as 'error' like a frame above PDU.maxLength: with the
 * framing lost, nothing after it on the stream can be trusted.
 */
const libraryCommandLength = PDUStatics.commandLength.bind(PDUStatics);
PDUStatics.commandLength = (stream) => {
  const length = libraryCommandLength(stream);
  if (length !== false && !isFramingValid(length, smpp.PDU.maxLength)) {
    throw new Error(`command_length ${length} is outside 16..${smpp.PDU.maxLength}`);
  }
  return length;
};

/**
 * Reads the same octets as the library's fromStream, but a PDU that is framed correctly and yet
 * cannot be decoded (pdu-check.ts) comes back as a MalformedPdu instead of a throw. A throw here
 * makes the session emit 'error' and stop reading the socket for good (smpp.js _extractPDUs), so
 * one bad deliver_sm would take the link down; the framing is intact, so the next PDU can be read.
 */
PDUStatics.fromStream = (stream, commandLength) => {
  if (!isFramingValid(commandLength, smpp.PDU.maxLength)) throw new Error(`command_length ${commandLength} is outside 16..${smpp.PDU.maxLength}`);
  const body = stream.read(commandLength - 4);
  if (!body) return false;
  // Short only when the stream has ended mid-PDU (a readable returns what is left): nothing to
  // decode or answer, and the connection is closing anyway.
  if (body.length < commandLength - 4) return false;
  const header = Buffer.alloc(4);
  header.writeUInt32BE(commandLength, 0);
  const octets = Buffer.concat([header, body]);
  const decoded = decodePdu(octets);
  return decoded.ok ? decoded.pdu : malformedPdu(octets, decoded.problem);
};

/**
 * A PDU whose header is known but whose body could not be decoded: it has the header fields, the
 * command name ('unknown' if the command_id is not in the table) and `malformed`, no body fields.
 * It goes through the library like any PDU: 'pdu' and `<command>` events, and a response reaches
 * its request's callback by sequence_number. Listeners must test isMalformed before reading fields.
 */
export interface MalformedPdu extends PDU {
  malformed: PduProblem;
}

export function isMalformed(pdu: PDU): pdu is MalformedPdu {
  const problem = (pdu as { malformed?: unknown }).malformed;
  return typeof problem === 'object' && problem !== null;
}

function malformedPdu(octets: Buffer, problem: PduProblem): MalformedPdu {
  const pdu = Object.create(smpp.PDU.prototype) as MalformedPdu;
  pdu.command_length = octets.readUInt32BE(0);
  pdu.command_id = octets.readUInt32BE(4);
  pdu.command_status = octets.readUInt32BE(8);
  pdu.sequence_number = octets.readUInt32BE(12);
  pdu.command = smpp.commandsById[pdu.command_id]?.command ?? 'unknown';
  pdu.malformed = problem;
  // The prototype's response() builds `<command>_resp`, which does not exist for
  // alert_notification, generic_nack or a response; answer those with generic_nack.
  pdu.response = (options?: smpp.PDUFields) =>
    errorResponseFor(pdu, options?.command_status ?? problem.status);
  return pdu;
}

/**
 * `<command>_resp` with `status` and the request's sequence_number, or generic_nack when the
 * command has none (SMPP 3.4 §4.3: generic_nack answers a PDU that cannot be answered otherwise).
 */
export function errorResponseFor(pdu: PDU, status: number): PDU {
  const resp = `${pdu.command}_resp`;
  const name = pdu.command !== 'unknown' && smpp.commands[resp] ? resp : 'generic_nack';
  return new smpp.PDU(name, { sequence_number: pdu.sequence_number, command_status: status });
}

export { smpp };
