// A test ESME: a plain node-smpp client session plus what tests need around it — every PDU kept,
// the raw octets of every inbound PDU (read off the socket, so assertions do not depend on how
// this process's copy of the library decodes), and waiting with deadlines instead of sleeps.
import { EventEmitter } from 'node:events';
import * as smpp from 'smpp';
import type { PDU, PDUFields, Session } from 'smpp';
import { type RawPdu, RawFramer } from './wire';

export interface Esme {
  session: Session;
  pdus: PDU[];
  raw: RawPdu[];
  /** Status to answer each inbound deliver_sm with; null leaves it unanswered. Default 0. */
  deliverStatus: (pdu: PDU) => number | null;
  /** Like a careful ESME: close the connection after octets the library cannot read. Default false. */
  dropOnError: boolean;
  request(command: string, fields?: PDUFields, timeoutMs?: number): Promise<PDU>;
  waitFor(what: string, pred: (pdu: PDU) => boolean, timeoutMs?: number): Promise<PDU>;
  waitForRaw(what: string, pred: (pdu: RawPdu) => boolean, timeoutMs?: number): Promise<RawPdu>;
  waitClosed(timeoutMs?: number): Promise<void>;
  closed(): boolean;
  destroy(): void;
}

export function deadline<T>(what: string, ms: number, start: (done: (v: T) => void) => () => void): Promise<T> {
  return new Promise((resolve, reject) => {
    let cleanup: () => void = () => {};
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error(`timed out after ${ms} ms waiting for ${what}`));
    }, ms);
    cleanup = start((v) => {
      clearTimeout(timer);
      cleanup();
      resolve(v);
    });
  });
}

export interface ConnectOptions {
  /** SMPP over TLS; with `ca` the server's certificate is verified against it (else not checked). */
  tls?: boolean;
  ca?: string;
}

export function connect(port: number, opts: ConnectOptions = {}): Promise<Esme> {
  return new Promise((resolve, reject) => {
    const tls = opts.tls ? { tls: true, ...(opts.ca ? { ca: opts.ca, rejectUnauthorized: true, servername: 'localhost' } : {}) } : {};
    const session = smpp.connect({ host: '127.0.0.1', port, connectTimeout: 5000, ...tls });
    const events = new EventEmitter();
    const framer = new RawFramer();
    const esme: Esme = {
      session,
      pdus: [],
      raw: [],
      deliverStatus: () => 0,
      dropOnError: false,
      request(command, fields = {}, timeoutMs = 5000) {
        return deadline(`${command}_resp`, timeoutMs, (done) => {
          const pdu = new smpp.PDU(command, fields);
          session.send(pdu, done);
          return () => {};
        });
      },
      waitFor(what, pred, timeoutMs = 5000) {
        return deadline(what, timeoutMs, (done) => {
          const hit = esme.pdus.find(pred);
          if (hit) {
            setImmediate(() => done(hit));
            return () => {};
          }
          const on = (pdu: PDU) => pred(pdu) && done(pdu);
          events.on('pdu', on);
          return () => events.off('pdu', on);
        });
      },
      waitForRaw(what, pred, timeoutMs = 5000) {
        return deadline(what, timeoutMs, (done) => {
          const hit = esme.raw.find(pred);
          if (hit) {
            setImmediate(() => done(hit));
            return () => {};
          }
          const on = (raw: RawPdu) => pred(raw) && done(raw);
          events.on('raw', on);
          return () => events.off('raw', on);
        });
      },
      waitClosed(timeoutMs = 5000) {
        return deadline('connection close', timeoutMs, (done) => {
          if (session.closed) {
            setImmediate(() => done(undefined));
            return () => {};
          }
          session.once('close', () => done(undefined));
          return () => {};
        });
      },
      closed: () => session.closed,
      destroy: () => session.destroy(),
    };
    // With a 'readable' listener in place (the library's), 'data' fires only for what the library
    // read() itself, so tapping it leaves the library's framing untouched.
    session.socket.on('data', (chunk: Buffer) => {
      for (const raw of framer.push(chunk)) {
        esme.raw.push(raw);
        events.emit('raw', raw);
      }
    });
    session.on('pdu', (pdu: PDU) => {
      esme.pdus.push(pdu);
      events.emit('pdu', pdu);
      if (pdu.command === 'deliver_sm') {
        const status = esme.deliverStatus(pdu);
        if (status !== null) session.send(pdu.response({ command_status: status }));
      }
      if (pdu.command === 'enquire_link') session.send(pdu.response());
      // SMPP 3.4 §4.3.1: a request with an unknown command_id gets generic_nack ESME_RINVCMDID.
      if (pdu.command === 'unknown' && !pdu.isResponse()) session.send(pdu.response());
    });
    session.on('error', () => {
      // the library stops reading after a parse error; tests observe the rest through close
      if (esme.dropOnError) session.destroy();
    });
    // Over TLS the session is usable once the handshake is done, not at the TCP connect.
    session.once(opts.tls ? 'secureConnect' : 'connect', () => resolve(esme));
    session.once('close', () => reject(new Error('connection closed before connect')));
  });
}

export interface BindOptions extends ConnectOptions {
  systemId?: string;
  password?: string;
  command?: 'bind_transceiver' | 'bind_receiver' | 'bind_transmitter';
  /** Extra bind fields (system_type, addr_ton, addr_npi, address_range). */
  fields?: PDUFields;
}

/** Connects and binds; rejects unless the bind answer is ESME_ROK. */
export async function bound(port: number, opts: BindOptions = {}): Promise<Esme> {
  const esme = await connect(port, opts);
  const resp = await esme.request(opts.command ?? 'bind_transceiver', {
    system_id: opts.systemId ?? 'simpair',
    password: opts.password ?? 'secret',
    ...opts.fields,
  });
  if (resp.command_status !== 0) throw new Error(`bind failed with status 0x${resp.command_status.toString(16)}`);
  return esme;
}
