import type { Logger } from 'pino';
import type { Config, SmppConnectionConfig } from '../config';
import { describeConnection } from '../config';
import type { BindCommand, DeliverAnswer, EsmeSession, EsmeSessionOptions, LinkInfo, SessionStatus } from '../smpp/esme-session';
import type { smpp } from '../smpp/library';
import { SegmentThrottle, type Throttle } from '../smpp/throttle';

export interface ConnectionStatus {
  name: string;
  target: string;
  bindMode: SmppConnectionConfig['bindMode'];
  /** Some session of it is bound. */
  up: boolean;
  /** A transmitter or transceiver is bound: it can carry replies. */
  canTransmit: boolean;
  throughput: number;
  throughputScope: SmppConnectionConfig['throughputScope'];
  /** Outstanding requests allowed per session. */
  window: number;
  /** Segments this gateway submitted on it since it started: a rate from two readings. */
  submitted: number;
  sessions: SessionStatus[];
}

export type DeliverHandler = (pdu: smpp.PDU, link: LinkInfo, connection: SmppConnectionConfig) => Promise<DeliverAnswer>;

/**
 * One SMSC connection as configured: its session(s) — one transceiver, or a receiver and a
 * transmitter — and its own segment throttle (a carrier's limit is per account, counted in segments).
 */
export class SmscConnection {
  readonly sessions: EsmeSession[] = [];
  readonly throttle: Throttle;
  private submittedSegments = 0;

  constructor(
    readonly config: SmppConnectionConfig,
    gatewayName: string,
    shared: Config['smpp'],
    onDeliver: DeliverHandler,
    onRefused: (reason: string) => void,
    log: Logger,
    /** Opens a session (src/main builds them: an EsmeSession). */
    openSession: (opts: EsmeSessionOptions) => EsmeSession,
    /** The account's bucket shared with other gateways (throughputScope per-account), given this connection's own. */
    sharedThrottle?: (own: SegmentThrottle) => Throttle,
  ) {
    const own = new SegmentThrottle({ segmentsPerSecond: config.segmentsPerSecond });
    this.throttle = sharedThrottle ? sharedThrottle(own) : own;
    const binds: Array<[string, BindCommand]> =
      config.bindMode === 'transceiver' ? [['trx', 'bind_transceiver']] : [['rx', 'bind_receiver'], ['tx', 'bind_transmitter']];
    for (const [suffix, bind] of binds) {
      this.sessions.push(
        openSession({
          name: `${gatewayName}/${config.name}:${suffix}`,
          host: config.host,
          port: config.port,
          tls: config.tls,
          tlsCaFile: config.tlsCaFile,
          systemId: config.systemId,
          password: config.password,
          systemType: config.systemType,
          addrTon: config.addrTon,
          addrNpi: config.addrNpi,
          addressRange: config.addressRange,
          bind,
          enquireLinkMs: shared.enquireLinkMs,
          enquireLinkTimeoutMs: shared.enquireLinkTimeoutMs,
          responseTimeoutMs: shared.responseTimeoutMs,
          connectTimeoutMs: shared.connectTimeoutMs,
          window: config.window,
          reconnectBaseMs: shared.reconnectBaseMs,
          reconnectMaxMs: shared.reconnectMaxMs,
          stableAfterMs: shared.stableAfterMs,
          credentialRetryMs: shared.credentialRetryMs,
          lateResponseGraceMs: shared.lateResponseGraceMs,
          log,
          onDeliver: bind === 'bind_transmitter' ? undefined : (pdu, link) => onDeliver(pdu, link, config),
          onRefused,
        }),
      );
    }
  }

  get name(): string {
    return this.config.name;
  }

  /** The bound session that carries submit_sm, chosen by its bind type. */
  transmitter(): EsmeSession | null {
    return this.sessions.find((s) => s.bound && s.canTransmit) ?? null;
  }

  /** Whether this connection carries MT for a destination (its route prefixes; none = any). */
  serves(destination: string): number {
    if (!this.config.routes.length) return 0;
    const best = Math.max(-1, ...this.config.routes.filter((p) => destination.startsWith(p)).map((p) => p.length));
    return best; // -1: not served; 0: any; n: longest matching prefix
  }

  status(): ConnectionStatus {
    const sessions = this.sessions.map((s) => s.status());
    return {
      name: this.config.name,
      target: describeConnection(this.config),
      bindMode: this.config.bindMode,
      up: this.sessions.some((s) => s.bound),
      canTransmit: this.transmitter() !== null,
      throughput: this.config.segmentsPerSecond,
      throughputScope: this.config.throughputScope,
      window: this.config.window,
      submitted: this.submittedSegments,
      sessions,
    };
  }

  /** Counts a segment the SMSC accepted (sender.ts), for the status's `submitted`. */
  recordSubmitted(): void {
    this.submittedSegments += 1;
  }

  start(): void {
    for (const s of this.sessions) s.start();
  }

  async stop(): Promise<void> {
    await Promise.all(this.sessions.map((s) => s.stop()));
  }
}

/** What routing needs to know of a connection. */
export interface Routable {
  name: string;
  transmitter(): { outstanding: number } | null;
  serves(destination: string): number;
}

/**
 * The connection for one reply: the one its MO came in on while it can transmit; otherwise the
 * transmitting connection whose route prefix matches the destination best (connections without
 * routes serve any destination), the least busy among equals. Null when none can transmit.
 */
export function chooseConnection<C extends Routable>(connections: readonly C[], destination: string, via?: string): C | null {
  const preferred = via ? connections.find((c) => c.name === via) : undefined;
  if (preferred && preferred.transmitter() && preferred.serves(destination) >= 0) return preferred;
  let best: C | null = null;
  let bestScore = -1;
  let bestLoad = Infinity;
  for (const c of connections) {
    const tx = c.transmitter();
    const score = c.serves(destination);
    if (!tx || score < 0) continue;
    if (score > bestScore || (score === bestScore && tx.outstanding < bestLoad)) {
      best = c;
      bestScore = score;
      bestLoad = tx.outstanding;
    }
  }
  return best;
}
