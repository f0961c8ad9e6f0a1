import type { SimConfig } from './config';
import type { ConnectionFaults } from './connection-faults';
import type { Counters } from './counters';
import type { DeviceSigners } from './device-signing';
import type { SimEvents } from './events';
import type { Faults } from './faults';
import type { HandsetStore } from './handsets';
import type { MoService } from './mo';
import type { PduLog } from './pdu-log';
import type { ProbeService } from './probe';
import type { SmppFront } from './sessions';
import type { SimSwapStore } from './sim-swap';
import type { SubmitService } from './submit';
import type { UssdService } from './ussd';

/**
 * What the control API's route files (api*.ts) and the event stream (sse.ts) use of the simulator.
 * They take this rather than the Simulator class, so that simulator.ts, which builds them, and they
 * do not import each other (`npm run lint` forbids circular imports).
 */
export interface SimulatorParts {
  readonly config: SimConfig;
  readonly counters: Counters;
  readonly faults: Faults;
  readonly events: SimEvents;
  readonly handsets: HandsetStore;
  readonly simSwap: SimSwapStore;
  readonly signers: DeviceSigners;
  readonly pduLog: PduLog;
  readonly submits: SubmitService;
  readonly mo: MoService;
  readonly ussd: UssdService;
  readonly smpp: SmppFront;
  readonly probes: ProbeService;
  readonly connectionFaults: ConnectionFaults;
  /** Goes up on every reset: work that began before one (a slow SIM-swap answer) is not counted after it. */
  readonly generation: number;
  /** POST /reset: a clean slate for the next test. */
  reset(): void;
}
