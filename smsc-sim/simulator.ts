// Wires the simulator's parts together; main.ts owns the process (config, signals, ready line).
import type { Server } from 'node:http';
import { routes } from './api';
import { pduRoutes } from './api-pdu';
import { smppRoutes } from './api-smpp';
import { simSwapRoutes } from './api-sim-swap';
import { ussdRoutes } from './api-ussd';
import { webRoutes } from './api-web';
import type { SimConfig } from './config';
import type { SimulatorParts } from './parts';
import { ConnectionFaults } from './connection-faults';
import { createCounters, resetCounters } from './counters';
import { DeliveryEngine } from './delivery';
import { SimEvents } from './events';
import { Faults } from './faults';
import { HandsetStore } from './handsets';
import { createJsonServer, listen } from './http';
import { prepareLibrary } from './library';
import { MoService } from './mo';
import { PduLog } from './pdu-log';
import { ProbeService } from './probe';
import { ReceiptService } from './receipts';
import { SmppFront } from './sessions';
import { SimSwapStore } from './sim-swap';
import { DeviceSigners } from './device-signing';
import { deviceRoutes } from './api-device';
import { EventStream } from './sse';
import { SubmitService } from './submit';
import { UssdService } from './ussd';

export interface StartedAddresses {
  smpp: string; // "host:port" of the first plain listener
  http: string;
  listeners: number[]; // every plain SMPP listener's port, the first included
  smpps: number | null; // the TLS listener's port, when TLS is on
}

export class Simulator implements SimulatorParts {
  readonly counters = createCounters();
  readonly faults = new Faults();
  readonly events = new SimEvents();
  readonly handsets = new HandsetStore((entry) => this.events.emit('inbox', entry));
  readonly simSwap = new SimSwapStore((view) => this.events.emit('handset', view));
  readonly signers = new DeviceSigners((view) => this.events.emit('signing', view));
  readonly pduLog: PduLog;
  readonly engine: DeliveryEngine;
  readonly receipts: ReceiptService;
  readonly submits: SubmitService;
  readonly mo: MoService;
  readonly ussd: UssdService;
  readonly smpp: SmppFront;
  readonly probes: ProbeService;
  readonly connectionFaults: ConnectionFaults;
  /** Goes up on every reset: work that began before one (a slow SIM-swap answer) is not counted after it. */
  generation = 0;
  private readonly http: Server;
  private readonly stream: EventStream;

  constructor(readonly config: SimConfig) {
    prepareLibrary(config);
    this.pduLog = new PduLog(config.pduLogLimit, (entry) => this.events.emit('pdu', entry));
    this.engine = new DeliveryEngine(
      {
        responseTimeoutMs: config.moResponseTimeoutMs,
        redeliveryDelayMs: config.redeliveryDelayMs,
        maxAttempts: config.redeliveryMaxAttempts,
        window: config.deliverWindow,
      },
      () => this.smpp.bound().filter((s) => s.canReceive),
      (job) => job.systemId === null && this.faults.takeLostAnswer(),
    );
    this.receipts = new ReceiptService(config, this.counters, this.engine);
    this.mo = new MoService(config, this.counters, this.faults, this.engine);
    this.ussd = new UssdService(config, this.counters, this.mo, (view) => this.events.emit('ussd', view));
    this.submits = new SubmitService(config, this.counters, this.faults, this.handsets, this.receipts, this.ussd);
    this.smpp = new SmppFront(config, this.counters, this.faults, {
      onSubmit: (esme, pdu) => this.submits.handle(esme, pdu),
      onBound: () => {
        this.events.emit('sessions', null);
        this.engine.pump();
      },
      onClosed: (esme) => {
        this.events.emit('sessions', null);
        this.engine.sessionClosed(esme);
      },
      onPdu: (dir, esme, pdu) => this.pduLog.record(dir, esme, pdu),
      onUnparseable: (esme, reason) =>
        this.pduLog.add('in', esme, { command: 'unparseable', seq: null, status: null, statusName: null, octets: 0, note: reason }),
    });
    this.connectionFaults = new ConnectionFaults(this.smpp.sessions, this.faults);
    this.probes = new ProbeService(config, this.counters, this.smpp, this.pduLog);
    this.stream = new EventStream(this);
    this.http = createJsonServer([...routes(this), ...smppRoutes(this), ...pduRoutes(this), ...ussdRoutes(this), ...simSwapRoutes(this), ...deviceRoutes(this), ...webRoutes(this, this.stream)]);
  }

  async start(): Promise<StartedAddresses> {
    const smpp = await this.smpp.listen();
    const httpAddr = await listen(this.http, this.config.httpPort, this.config.host);
    return {
      smpp: `${smpp.host}:${smpp.ports[0]}`,
      http: `http://${httpAddr.address}:${httpAddr.port}`,
      listeners: smpp.ports,
      smpps: smpp.tlsPort,
    };
  }

  /** POST /reset: a clean slate for the next test; bound sessions stay bound. */
  reset(): void {
    this.engine.reset();
    this.mo.reset();
    this.ussd.reset();
    this.submits.reset();
    this.handsets.reset();
    this.simSwap.reset();
    this.signers.reset();
    this.faults.reset();
    this.pduLog.reset();
    this.smpp.bindLog.reset();
    resetCounters(this.counters);
    this.generation++;
    this.events.emit('reset', null);
  }

  async stop(unbindDeadlineMs = 1000): Promise<void> {
    this.engine.reset();
    this.submits.reset();
    this.stream.close();
    this.http.closeAllConnections();
    await Promise.all([this.smpp.shutdown(unbindDeadlineMs), new Promise<void>((resolve) => this.http.close(() => resolve()))]);
  }
}
