// Fault switches (PUT /faults) and the throughput window behind the throttle fault.

export interface FaultState {
  throttlePerSecond: number | null; // accepted submit_sm per rolling second; above → ESME_RTHROTTLED
  queueFull: boolean; // every submit_sm → ESME_RMSGQFUL
  slowResponseMs: number; // delay before every submit_sm_resp and enquire_link_resp
  ignoreEnquireLink: boolean; // enquire_link goes unanswered
  duplicateMo: boolean; // every MO part is delivered twice
  undeliverableTo: string[]; // handsets that never get messages: receipts say UNDELIV
}

const initial = (): FaultState => ({
  throttlePerSecond: null,
  queueFull: false,
  slowResponseMs: 0,
  ignoreEnquireLink: false,
  duplicateMo: false,
  undeliverableTo: [],
});

type Check = (v: unknown) => boolean;
const CHECKS: Record<keyof FaultState, [Check, string]> = {
  throttlePerSecond: [(v) => v === null || (Number.isInteger(v) && (v as number) >= 0), 'a non-negative integer or null'],
  queueFull: [(v) => typeof v === 'boolean', 'a boolean'],
  slowResponseMs: [(v) => Number.isInteger(v) && (v as number) >= 0 && (v as number) <= 600_000, 'an integer 0-600000'],
  ignoreEnquireLink: [(v) => typeof v === 'boolean', 'a boolean'],
  duplicateMo: [(v) => typeof v === 'boolean', 'a boolean'],
  undeliverableTo: [(v) => Array.isArray(v) && v.every((x) => typeof x === 'string'), 'an array of MSISDN strings'],
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
      const check = CHECKS[key as keyof FaultState];
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

  isUndeliverable(msisdn: string): boolean {
    return this.state.undeliverableTo.includes(normalizeMsisdn(msisdn));
  }
}

/** Handsets are keyed without a leading '+', so "+2547…" and "2547…" are one phone. */
export function normalizeMsisdn(addr: string): string {
  return addr.startsWith('+') ? addr.slice(1) : addr;
}
