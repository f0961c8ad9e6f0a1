import { EventEmitter } from 'node:events';
import * as smpp from 'smpp';
import type { Logger } from 'pino';
import { RequestWindow } from './window';
import { reconnectDelay } from './backoff';
import { STATUS, statusName } from './status';
import './library';

export type BindCommand = 'bind_transceiver' | 'bind_receiver' | 'bind_transmitter';

export interface EsmeSessionOptions {
  name: string;
  url: string;
  systemId: string;
  password: string;
  systemType: string;
  bind: BindCommand;
  enquireLinkMs: number;
  enquireLinkTimeoutMs: number;
  responseTimeoutMs: number;
  connectTimeoutMs: number;
  window: number;
  reconnectBaseMs: number;
  reconnectMaxMs: number;
  log: Logger;
  /** Answers an inbound deliver_sm with a command_status; must not throw. */
  onDeliver?: (pdu: smpp.PDU) => Promise<number>;
}

export class SmppRequestError extends Error {
  constructor(
    readonly command: string,
    readonly status: number,
  ) {
    super(`${command} answered ${statusName(status)}`);
    this.name = 'SmppRequestError';
  }
}

export class SmppTimeoutError extends Error {
  constructor(readonly command: string) {
    super(`${command}: no response in time`);
    this.name = 'SmppTimeoutError';
  }
}

export class NotBoundError extends Error {
  constructor(name: string) {
    super(`SMPP session ${name} is not bound`);
    this.name = 'NotBoundError';
  }
}

type State = 'idle' | 'connecting' | 'binding' | 'bound' | 'unbinding' | 'stopped';

/**
 * One ESME session to an SMSC, doing what node-smpp does not (DESIGN §4): binds and rebinds with
 * exponential back-off and jitter, sends its own enquire_link and treats a missing answer as a dead
 * link, keeps a window of outstanding requests whose slots free themselves on timeout (the library's
 * response callbacks never expire), answers every inbound request itself, and treats any session
 * `error` as fatal because the library stops reading after one unparseable PDU.
 *
 * Events: 'bound', 'unbound' (reason), 'state'.
 */
export class EsmeSession extends EventEmitter {
  private session: smpp.Session | null = null;
  private state: State = 'idle';
  private attempt = 0;
  private reconnectTimer: NodeJS.Timeout | null = null;
  private enquireTimer: NodeJS.Timeout | null = null;
  private window: RequestWindow;
  private inboundInFlight = 0;
  /** Rejecters of requests awaiting a response: node-smpp never fails them when the link drops. */
  private readonly pending = new Set<(err: Error) => void>();
  /** Set once stop() begins; inbound deliver_sm are then refused with a temporary error. */
  private draining = false;
  readonly counters = { binds: 0, bindFailures: 0, reconnects: 0, enquireLinkTimeouts: 0, sessionErrors: 0, requestTimeouts: 0 };

  constructor(private readonly opts: EsmeSessionOptions) {
    super();
    this.window = new RequestWindow({ size: opts.window, timeoutMs: opts.responseTimeoutMs });
  }

  get name(): string {
    return this.opts.name;
  }

  get bound(): boolean {
    return this.state === 'bound';
  }

  get outstanding(): number {
    return this.window.outstanding;
  }

  start(): void {
    if (this.state !== 'idle') return;
    this.connect();
  }

  /**
   * Sends a request through the window and resolves with its response; rejects with
   * SmppRequestError on a non-zero status, SmppTimeoutError when no answer comes in time.
   */
  async request(command: string, fields: smpp.PDUFields): Promise<smpp.PDU> {
    const slot = await this.window.acquire();
    const session = this.session;
    if (!session || this.state !== 'bound') {
      slot.release();
      throw new NotBoundError(this.opts.name);
    }
    return new Promise<smpp.PDU>((resolve, reject) => {
      const fail = (err: Error): void => {
        this.pending.delete(fail);
        slot.release();
        reject(err);
      };
      this.pending.add(fail);
      slot.onTimeout(() => {
        this.counters.requestTimeouts++;
        fail(new SmppTimeoutError(command));
      });
      const pdu = new smpp.PDU(command, fields);
      session.send(
        pdu,
        (resp) => {
          if (slot.timedOut || !this.pending.has(fail)) return;
          this.pending.delete(fail);
          slot.release();
          // A generic_nack from the peer also arrives here (node-smpp matches it by sequence).
          if (resp.command_status === STATUS.ESME_ROK && resp.command !== 'generic_nack') resolve(resp);
          else reject(new SmppRequestError(command, resp.command_status || STATUS.ESME_RINVCMDID));
        },
        undefined,
        (_failed, err) => fail(err ?? new NotBoundError(this.opts.name)),
      );
    });
  }

  /** Graceful stop: refuse new inbound work, unbind (bounded wait), close. */
  async stop(): Promise<void> {
    this.draining = true;
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    this.reconnectTimer = null;
    const session = this.session;
    const wasBound = this.state === 'bound';
    this.setState('stopped');
    this.clearEnquireLink();
    if (!session) return;
    await this.waitForInbound(this.opts.responseTimeoutMs);
    if (wasBound && !session.closed) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(this.opts.responseTimeoutMs, 3000));
        session.send(new smpp.PDU('unbind', {}), () => {
          clearTimeout(timer);
          resolve();
        }, undefined, () => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    await new Promise<void>((resolve) => {
      if (session.closed) return resolve();
      const timer = setTimeout(() => {
        session.destroy();
        resolve();
      }, 1000);
      session.close(() => {
        clearTimeout(timer);
        resolve();
      });
    });
    this.window.close(new NotBoundError(this.opts.name));
  }

  private async waitForInbound(deadlineMs: number): Promise<void> {
    const until = Date.now() + deadlineMs;
    while (this.inboundInFlight > 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
  }

  private setState(s: State): void {
    this.state = s;
    this.emit('state', s);
  }

  private connect(): void {
    this.setState('connecting');
    const session = smpp.connect({ url: this.opts.url, connectTimeout: this.opts.connectTimeoutMs });
    this.session = session;
    session.on('connect', () => {
      // SMPP is request/response of small PDUs: Nagle's algorithm would hold each answer ~40 ms.
      session.socket.setNoDelay(true);
      this.bind(session);
    });
    session.on('error', (err: Error) => {
      // Fatal by design: after a parse error node-smpp stops reading this socket.
      this.counters.sessionErrors++;
      this.opts.log.warn({ session: this.opts.name, err: err.message }, 'smpp session error');
      this.drop(session, `error: ${err.message}`);
    });
    session.on('close', () => this.drop(session, 'connection closed'));
    session.on('pdu', (pdu: smpp.PDU) => {
      // An exception thrown in a 'pdu' listener escapes node-smpp's socket handler and would kill
      // the process: contain it, and treat the session as broken.
      try {
        this.onPdu(session, pdu);
      } catch (err) {
        this.opts.log.error({ session: this.opts.name, command: pdu.command, err: (err as Error).message }, 'error handling inbound PDU');
        this.drop(session, 'internal error handling a PDU');
      }
    });
  }

  private bind(session: smpp.Session): void {
    this.setState('binding');
    const timer = setTimeout(() => this.drop(session, 'bind timed out'), this.opts.responseTimeoutMs);
    session.send(
      new smpp.PDU(this.opts.bind, {
        system_id: this.opts.systemId,
        password: this.opts.password,
        system_type: this.opts.systemType,
        interface_version: 0x34,
      }),
      (resp) => {
        clearTimeout(timer);
        if (this.session !== session || this.state === 'stopped') return;
        if (resp.command_status !== STATUS.ESME_ROK) {
          this.counters.bindFailures++;
          this.opts.log.error({ session: this.opts.name, status: statusName(resp.command_status) }, 'bind refused');
          this.drop(session, `bind refused: ${statusName(resp.command_status)}`);
          return;
        }
        this.attempt = 0;
        this.counters.binds++;
        this.setState('bound');
        this.scheduleEnquireLink(session);
        this.opts.log.info({ session: this.opts.name, bind: this.opts.bind }, 'smpp bound');
        this.emit('bound');
      },
    );
  }

  private onPdu(session: smpp.Session, pdu: smpp.PDU): void {
    this.scheduleEnquireLink(session); // any traffic proves the link is alive
    if (pdu.isResponse()) return;
    switch (pdu.command) {
      case 'enquire_link':
        session.send(pdu.response());
        return;
      case 'unbind':
        session.send(pdu.response());
        this.drop(session, 'SMSC unbound');
        return;
      case 'deliver_sm':
      case 'data_sm':
        this.answerDeliver(session, pdu);
        return;
      case 'alert_notification':
        return; // has no response in SMPP 3.4
      default:
        // generic_nack for unknown commands (pdu.response() picks it), ESME_RINVCMDID otherwise.
        session.send(pdu.command === 'unknown' ? pdu.response() : pdu.response({ command_status: STATUS.ESME_RINVCMDID }));
    }
  }

  private answerDeliver(session: smpp.Session, pdu: smpp.PDU): void {
    if (this.draining || !this.opts.onDeliver) {
      session.send(pdu.response({ command_status: STATUS.ESME_RX_T_APPN }));
      return;
    }
    this.inboundInFlight++;
    this.opts
      .onDeliver(pdu)
      .catch(() => STATUS.ESME_RX_T_APPN)
      .then((status) => {
        this.inboundInFlight--;
        if (!session.closed) session.send(pdu.response({ command_status: status }));
      });
  }

  private scheduleEnquireLink(session: smpp.Session): void {
    if (this.state !== 'bound' || this.session !== session) return;
    this.clearEnquireLink();
    this.enquireTimer = setTimeout(() => {
      const timeout = setTimeout(() => {
        this.counters.enquireLinkTimeouts++;
        this.opts.log.warn({ session: this.opts.name }, 'enquire_link unanswered: link presumed dead');
        this.drop(session, 'enquire_link timeout');
      }, this.opts.enquireLinkTimeoutMs);
      session.send(new smpp.PDU('enquire_link', {}), () => {
        clearTimeout(timeout);
      }, undefined, () => clearTimeout(timeout));
      this.enquireTimer = timeout;
    }, this.opts.enquireLinkMs);
  }

  private clearEnquireLink(): void {
    if (this.enquireTimer) clearTimeout(this.enquireTimer);
    this.enquireTimer = null;
  }

  /** Tears the session down and, unless stopping, schedules a reconnect with back-off and jitter. */
  private drop(session: smpp.Session, reason: string): void {
    if (this.session !== session) return;
    this.session = null;
    this.clearEnquireLink();
    session.destroy();
    for (const fail of [...this.pending]) fail(new NotBoundError(this.opts.name));
    this.window.close(new NotBoundError(this.opts.name));
    this.window = new RequestWindow({ size: this.opts.window, timeoutMs: this.opts.responseTimeoutMs });
    const wasBound = this.state === 'bound';
    if (this.state === 'stopped') return;
    if (wasBound) this.emit('unbound', reason);
    this.setState('idle');
    const delay = reconnectDelay(this.attempt++, { baseMs: this.opts.reconnectBaseMs, maxMs: this.opts.reconnectMaxMs });
    this.counters.reconnects++;
    this.opts.log.warn({ session: this.opts.name, reason, retryInMs: delay }, 'smpp session down');
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = null;
      if (this.state === 'idle') this.connect();
    }, delay);
  }
}
