import { EventEmitter } from 'node:events';
import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import type { Logger } from 'pino';
import { RequestWindow } from './window';
import { reconnectDelay } from './backoff';
import { STATUS, statusName } from './status';
import { errorResponseFor, isMalformed, smpp } from './library';
import { NotBoundError, SmppRequestError, SmppTimeoutError } from './session-errors';

export type BindCommand = 'bind_transceiver' | 'bind_receiver' | 'bind_transmitter';

export interface EsmeSessionOptions {
  name: string;
  host: string;
  port: number;
  /** smpps://: TLS with the certificate verified (never a fallback to clear text). */
  tls: boolean;
  tlsCaFile: string | null;
  systemId: string;
  password: string;
  systemType: string;
  addrTon: number;
  addrNpi: number;
  addressRange: string;
  bind: BindCommand;
  enquireLinkMs: number;
  enquireLinkTimeoutMs: number;
  responseTimeoutMs: number;
  connectTimeoutMs: number;
  window: number;
  reconnectBaseMs: number;
  reconnectMaxMs: number;
  /** A link must stay bound this long before the back-off starts again from reconnectBaseMs. */
  stableAfterMs: number;
  /** Delay after a bind refused for its credentials. */
  credentialRetryMs: number;
  /** How long a response that missed responseTimeoutMs is still awaited (SmppTimeoutError.late). */
  lateResponseGraceMs: number;
  log: Logger;
  /** Answers an inbound deliver_sm/data_sm; must not throw. */
  onDeliver?: (pdu: smpp.PDU, link: LinkInfo) => Promise<DeliverAnswer>;
  /** A PDU refused or answered with an error because it could not be decoded (for metrics). */
  onRefused?: (reason: string) => void;
}

/** One bind incarnation: `id` changes with every bind, so "the link that carried it" is precise. */
export interface LinkInfo {
  id: string;
  session: string;
  boundAt: number;
}

export interface DeliverAnswer {
  status: number;
  /** Called right after the deliver_sm_resp was handed to the socket (false: the link was gone). */
  answered?: (sent: boolean, latencyMs: number) => void;
}

// The errors a session's requests fail with have their own module (session-errors.ts), so that
// callers can tell them apart without importing the session itself (`npm run lint`).
export { NotBoundError, SmppRequestError, SmppTimeoutError } from './session-errors';

export type SessionState = 'idle' | 'connecting' | 'binding' | 'bound' | 'refused' | 'stopped';

/** bind_resp statuses that say the account itself is wrong: retried slowly, never hammered. */
export const CREDENTIAL_REFUSALS: ReadonlySet<number> = new Set([STATUS.ESME_RINVPASWD, STATUS.ESME_RINVSYSID, STATUS.ESME_RINVSYSTYP]);

export interface SessionStatus {
  name: string;
  bind: BindCommand;
  state: SessionState;
  since: number;
  link: LinkInfo | null;
  outstanding: number;
  lastError: string | null;
  /** Set while binds are refused for their credentials: the status name and the next attempt. */
  refused: { status: string; retryAt: number } | null;
}

/**
 * One ESME session to an SMSC, doing what node-smpp does not (SMPP 3.4 §2.2-§2.8): binds and rebinds
 * with exponential back-off and jitter (reset only after the link has been stable, so a link that
 * binds and drops at once still backs off), retries refused credentials slowly, sends its own
 * enquire_link and treats a missing answer as a dead link, keeps a window of outstanding requests
 * whose slots free themselves on timeout (the library's response callbacks never expire), answers
 * every inbound request itself, and answers a well-framed PDU it cannot decode with an error on the
 * same link (library.ts turns such PDUs into `malformed` ones). Only broken framing or a socket error
 * is fatal: node-smpp stops reading after those.
 *
 * Events: 'bound', 'unbound' (reason), 'state'.
 */
export class EsmeSession extends EventEmitter {
  private session: smpp.Session | null = null;
  private state: SessionState = 'idle';
  private since = Date.now();
  private link: LinkInfo | null = null;
  private lastError: string | null = null;
  private refused: SessionStatus['refused'] = null;
  private attempt = 0;
  private reconnectTimer: NodeJS.Timeout | null = null;
  private stableTimer: NodeJS.Timeout | null = null;
  private enquireTimer: NodeJS.Timeout | null = null;
  private window: RequestWindow;
  private inboundInFlight = 0;
  /** Rejecters of requests awaiting a response: node-smpp never fails them when the link drops. */
  private readonly pending = new Set<(err: Error) => void>();
  /** Late-response waiters, resolved with null when the link drops. */
  private readonly lateWaiters = new Set<(pdu: smpp.PDU | null) => void>();
  /** Set once stop() begins; inbound deliver_sm are then refused with a temporary error. */
  private draining = false;
  readonly counters = { binds: 0, bindFailures: 0, reconnects: 0, enquireLinkTimeouts: 0, sessionErrors: 0, requestTimeouts: 0, lateResponses: 0, malformed: 0 };

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

  /** Transceivers and transmitters carry submit_sm; a receiver alone cannot answer anybody. */
  get canTransmit(): boolean {
    return this.opts.bind !== 'bind_receiver';
  }

  get outstanding(): number {
    return this.window.outstanding;
  }

  status(): SessionStatus {
    return {
      name: this.opts.name,
      bind: this.opts.bind,
      state: this.state,
      since: this.since,
      link: this.link,
      outstanding: this.window.outstanding,
      lastError: this.lastError,
      refused: this.refused,
    };
  }

  start(): void {
    if (this.state !== 'idle') return;
    this.connect();
  }

  /**
   * Sends a request through the window and resolves with its response; rejects with
   * SmppRequestError on a non-zero status, SmppTimeoutError when no answer comes in time (its
   * `late` promise still delivers an answer that comes within lateResponseGraceMs).
   */
  async request(command: string, fields: smpp.PDUFields): Promise<smpp.PDU> {
    const slot = await this.window.acquire();
    const session = this.session;
    if (!session || this.state !== 'bound') {
      slot.release();
      throw new NotBoundError(this.opts.name);
    }
    return new Promise<smpp.PDU>((resolve, reject) => {
      let lateHandler: ((pdu: smpp.PDU | null) => void) | null = null;
      const fail = (err: Error): void => {
        this.pending.delete(fail);
        slot.release();
        reject(err);
      };
      this.pending.add(fail);
      slot.onTimeout(() => {
        this.counters.requestTimeouts++;
        const late = new Promise<smpp.PDU | null>((resolveLate) => {
          const timer = setTimeout(() => settle(null), this.opts.lateResponseGraceMs);
          const settle = (pdu: smpp.PDU | null): void => {
            clearTimeout(timer);
            this.lateWaiters.delete(settle);
            lateHandler = null;
            resolveLate(pdu);
          };
          lateHandler = settle;
          this.lateWaiters.add(settle);
        });
        fail(new SmppTimeoutError(command, late));
      });
      const pdu = new smpp.PDU(command, fields);
      session.send(
        pdu,
        (resp) => {
          if (slot.timedOut) {
            // SMPP 3.4 §2.6: a response is a response whenever it comes; the caller decides.
            this.counters.lateResponses++;
            lateHandler?.(resp);
            return;
          }
          if (!this.pending.has(fail)) return;
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
    this.clearTimers();
    const session = this.session;
    const wasBound = this.state === 'bound';
    this.setState('stopped');
    if (!session) return;
    await this.waitForInbound(this.opts.responseTimeoutMs);
    if (wasBound && !session.closed) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(this.opts.responseTimeoutMs, 3000));
        const done = (): void => {
          clearTimeout(timer);
          resolve();
        };
        session.send(new smpp.PDU('unbind', {}), done, undefined, done);
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
    for (const settle of [...this.lateWaiters]) settle(null);
  }

  private async waitForInbound(deadlineMs: number): Promise<void> {
    const until = Date.now() + deadlineMs;
    while (this.inboundInFlight > 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
  }

  private setState(s: SessionState): void {
    if (this.state !== s) this.since = Date.now();
    this.state = s;
    this.emit('state', s);
  }

  private clearTimers(): void {
    for (const t of [this.reconnectTimer, this.stableTimer, this.enquireTimer]) if (t) clearTimeout(t);
    this.reconnectTimer = this.stableTimer = this.enquireTimer = null;
  }

  private connect(): void {
    this.setState('connecting');
    const { host, port, tls } = this.opts;
    const session = smpp.connect({
      host,
      port,
      connectTimeout: this.opts.connectTimeoutMs,
      ...(tls
        ? {
            tls: true,
            // node-smpp turns verification off unless told: a carrier's password must never go to
            // a peer whose certificate does not verify.
            rejectUnauthorized: true,
            ...(this.opts.tlsCaFile ? { ca: readFileSync(this.opts.tlsCaFile) } : {}),
            ...(isIP(host) ? {} : { servername: host }),
          }
        : {}),
    } as smpp.SessionOptions);
    this.session = session;
    // With TLS, 'connect' is the TCP connection; the bind waits for the verified handshake.
    session.on(tls ? 'secureConnect' : 'connect', () => {
      // SMPP is request/response of small PDUs: Nagle's algorithm would hold each answer ~40 ms.
      session.socket.setNoDelay(true);
      this.bind(session);
    });
    session.on('error', (err: Error) => {
      // Framing errors and socket errors: node-smpp stops reading this socket after either.
      this.counters.sessionErrors++;
      this.lastError = err.message;
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
        addr_ton: this.opts.addrTon,
        addr_npi: this.opts.addrNpi,
        address_range: this.opts.addressRange,
      }),
      (resp) => {
        clearTimeout(timer);
        if (this.session !== session || this.state === 'stopped') return;
        if (resp.command_status !== STATUS.ESME_ROK) {
          this.counters.bindFailures++;
          const status = statusName(resp.command_status);
          this.lastError = `bind refused: ${status}`;
          if (CREDENTIAL_REFUSALS.has(resp.command_status)) {
            this.refused = { status, retryAt: Date.now() + this.opts.credentialRetryMs };
            this.opts.log.error({ session: this.opts.name, status, retryInMs: this.opts.credentialRetryMs }, 'bind refused for its credentials; retrying slowly');
          } else {
            this.opts.log.error({ session: this.opts.name, status }, 'bind refused');
          }
          this.drop(session, this.lastError);
          return;
        }
        this.refused = null;
        this.lastError = null;
        this.counters.binds++;
        const boundAt = Date.now();
        this.link = { id: `${this.opts.name}@${boundAt.toString(36)}`, session: this.opts.name, boundAt };
        this.setState('bound');
        // The back-off starts over only once this link has proved itself.
        this.stableTimer = setTimeout(() => {
          this.stableTimer = null;
          this.attempt = 0;
        }, this.opts.stableAfterMs);
        this.scheduleEnquireLink(session);
        this.opts.log.info({ session: this.opts.name, bind: this.opts.bind }, 'smpp bound');
        this.emit('bound');
      },
    );
  }

  private onPdu(session: smpp.Session, pdu: smpp.PDU): void {
    this.scheduleEnquireLink(session); // any traffic proves the link is alive
    if (isMalformed(pdu)) {
      this.counters.malformed++;
      this.opts.onRefused?.(pdu.malformed.reason);
      this.opts.log.warn({ session: this.opts.name, command: pdu.command, reason: pdu.malformed.reason }, 'undecodable PDU answered with an error');
      // A response we cannot read still reaches its request's callback (node-smpp matches by
      // sequence); a request is answered here, on the same link, and the session goes on.
      if (!pdu.isResponse()) session.send(errorResponseFor(pdu, pdu.malformed.status));
      return;
    }
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
    const link = this.link;
    if (this.draining || !this.opts.onDeliver || !link) {
      session.send(pdu.response({ command_status: STATUS.ESME_RX_T_APPN }));
      return;
    }
    const started = Date.now();
    this.inboundInFlight++;
    this.opts
      .onDeliver(pdu, link)
      .catch((): DeliverAnswer => ({ status: STATUS.ESME_RX_T_APPN }))
      .then((answer) => {
        this.inboundInFlight--;
        const sent = !session.closed && session.send(pdu.response({ command_status: answer.status })) !== false;
        answer.answered?.(sent, Date.now() - started);
      });
  }

  private scheduleEnquireLink(session: smpp.Session): void {
    if (this.state !== 'bound' || this.session !== session) return;
    if (this.enquireTimer) clearTimeout(this.enquireTimer);
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

  /** Tears the session down and, unless stopping, schedules a reconnect. */
  private drop(session: smpp.Session, reason: string): void {
    if (this.session !== session) return;
    this.session = null;
    this.link = null;
    if (this.enquireTimer) clearTimeout(this.enquireTimer);
    if (this.stableTimer) clearTimeout(this.stableTimer);
    this.enquireTimer = this.stableTimer = null;
    session.destroy();
    for (const fail of [...this.pending]) fail(new NotBoundError(this.opts.name));
    for (const settle of [...this.lateWaiters]) settle(null);
    this.window.close(new NotBoundError(this.opts.name));
    this.window = new RequestWindow({ size: this.opts.window, timeoutMs: this.opts.responseTimeoutMs });
    const wasBound = this.state === 'bound';
    if (this.state === 'stopped') return;
    if (wasBound) this.emit('unbound', reason);
    const delay = this.refused
      ? this.opts.credentialRetryMs
      : reconnectDelay(this.attempt++, { baseMs: this.opts.reconnectBaseMs, maxMs: this.opts.reconnectMaxMs });
    this.setState(this.refused ? 'refused' : 'idle');
    this.counters.reconnects++;
    this.opts.log.warn({ session: this.opts.name, reason, retryInMs: Math.round(delay) }, 'smpp session down');
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = null;
      if (this.state === 'idle' || this.state === 'refused') this.connect();
    }, delay);
  }
}
