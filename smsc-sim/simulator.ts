// Wires the simulator's parts together; main.ts owns the process (config, signals, ready line).
import type { Server } from 'node:http';
import { routes } from './api';
import type { SimConfig } from './config';
import { createCounters, resetCounters } from './counters';
import { DeliveryEngine } from './delivery';
import { Faults } from './faults';
import { HandsetStore } from './handsets';
import { createJsonServer, listen } from './http';
import { prepareLibrary } from './library';
import { MoService } from './mo';
import { ReceiptService } from './receipts';
import { SmppFront } from './sessions';
import { SubmitService } from './submit';

export class Simulator {
  readonly counters = createCounters();
  readonly faults = new Faults();
  readonly handsets = new HandsetStore();
  readonly engine: DeliveryEngine;
  readonly receipts: ReceiptService;
  readonly submits: SubmitService;
  readonly mo: MoService;
  readonly smpp: SmppFront;
  private readonly http: Server;

  constructor(readonly config: SimConfig) {
    prepareLibrary(config);
    this.engine = new DeliveryEngine(
      {
        responseTimeoutMs: config.moResponseTimeoutMs,
        redeliveryDelayMs: config.redeliveryDelayMs,
        maxAttempts: config.redeliveryMaxAttempts,
        window: config.deliverWindow,
      },
      () => this.smpp.bound().filter((s) => s.canReceive),
    );
    this.receipts = new ReceiptService(config, this.counters, this.engine);
    this.submits = new SubmitService(config, this.counters, this.faults, this.handsets, this.receipts);
    this.mo = new MoService(config, this.counters, this.faults, this.engine);
    this.smpp = new SmppFront(config, this.counters, this.faults, {
      onSubmit: (esme, pdu) => this.submits.handle(esme, pdu),
      onBound: () => this.engine.pump(),
      onClosed: (esme) => this.engine.sessionClosed(esme),
    });
    this.http = createJsonServer(routes(this));
  }

  async start(): Promise<{ smpp: string; http: string }> {
    const smppAddr = await this.smpp.listen();
    const httpAddr = await listen(this.http, this.config.httpPort, this.config.host);
    return { smpp: `${smppAddr.address}:${smppAddr.port}`, http: `http://${httpAddr.address}:${httpAddr.port}` };
  }

  /** POST /reset: a clean slate for the next test; bound sessions stay bound. */
  reset(): void {
    this.engine.reset();
    this.mo.reset();
    this.submits.reset();
    this.handsets.reset();
    this.faults.reset();
    resetCounters(this.counters);
  }

  async stop(unbindDeadlineMs = 1000): Promise<void> {
    this.engine.reset();
    this.submits.reset();
    this.http.closeAllConnections();
    await Promise.all([this.smpp.shutdown(unbindDeadlineMs), new Promise<void>((resolve) => this.http.close(() => resolve()))]);
  }
}
