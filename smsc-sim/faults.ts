// Fault switches (PUT /faults) and the throughput window behind the throttle fault.

export type SimSwapApiState = 'up' | 'down' | 'slow';
export const SIM_SWAP_API_STATES: readonly SimSwapApiState[] = ['up', 'down', 'slow'];

export interface FaultState {
  throttlePerSecond: number | null; // accepted submit_sm per rolling second; above → ESME_RTHROTTLED
  queueFull: boolean; // every submit_sm → ESME_RMSGQFUL
  slowResponseMs: number; // delay before every submit_sm_resp and enquire_link_resp
  slowSubmitResponseMs: number; // more delay before submit_sm_resp only: the link stays healthy
  ignoreEnquireLink: boolean; // enquire_link goes unanswered
  duplicateMo: boolean; // every MO part is delivered twice
  undeliverableTo: string[]; // handsets that never get messages: receipts say UNDELIV
  refuseBinds: number | null; // command_status every bind is refused with (e.g. 0x0e ESME_RINVPASWD)
  downListeners: number[]; // listener ports whose sessions are cut and whose new connections are closed at once
  loseMoAnswers: number; // the next n deliver_sm_resp to MOs are lost: the link is cut as they arrive, the MO redelivered
  simSwapApi: SimSwapApiState; // the operator SIM-swap API: up, down (503 UNAVAILABLE) or slow (answers after 10 s)
}

const initial = (): FaultState => ({
  throttlePerSecond: null,
  queueFull: false,
  slowResponseMs: 0,
  slowSubmitResponseMs: 0,
  ignoreEnquireLink: false,
  duplicateMo: false,
  undeliverableTo: [],
  refuseBinds: null,
  downListeners: [],
  loseMoAnswers: 0,
  simSwapApi: 'up',
});

type Check = (v: unknown) => boolean;
const intIn = (min: number, max: number) => (v: unknown) => Number.isInteger(v) && (v as number) >= min && (v as number) <= max;
const CHECKS: Record<keyof FaultState, [Check, string]> = {
  throttlePerSecond: [(v) => v === null || (Number.isInteger(v) && (v as number) >= 0), 'a non-negative integer or null'],
  queueFull: [(v) => typeof v === 'boolean', 'a boolean'],
  slowResponseMs: [intIn(0, 600_000), 'an integer 0-600000'],
  slowSubmitResponseMs: [intIn(0, 600_000), 'an integer 0-600000'],
  ignoreEnquireLink: [(v) => typeof v === 'boolean', 'a boolean'],
  duplicateMo: [(v) => typeof v === 'boolean', 'a boolean'],
  undeliverableTo: [(v) => Array.isArray(v) && v.every((x) => typeof x === 'string'), 'an array of MSISDN strings'],
  // §5.1.3: command_status is 4 octets; 0 would be no refusal at all.
  refuseBinds: [(v) => v === null || intIn(1, 0xffffffff)(v), 'a command_status 1-4294967295 or null'],
  downListeners: [(v) => Array.isArray(v) && v.every(intIn(1, 65535)), 'an array of port numbers 1-65535'],
  loseMoAnswers: [intIn(0, 10_000), 'an integer 0-10000'],
  simSwapApi: [(v) => (SIM_SWAP_API_STATES as readonly unknown[]).includes(v), 'one of "up", "down", "slow"'],
};

const WINDOW_MS = 1000;

export class Faults {
  state: FaultState = initial();
  private accepted: number[] = []; // timestamps of submits accepted in the last second

  /** Applies a partial update; returns an error naming the field, or null. */
  update(patch: unknown): string | null {
    if (!patch || typeof patch !== 'object' || Array.isArray(patch)) return 'body: expected a JSON object';
    const entries = Object.entries(patch as Record<string, unknown>);
    for (const [key, value] of entries) {
      const check = Object.hasOwn(CHECKS, key) ? CHECKS[key as keyof FaultState] : undefined;
      if (!check) return `${key}: unknown fault`;
      if (!check[0](value)) return `${key}: expected ${check[1]}`;
    }
    for (const [key, value] of entries) (this.state as unknown as Record<string, unknown>)[key] = value;
    if (this.state.undeliverableTo.length) this.state.undeliverableTo = this.state.undeliverableTo.map(normalizeMsisdn);
    return null;
  }

  reset(): void {
    this.state = initial();
    this.accepted = [];
  }

  /** Takes one slot of the rolling one-second window; false when the throttle fault refuses. */
  admitSubmit(now: number): boolean {
    const limit = this.state.throttlePerSecond;
    if (limit === null) return true;
    let drop = 0;
    while (drop < this.accepted.length && this.accepted[drop] <= now - WINDOW_MS) drop++;
    if (drop) this.accepted.splice(0, drop);
    if (this.accepted.length >= limit) return false;
    this.accepted.push(now);
    return true;
  }

  /** Delay before a submit_sm_resp: slowResponseMs plus slowSubmitResponseMs. */
  get submitResponseDelayMs(): number {
    return this.state.slowResponseMs + this.state.slowSubmitResponseMs;
  }

  /** Consumes one lost MO answer of the loseMoAnswers fault; false when none is left. */
  takeLostAnswer(): boolean {
    if (this.state.loseMoAnswers <= 0) return false;
    this.state.loseMoAnswers--;
    return true;
  }

  isListenerDown(port: number): boolean {
    return this.state.downListeners.includes(port);
  }

  isUndeliverable(msisdn: string): boolean {
    return this.state.undeliverableTo.includes(normalizeMsisdn(msisdn));
  }
}

/** Handsets are keyed without a leading '+', so "+2547…" and "2547…" are one phone. */
export function normalizeMsisdn(addr: string): string {
  return addr.startsWith('+') ? addr.slice(1) : addr;
}
