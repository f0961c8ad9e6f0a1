// One ESME connection as the SMSC sees it: bind state, the listener it came in on, and the raw
// writes that crafted PDUs need next to the library's own encoder.
import type { PDU, Session } from 'smpp';
import type { BindMode } from './protocol';

/** node-smpp internals the simulator relies on (see writeRequest). */
interface LibrarySession {
  sequence: number;
  _callbacks: Record<number, (pdu: PDU) => void>;
}

/** Where a connection came in: the local port of its listener, and whether that speaks TLS. */
export interface ListenerInfo {
  port: number;
  tls: boolean;
}

export class EsmeSession {
  readonly connectedAt = new Date().toISOString();
  systemId: string | null = null;
  mode: BindMode | null = null;
  canSubmit = false;
  canReceive = false;
  boundAt: string | null = null;
  state: 'open' | 'bound' | 'unbinding' | 'closed' = 'open';
  inflight = 0; // deliver_sm awaiting a response, for the delivery window
  readonly counters = { submits: 0, deliverSent: 0, deliverAcked: 0, enquireLinks: 0 };

  constructor(
    readonly id: number,
    readonly link: Session,
    readonly listener: ListenerInfo,
  ) {}

  /** Octets exactly as given (bad-input probes); false when the socket cannot take them. */
  writeRaw(octets: Buffer): boolean {
    if (!this.link.socket.writable) return false;
    this.link.socket.write(octets);
    return true;
  }

  /**
   * Writes pre-encoded request octets under the session's next sequence number, taken from the
   * library's own counter so the two never collide; the ESME's answer (its *_resp or a
   * generic_nack) reaches `onResponse` as the answer to a library-sent request would. Null when the
   * socket cannot take it.
   */
  writeRequest(octets: Buffer, onResponse: (pdu: PDU) => void): number | null {
    if (!this.link.socket.writable) return null;
    const link = this.link as unknown as LibrarySession;
    if (link.sequence === 0x7fffffff) link.sequence = 0; // the library wraps here too
    const seq = ++link.sequence;
    const bytes = Buffer.from(octets);
    bytes.writeUInt32BE(seq, 12);
    link._callbacks[seq] = onResponse;
    this.link.socket.write(bytes);
    return seq;
  }

  /** The library keeps response callbacks forever; a request given up on must drop its own. */
  forgetResponse(seq: number): void {
    delete (this.link as unknown as LibrarySession)._callbacks[seq];
  }

  view() {
    return {
      id: this.id,
      systemId: this.systemId,
      mode: this.mode,
      remoteAddress: this.link.remoteAddress,
      remotePort: this.link.remotePort,
      listenerPort: this.listener.port,
      tls: this.listener.tls,
      connectedAt: this.connectedAt,
      boundAt: this.boundAt,
      inflight: this.inflight,
      counters: { ...this.counters },
    };
  }
}
