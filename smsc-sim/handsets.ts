// Virtual handsets: each destination MSISDN has an inbox. Concatenated parts are held until all
// have arrived (keyed by source, destination, reference and total, as a phone does) and then shown
// as one message, decoded from the joined octets so that no character is cut at a part boundary.
import { type ConcatInfo, decodeText } from './codec';
import { normalizeMsisdn } from './faults';
import type { FinalState } from './protocol';

export interface InboxEntry {
  id: string; // message id of the first part
  partIds: string[];
  from: string;
  to: string;
  text: string;
  dataCoding: number;
  parts: number;
  receivedAt: string;
  state: 'ENROUTE' | FinalState;
  serviceType: string;
  ussdServiceOp?: number;
  systemId: string;
}

export interface IncomingPart {
  messageId: string;
  systemId: string;
  from: string;
  to: string;
  dataCoding: number;
  payload: Buffer;
  concat: ConcatInfo | null;
  serviceType: string;
  ussdServiceOp?: number;
}

const INBOX_LIMIT = 1000; // newest kept per handset
const PART_INDEX_LIMIT = 200_000;

export class HandsetStore {
  private readonly inboxes = new Map<string, InboxEntry[]>();
  private readonly pending = new Map<string, Map<number, IncomingPart>>();
  /** message id → its final state and, once assembled, the inbox entry it belongs to. */
  private readonly parts = new Map<string, { final?: FinalState; entry?: InboxEntry }>();

  /** `onChange` hears of every message that lands and every change of its delivery state. */
  constructor(private readonly onChange: (entry: InboxEntry) => void = () => {}) {}

  accept(part: IncomingPart): InboxEntry | null {
    this.parts.set(part.messageId, {});
    if (this.parts.size > PART_INDEX_LIMIT) this.parts.delete(this.parts.keys().next().value as string);
    if (!part.concat || part.concat.total === 1) return this.store([part]);
    const c = part.concat;
    const key = `${part.from}|${part.to}|${c.ref}|${c.total}`;
    const group = this.pending.get(key) ?? new Map<number, IncomingPart>();
    group.set(c.seq, part); // a resent part replaces the earlier copy
    this.pending.set(key, group);
    if (group.size < c.total) return null;
    this.pending.delete(key);
    return this.store([...group.values()].sort((a, b) => a.concat!.seq - b.concat!.seq));
  }

  /** Records the handset's final state for one part; the entry follows its parts. */
  markFinal(messageId: string, final: FinalState): void {
    const rec = this.parts.get(messageId);
    if (!rec) return;
    rec.final = final;
    if (!rec.entry) return;
    const before = rec.entry.state;
    this.refresh(rec.entry);
    if (rec.entry.state !== before) this.onChange(rec.entry);
  }

  inbox(msisdn: string): InboxEntry[] {
    return this.inboxes.get(normalizeMsisdn(msisdn)) ?? [];
  }

  clear(msisdn: string): void {
    this.inboxes.delete(normalizeMsisdn(msisdn));
  }

  reset(): void {
    this.inboxes.clear();
    this.pending.clear();
    this.parts.clear();
  }

  private store(parts: IncomingPart[]): InboxEntry {
    const first = parts[0];
    const entry: InboxEntry = {
      id: first.messageId,
      partIds: parts.map((p) => p.messageId),
      from: first.from,
      to: first.to,
      text: decodeText(first.dataCoding, Buffer.concat(parts.map((p) => p.payload))),
      dataCoding: first.dataCoding,
      parts: parts.length,
      receivedAt: new Date().toISOString(),
      state: 'ENROUTE',
      serviceType: first.serviceType,
      systemId: first.systemId,
    };
    if (first.ussdServiceOp !== undefined) entry.ussdServiceOp = first.ussdServiceOp;
    for (const p of parts) {
      const rec = this.parts.get(p.messageId);
      if (rec) rec.entry = entry;
    }
    this.refresh(entry);
    const key = normalizeMsisdn(first.to);
    const inbox = this.inboxes.get(key) ?? [];
    inbox.push(entry);
    if (inbox.length > INBOX_LIMIT) inbox.splice(0, inbox.length - INBOX_LIMIT);
    this.inboxes.set(key, inbox);
    this.onChange(entry);
    return entry;
  }

  private refresh(entry: InboxEntry): void {
    const finals = entry.partIds.map((id) => this.parts.get(id)?.final);
    if (finals.includes('UNDELIVERABLE')) entry.state = 'UNDELIVERABLE';
    else if (finals.includes('EXPIRED')) entry.state = 'EXPIRED';
    else if (finals.every((f) => f === 'DELIVERED')) entry.state = 'DELIVERED';
  }
}
