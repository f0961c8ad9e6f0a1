// What the web page watches: every change the simulator wants a browser to see is emitted here
// once, and the SSE endpoint (sse.ts) forwards it. Emitting with no listener costs nothing, so the
// services emit unconditionally and stay unaware of browsers.
import { EventEmitter } from 'node:events';
import type { FaultState } from './faults';
import type { InboxEntry } from './handsets';
import type { PduLogEntry } from './pdu-log';
import type { SimSwapView } from './sim-swap';
import type { SignerView } from './device-signing';
import type { UssdView } from './ussd';


export interface SimEventMap {
  inbox: InboxEntry; // a message landed, or its delivery state changed
  ussd: UssdView; // a USSD session opened, got a screen, or ended
  handset: SimSwapView; // a handset's SIM was marked as swapped, or the mark cleared
  signing: SignerView; // a debit device's signing settings or counter changed
  pdu: PduLogEntry;
  sessions: null; // a bind came or went: listeners re-read the bound sessions
  faults: FaultState;
  reset: null; // POST /reset: everything shown is stale
}

export type SimEventName = keyof SimEventMap;

export class SimEvents {
  private readonly emitter = new EventEmitter();

  constructor() {
    // One listener per open page; many tabs are not a leak.
    this.emitter.setMaxListeners(0);
  }

  emit<K extends SimEventName>(name: K, data: SimEventMap[K]): void {
    this.emitter.emit(name, data);
  }

  on<K extends SimEventName>(name: K, listener: (data: SimEventMap[K]) => void): () => void {
    this.emitter.on(name, listener);
    return () => this.emitter.off(name, listener);
  }
}
