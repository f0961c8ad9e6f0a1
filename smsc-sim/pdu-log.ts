// A bounded, decoded log of the PDUs on every ESME connection, both directions, for people (the web
// page, GET /pdus) and for bad-input tests that look at how an ESME reacted. Only what a person
// reads is kept: command, status, addresses and a short text preview, never whole bodies.
import type { PDU } from 'smpp';
import { decodeText, splitUserData } from './codec';
import { ESM_CLASS, pduNumber, pduString, statusName } from './protocol';

export type Direction = 'in' | 'out';

export interface PduLogEntry {
  id: number;
  at: string;
  dir: Direction; // in = from the ESME, out = from the simulator
  session: number;
  systemId: string | null;
  command: string;
  seq: number | null;
  status: number | null; // responses and generic_nack only
  statusName: string | null;
  octets: number;
  from?: string;
  to?: string;
  serviceType?: string;
  dataCoding?: number;
  ussdServiceOp?: number;
  text?: string;
  note?: string;
}

export interface PduOrigin {
  id: number;
  systemId: string | null;
}

const PREVIEW_CHARS = 70;

export function preview(text: string): string {
  const chars = [...text];
  return chars.length <= PREVIEW_CHARS ? text : chars.slice(0, PREVIEW_CHARS - 1).join('') + '…';
}

/** short_message, else message_payload; the simulator only ever holds these as raw octets. */
function textOctets(pdu: PDU): Buffer | null {
  for (const key of ['short_message', 'message_payload']) {
    const v = pdu[key];
    if (Buffer.isBuffer(v) && v.length > 0) return v;
  }
  return null;
}

export type PduView = Omit<PduLogEntry, 'id' | 'at' | 'dir' | 'session' | 'systemId'>;

export function describePdu(pdu: PDU): PduView {
  const response = pdu.isResponse();
  const entry: PduView = {
    command: pdu.command,
    seq: pdu.sequence_number ?? null,
    status: response ? pdu.command_status : null,
    statusName: response ? statusName(pdu.command_status) : null,
    octets: pdu.command_length ?? 0,
  };
  if (pdu.command !== 'submit_sm' && pdu.command !== 'deliver_sm') return entry;
  entry.from = pduString(pdu, 'source_addr');
  entry.to = pduString(pdu, 'destination_addr');
  entry.serviceType = pduString(pdu, 'service_type');
  entry.dataCoding = pduNumber(pdu, 'data_coding');
  if (typeof pdu.ussd_service_op === 'number') entry.ussdServiceOp = pdu.ussd_service_op;
  if (pdu.command === 'deliver_sm' && pduNumber(pdu, 'esm_class') & ESM_CLASS.MC_DELIVERY_RECEIPT) entry.note = 'delivery receipt';
  const octets = textOctets(pdu);
  if (octets) {
    const body = pduNumber(pdu, 'esm_class') & ESM_CLASS.UDHI ? (splitUserData(octets)?.payload ?? octets) : octets;
    entry.text = preview(decodeText(entry.dataCoding, body));
  }
  return entry;
}

export class PduLog {
  private entries: PduLogEntry[] = [];
  private nextId = 0;

  constructor(
    private readonly limit: number,
    private readonly onAdd: (entry: PduLogEntry) => void,
  ) {}

  record(dir: Direction, origin: PduOrigin, pdu: PDU): void {
    this.add(dir, origin, describePdu(pdu));
  }

  add(dir: Direction, origin: PduOrigin, view: PduView): void {
    const entry: PduLogEntry = { id: ++this.nextId, at: new Date().toISOString(), dir, session: origin.id, systemId: origin.systemId, ...view };
    this.entries.push(entry);
    // Trim in batches so that a full log does not shift the array on every PDU.
    if (this.entries.length > this.limit + Math.ceil(this.limit / 10)) this.entries.splice(0, this.entries.length - this.limit);
    this.onAdd(entry);
  }

  /** Oldest first; `after` = only entries with a larger id; `limit` = the newest n of those. */
  list(opts: { after?: number; limit?: number } = {}): PduLogEntry[] {
    let out = this.entries.slice(-this.limit);
    if (opts.after !== undefined) out = out.filter((e) => e.id > opts.after!);
    if (opts.limit !== undefined) out = out.slice(-opts.limit);
    return out;
  }

  reset(): void {
    this.entries = [];
  }
}
