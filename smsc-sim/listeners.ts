// The SMPP front ends: `listeners` plain TCP servers (the first on smppPort, the others on free
// ports) and, with tlsCert/tlsKey, one TLS server on smppsPort, as SMSCs that serve several nodes
// or offer SMPP over TLS do. node-smpp's createServer speaks TLS when given key and cert.
import type { AddressInfo } from 'node:net';
import * as smpp from 'smpp';
import type { Server, Session } from 'smpp';
import type { SimConfig } from './config';
import type { ListenerInfo } from './esme-session';
import { log } from './log';
import { readTls } from './tls';

export interface Listener extends ListenerInfo {
  readonly server: Server;
  /** The port asked for (0 = any free port); `port` is the one bound, once listening. */
  readonly wanted: number;
}

export interface ListeningAddresses {
  host: string;
  /** Every plain listener's port, the first (smppPort) first. */
  ports: number[];
  /** The TLS listener's port, when TLS is on. */
  tlsPort: number | null;
}

export class Listeners {
  readonly all: Listener[] = [];

  constructor(
    private readonly config: SimConfig,
    onSession: (link: Session, listener: Listener) => void,
  ) {
    const make = (wanted: number, tls: boolean): void => {
      const options = tls ? readTls(config.tlsCert!, config.tlsKey!) : {};
      const listener: Listener = { port: 0, tls, wanted, server: smpp.createServer(options, (link) => onSession(link, listener)) };
      listener.server.on('error', (err) => log.error('smpp server error', { port: listener.port, tls, error: err.message }));
      // A failed TLS handshake never becomes a session; without this it would only be logged by Node.
      listener.server.on('tlsClientError', (err: Error) => log.debug('tls handshake failed', { port: listener.port, error: err.message }));
      this.all.push(listener);
    };
    for (let i = 0; i < config.listeners; i++) make(i === 0 ? config.smppPort : 0, false);
    if (config.tlsCert && config.tlsKey) make(config.smppsPort, true);
  }

  async listen(): Promise<ListeningAddresses> {
    for (const l of this.all) await this.listenOne(l);
    return {
      host: (this.all[0].server.address() as AddressInfo).address,
      ports: this.all.filter((l) => !l.tls).map((l) => l.port),
      tlsPort: this.all.find((l) => l.tls)?.port ?? null,
    };
  }

  close(): Promise<void> {
    return Promise.all(this.all.map((l) => new Promise<void>((resolve) => l.server.close(() => resolve())))).then(() => undefined);
  }

  private listenOne(l: Listener): Promise<void> {
    const host = this.config.host;
    return new Promise((resolve, reject) => {
      const what = l.tls ? 'SMPP over TLS' : 'SMPP';
      const onError = (err: Error) => reject(new Error(`cannot listen for ${what} on ${host}:${l.wanted}: ${err.message}`));
      l.server.once('error', onError);
      l.server.listen(l.wanted, host, () => {
        l.server.off('error', onError);
        l.port = (l.server.address() as AddressInfo).port;
        resolve();
      });
    });
  }
}
