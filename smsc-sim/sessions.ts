// The SMPP 3.4 server side: binds against accounts, session state per connection, enquire_link,
// unbind, generic_nack, and the hand-off of submit_sm. One bad connection never affects another.
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import * as smpp from 'smpp';
import type { PDU, PDUFields, Server, Session } from 'smpp';
import type { SimConfig } from './config';
import type { Counters } from './counters';
import type { Faults } from './faults';
import { log } from './log';
import { BIND_COMMANDS, type BindMode, pduString, STATUS, statusName } from './protocol';

export interface SubmitOutcome {
  status: number;
  messageId?: string;
  /** Runs once the submit_sm_resp has been handed to the socket (receipts must not overtake it). */
  afterResponse?: () => void;
}

/** node-smpp internals the simulator relies on (see writeRequest). */
interface LibrarySession {
  sequence: number;
  _callbacks: Record<number, (pdu: PDU) => void>;
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
      connectedAt: this.connectedAt,
      boundAt: this.boundAt,
      inflight: this.inflight,
      counters: { ...this.counters },
    };
  }
}

export interface SmscHooks {
  onSubmit(esme: EsmeSession, pdu: PDU): SubmitOutcome;
  onBound(esme: EsmeSession): void;
  onClosed(esme: EsmeSession): void;
  /** Every PDU the library read (in) or wrote (out) on a connection, for the PDU log. */
  onPdu(dir: 'in' | 'out', esme: EsmeSession, pdu: PDU): void;
  /** Octets that could not be read as a PDU; the connection is closed after this. */
  onUnparseable(esme: EsmeSession, reason: string): void;
}

/** A response carrying only a status; commands without a *_resp get generic_nack (§4.3). */
function errorResponse(pdu: PDU, status: number): PDU {
  if (smpp.commands[`${pdu.command}_resp`]) return pdu.response({ command_status: status });
  return new smpp.PDU('generic_nack', { sequence_number: pdu.sequence_number, command_status: status });
}

/** A request whose body stops before its last mandatory parameter. */
function isTruncated(pdu: PDU): boolean {
  const params = smpp.commands[pdu.command]?.params ?? {};
  return Object.keys(params).some((key) => pdu[key] === undefined);
}

export class SmppFront {
  readonly sessions = new Set<EsmeSession>();
  private readonly server: Server;
  private nextId = 0;

  constructor(
    private readonly config: SimConfig,
    private readonly counters: Counters,
    private readonly faults: Faults,
    private readonly hooks: SmscHooks,
  ) {
    this.server = smpp.createServer({}, (link) => this.accept(link));
    this.server.on('error', (err) => log.error('smpp server error', { error: err.message }));
  }

  listen(): Promise<AddressInfo> {
    return new Promise((resolve, reject) => {
      const onError = (err: Error) => reject(new Error(`cannot listen for SMPP on ${this.config.host}:${this.config.smppPort}: ${err.message}`));
      this.server.once('error', onError);
      this.server.listen(this.config.smppPort, this.config.host, () => {
        this.server.off('error', onError);
        resolve(this.server.address() as AddressInfo);
      });
    });
  }

  bound(): EsmeSession[] {
    return [...this.sessions].filter((s) => s.state === 'bound');
  }

  /** Fault: every ESME connection is cut without unbind. */
  dropAll(): number {
    const all = [...this.sessions];
    for (const s of all) s.link.destroy();
    return all.length;
  }

  /** Fault: octets no SMPP parser can frame (command_length ≥ 0xFF000000). */
  garbageAll(): number {
    let n = 0;
    for (const s of this.sessions) {
      if (!s.link.socket.writable) continue;
      const junk = randomBytes(64);
      junk[0] = 0xff;
      s.link.socket.write(junk);
      n++;
    }
    return n;
  }

  /** Graceful stop (SMPP 3.4 §4.2): unbind every bound ESME, wait for unbind_resp or the deadline. */
  async shutdown(deadlineMs: number): Promise<void> {
    const waits = this.bound().map(
      (s) =>
        new Promise<void>((resolve) => {
          s.state = 'unbinding';
          const finish = () => {
            clearTimeout(timer);
            s.link.destroy();
            resolve();
          };
          const timer = setTimeout(finish, deadlineMs);
          if (!s.link.send(new smpp.PDU('unbind', {}), finish)) finish();
        }),
    );
    await Promise.all(waits);
    for (const s of this.sessions) s.link.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private accept(link: Session): void {
    const esme = new EsmeSession(++this.nextId, link);
    this.sessions.add(esme);
    link.socket.setNoDelay(true);
    log.debug('connection', { session: esme.id, remote: `${link.remoteAddress}:${link.remotePort}` });
    link.on('error', (err: Error & { syscall?: string }) => {
      // Socket errors carry a syscall; everything else was thrown by the PDU parser, after which
      // the library stops reading this connection for good.
      if (err.syscall) {
        log.debug('socket error', { session: esme.id, error: err.message });
      } else {
        this.counters.pdu_errors++;
        log.warn('unparseable PDU, closing the connection', { session: esme.id, error: err.message });
        this.hooks.onUnparseable(esme, err.message);
      }
      link.destroy();
    });
    link.on('close', () => {
      if (esme.state === 'bound') this.counters.sessions_dropped++;
      esme.state = 'closed';
      this.sessions.delete(esme);
      log.info('session closed', { session: esme.id, systemId: esme.systemId });
      this.hooks.onClosed(esme);
    });
    // 'send' comes once the octets are handed to the socket, so the log shows what really went out.
    link.on('send', (pdu: PDU) => {
      try {
        this.hooks.onPdu('out', esme, pdu);
      } catch (err) {
        log.error('PDU log failed', { session: esme.id, error: (err as Error).stack });
      }
    });
    link.on('pdu', (pdu: PDU) => {
      try {
        this.hooks.onPdu('in', esme, pdu);
        this.dispatch(esme, pdu);
      } catch (err) {
        // The library emits 'pdu' outside its own try: a throw here would kill the process.
        log.error('handler failed, closing the connection', { session: esme.id, command: pdu.command, error: (err as Error).stack });
        link.destroy();
      }
    });
  }

  /** Stops reading, ends our side, and destroys the socket if the peer has not closed in 2 s. */
  private endSession(esme: EsmeSession): void {
    esme.link.pause();
    esme.link.close();
    setTimeout(() => esme.link.destroy(), 2000).unref();
  }

  private reply(esme: EsmeSession, pdu: PDU, delayMs = 0, afterSend?: () => void): void {
    const send = () => {
      if (pdu.command === 'generic_nack') this.counters.generic_nacks++;
      esme.link.send(pdu);
      afterSend?.();
    };
    if (delayMs > 0) setTimeout(send, delayMs);
    else send();
  }

  private dispatch(esme: EsmeSession, pdu: PDU): void {
    log.debug('pdu in', { session: esme.id, command: pdu.command, seq: pdu.sequence_number });
    if (pdu.command === 'unknown') return this.reply(esme, pdu.response()); // generic_nack ESME_RINVCMDID
    if (pdu.command === 'generic_nack') this.counters.generic_nacks_received++;
    if (pdu.isResponse()) return; // answers to our deliver_sm/unbind reach their callbacks
    if (isTruncated(pdu)) {
      // command_length ended before the mandatory fields did (§3.1): the library fills nothing in
      // and reads on, so treat it as the malformed PDU it is.
      this.counters.pdu_errors++;
      log.warn('truncated PDU, closing the connection', { session: esme.id, command: pdu.command, length: pdu.command_length });
      this.reply(esme, new smpp.PDU('generic_nack', { sequence_number: pdu.sequence_number, command_status: STATUS.ESME_RINVCMDLEN }));
      this.endSession(esme); // read nothing more from a stream whose framing is no longer trusted
      return;
    }
    const bind = BIND_COMMANDS[pdu.command];
    if (bind) return this.bind(esme, pdu, bind);
    // Answered in any state: SMPP v5.0 §2.4 allows enquire_link before bind, and an ESME probing
    // a link it has not bound yet should learn the link is alive.
    if (pdu.command === 'enquire_link') return this.enquireLink(esme, pdu);
    if (esme.state !== 'bound') return this.reply(esme, errorResponse(pdu, STATUS.ESME_RINVBNDSTS));
    switch (pdu.command) {
      case 'unbind':
        this.counters.unbinds++;
        esme.state = 'unbinding';
        log.info('unbind', { session: esme.id, systemId: esme.systemId });
        this.reply(esme, pdu.response());
        this.endSession(esme); // §4.2: after unbind_resp the session is over
        return;
      case 'submit_sm':
        return this.submit(esme, pdu);
      default:
        return this.reply(esme, errorResponse(pdu, STATUS.ESME_RINVCMDID));
    }
  }

  private bind(esme: EsmeSession, pdu: PDU, spec: (typeof BIND_COMMANDS)[string]): void {
    const systemId = pduString(pdu, 'system_id');
    const account = this.config.accounts.find((a) => a.systemId === systemId);
    let status: number = STATUS.ESME_ROK;
    if (esme.state !== 'open') status = STATUS.ESME_RALYBND;
    else if (!account) status = STATUS.ESME_RINVSYSID;
    else if (account.password !== pduString(pdu, 'password')) status = STATUS.ESME_RINVPASWD;
    if (status !== STATUS.ESME_ROK) {
      this.counters.bind_failures++;
      log.info('bind refused', { session: esme.id, systemId, command: pdu.command, status: statusName(status) });
      return this.reply(esme, errorResponse(pdu, status));
    }
    Object.assign(esme, { systemId, mode: spec.mode, canSubmit: spec.canSubmit, canReceive: spec.canReceive });
    esme.state = 'bound';
    esme.boundAt = new Date().toISOString();
    this.counters.binds++;
    log.info('bound', { session: esme.id, systemId, mode: spec.mode, remote: esme.link.remoteAddress });
    // sc_interface_version 0x34: this SMSC speaks SMPP 3.4 (§5.3.2.25).
    this.reply(esme, pdu.response({ system_id: 'smsc-sim', sc_interface_version: 0x34 }));
    this.hooks.onBound(esme);
  }

  private enquireLink(esme: EsmeSession, pdu: PDU): void {
    this.counters.enquire_links++;
    esme.counters.enquireLinks++;
    if (this.faults.state.ignoreEnquireLink) return;
    this.reply(esme, pdu.response(), this.faults.state.slowResponseMs);
  }

  private submit(esme: EsmeSession, pdu: PDU): void {
    if (!esme.canSubmit) return this.reply(esme, errorResponse(pdu, STATUS.ESME_RINVBNDSTS));
    esme.counters.submits++;
    const outcome = this.hooks.onSubmit(esme, pdu);
    const fields: PDUFields = outcome.status ? { command_status: outcome.status } : { message_id: outcome.messageId };
    this.reply(esme, pdu.response(fields), this.faults.state.slowResponseMs, outcome.afterResponse);
  }
}
