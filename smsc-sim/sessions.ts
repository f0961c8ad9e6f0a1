// The SMPP 3.4 server side: binds (binds.ts), session state per connection on every listener
// (listeners.ts), enquire_link, unbind, generic_nack, and the hand-off of submit_sm. One bad
// connection never affects another.
import * as smpp from 'smpp';
import type { PDU, PDUFields, Session } from 'smpp';
import { BindLog, bindStatus } from './binds';
import type { SimConfig } from './config';
import type { Counters } from './counters';
import { EsmeSession } from './esme-session';
import type { Faults } from './faults';
import { type Listener, type ListeningAddresses, Listeners } from './listeners';
import { log } from './log';
import { BIND_COMMANDS, pduString, STATUS, statusName } from './protocol';

export interface SubmitOutcome {
  status: number;
  messageId?: string;
  /** Runs once the submit_sm_resp has been handed to the socket (receipts must not overtake it). */
  afterResponse?: () => void;
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
  readonly bindLog = new BindLog();
  private readonly listeners: Listeners;
  private nextId = 0;

  constructor(
    private readonly config: SimConfig,
    private readonly counters: Counters,
    private readonly faults: Faults,
    private readonly hooks: SmscHooks,
  ) {
    this.listeners = new Listeners(config, (link, listener) => this.accept(link, listener));
  }

  listen(): Promise<ListeningAddresses> {
    return this.listeners.listen();
  }

  bound(): EsmeSession[] {
    return [...this.sessions].filter((s) => s.state === 'bound');
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
    await this.listeners.close();
  }

  private accept(link: Session, listener: Listener): void {
    if (this.faults.isListenerDown(listener.port)) {
      // Like an SMSC whose SMPP front is down behind an open port: accepted, then closed at once.
      this.counters.connections_refused++;
      log.debug('connection refused: listener down', { port: listener.port, remote: `${link.remoteAddress}:${link.remotePort}` });
      link.on('error', () => {});
      link.destroy();
      return;
    }
    const esme = new EsmeSession(++this.nextId, link, { port: listener.port, tls: listener.tls });
    this.sessions.add(esme);
    link.socket.setNoDelay(true);
    log.debug('connection', { session: esme.id, port: listener.port, tls: listener.tls, remote: `${link.remoteAddress}:${link.remotePort}` });
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
    const status = bindStatus(this.config, this.faults, esme, pdu);
    this.bindLog.record(esme, pdu, status);
    if (status !== STATUS.ESME_ROK) {
      this.counters.bind_failures++;
      log.info('bind refused', { session: esme.id, systemId, command: pdu.command, status: statusName(status) });
      return this.reply(esme, errorResponse(pdu, status));
    }
    Object.assign(esme, { systemId, mode: spec.mode, canSubmit: spec.canSubmit, canReceive: spec.canReceive });
    esme.state = 'bound';
    esme.boundAt = new Date().toISOString();
    this.counters.binds++;
    log.info('bound', { session: esme.id, systemId, mode: spec.mode, port: esme.listener.port, tls: esme.listener.tls, remote: esme.link.remoteAddress });
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
    // slowSubmitResponseMs delays this answer only, so an ESME's submit timeout can fire while its
    // enquire_link keeps being answered; the late answer is still sent (SMSCs do not drop them).
    this.reply(esme, pdu.response(fields), this.faults.submitResponseDelayMs, outcome.afterResponse);
  }
}
