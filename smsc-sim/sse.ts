// GET /events: server-sent events for the web page. Each simulator event is forwarded as it
// happens; counters change too often for that, so they are sent at most every COUNTER_TICK_MS and
// only when they changed. A client that stops reading is cut off (it reconnects and reloads),
// rather than buffering without bound.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { SimEventName } from './events';
import type { RawRoute } from './http';
import type { SimulatorParts } from './parts';

const COUNTER_TICK_MS = 250;
const KEEPALIVE_MS = 15_000;
const MAX_BUFFERED = 4 * 1024 * 1024;
/** The browser's reconnect delay after a lost stream (the SSE `retry` field). */
const RETRY_MS = 1000;

export class EventStream {
  private readonly clients = new Set<ServerResponse>();
  private readonly unsubscribe: Array<() => void> = [];
  private counterTimer: NodeJS.Timeout | null = null;
  private keepalive: NodeJS.Timeout | null = null;
  private lastCounters = '';

  constructor(private readonly sim: SimulatorParts) {
    const forward = <K extends SimEventName>(name: K, data?: () => unknown) =>
      this.unsubscribe.push(sim.events.on(name, (payload) => this.broadcast(name, data ? data() : payload)));
    forward('inbox');
    forward('ussd');
    forward('handset');
    forward('signing');
    forward('pdu');
    forward('faults');
    forward('reset');
    forward('sessions', () => sim.smpp.bound().map((s) => s.view()));
  }

  get route(): RawRoute {
    return { method: 'GET', pattern: '/events', raw: (req, res) => this.open(req, res) };
  }

  close(): void {
    for (const off of this.unsubscribe.splice(0)) off();
    for (const res of this.clients) res.end();
    this.clients.clear();
    this.stopTimers();
  }

  private open(req: IncomingMessage, res: ServerResponse): void {
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    res.write(`retry: ${RETRY_MS}\n\n`);
    this.clients.add(res);
    req.on('close', () => {
      this.clients.delete(res);
      if (this.clients.size === 0) this.stopTimers();
    });
    // A first counters event for this client: the others have seen the current values already.
    this.write(res, 'counters', this.sim.counters);
    this.startTimers();
  }

  private startTimers(): void {
    if (!this.counterTimer) this.lastCounters = JSON.stringify(this.sim.counters); // sent on open already
    this.counterTimer ??= setInterval(() => {
      const now = JSON.stringify(this.sim.counters);
      if (now === this.lastCounters) return;
      this.lastCounters = now;
      this.broadcast('counters', this.sim.counters);
    }, COUNTER_TICK_MS);
    this.keepalive ??= setInterval(() => {
      for (const res of this.clients) res.write(': keepalive\n\n');
    }, KEEPALIVE_MS);
  }

  private stopTimers(): void {
    if (this.counterTimer) clearInterval(this.counterTimer);
    if (this.keepalive) clearInterval(this.keepalive);
    this.counterTimer = this.keepalive = null;
    this.lastCounters = '';
  }

  private broadcast(name: string, data: unknown): void {
    if (this.clients.size === 0) return;
    for (const res of this.clients) this.write(res, name, data);
  }

  private write(res: ServerResponse, name: string, data: unknown): void {
    if (res.writableLength > MAX_BUFFERED) {
      this.clients.delete(res);
      res.destroy();
      return;
    }
    // JSON has no raw newlines, so one data: line carries the whole event.
    res.write(`event: ${name}\ndata: ${JSON.stringify(data ?? null)}\n\n`);
  }
}
