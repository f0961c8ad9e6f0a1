/**
 * Reassembly of inbound concatenated messages (DESIGN §4).
 *
 * A part belongs to a message identified by sender, service number (destination), reference AND
 * total: references are only 8 bits and wrap quickly per sender, so two different messages with
 * the same reference but a different part count must not be mixed.
 *
 * The whole message must arrive within ttlMs of its first part. Counting from the first part
 * (not the latest) keeps entries in Map insertion order = age order, so expiry and the
 * maxPending bound both just drop from the front.
 */
export interface ConcatKey {
  source: string;
  destination: string;
  ref: number;
  total: number;
}

export type AddPartResult = { complete: true; payloads: Buffer[] } | { complete: false };

interface PendingMessage {
  firstPartAt: number;
  parts: (Buffer | undefined)[];
  received: number;
}

export class Reassembler {
  private readonly ttlMs: number;
  private readonly maxPending: number;
  private readonly pending = new Map<string, PendingMessage>();

  constructor(opts: { ttlMs: number; maxPending: number }) {
    if (!(opts.maxPending >= 1)) throw new RangeError('maxPending must be at least 1');
    this.ttlMs = opts.ttlMs;
    this.maxPending = opts.maxPending;
  }

  get pendingCount(): number {
    return this.pending.size;
  }

  /**
   * Returns the payloads in seq order once every part is in. A duplicate part (the SMSC
   * redelivers when our deliver_sm_resp was lost) replaces the earlier copy.
   * Throws RangeError when seq is outside 1..total (parseUdh already rejects those).
   */
  add(key: ConcatKey, seq: number, payload: Buffer, now: number): AddPartResult {
    const { total } = key;
    if (!Number.isInteger(total) || total < 1) throw new RangeError(`total ${total} must be >= 1`);
    if (!Number.isInteger(seq) || seq < 1 || seq > total) throw new RangeError(`seq ${seq} out of range 1..${total}`);
    if (total === 1) return { complete: true, payloads: [payload] };

    const id = keyId(key);
    let message = this.pending.get(id);
    if (message && this.isExpired(message, now)) {
      // The reference has wrapped and is reused by a new message; the old parts are stale.
      this.pending.delete(id);
      message = undefined;
    }
    if (!message) {
      this.makeRoom();
      message = { firstPartAt: now, parts: new Array<Buffer | undefined>(total).fill(undefined), received: 0 };
      this.pending.set(id, message);
    }

    if (message.parts[seq - 1] === undefined) message.received++;
    message.parts[seq - 1] = payload;
    if (message.received < total) return { complete: false };

    this.pending.delete(id);
    return { complete: true, payloads: message.parts as Buffer[] };
  }

  /** Drops messages whose first part is ttlMs or more old; returns how many were dropped. */
  evictExpired(now: number): number {
    let evicted = 0;
    for (const [id, message] of this.pending) {
      if (!this.isExpired(message, now)) break; // insertion order = age order
      this.pending.delete(id);
      evicted++;
    }
    return evicted;
  }

  private isExpired(message: PendingMessage, now: number): boolean {
    return now - message.firstPartAt >= this.ttlMs;
  }

  private makeRoom(): void {
    while (this.pending.size >= this.maxPending) {
      const oldest = this.pending.keys().next().value as string;
      this.pending.delete(oldest);
    }
  }
}

// JSON keeps the fields unambiguous whatever characters the addresses contain.
const keyId = (key: ConcatKey): string => JSON.stringify([key.source, key.destination, key.ref, key.total]);
