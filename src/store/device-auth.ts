import type { Keys } from './keys';
import type { ScriptClient } from './scripts';
import { EnrolmentError, type EnrolmentErrorCode } from './enrolment';

// The devices' authentication state in the main SIM's own slot (keys.deviceAuth): a MAC device's
// sealed verification key, its last accepted counter and its recent refusals, and an operator's
// suspension. The payment decision reads it with the subscriber's view and writes counters and
// refusals with its decision (applyPaymentDecision.lua); operators change it here, one script each.

export interface DeviceAuthState {
  /** Sealed K (store/device-keys.ts) of a MAC device; undefined for a device without MAC. */
  sealedKey?: string;
  counter: number;
  /** ms, oldest first (what the last decision kept: those within the refusal window then). */
  refusals: number[];
  suspended: boolean;
}

/** One device's state out of the auth hash's fields (HGETALL as an object). */
export function deviceAuthOf(fields: Record<string, string>, device: string): DeviceAuthState {
  const refusals = (fields[`${device}:refusals`] ?? '').split(' ').filter((x) => x !== '').map(Number);
  return {
    ...(fields[`${device}:key`] ? { sealedKey: fields[`${device}:key`] } : {}),
    counter: Number(fields[`${device}:counter`] ?? 0),
    refusals,
    suspended: fields[`${device}:suspended`] === '1',
  };
}

export class DeviceAuthStore {
  constructor(
    private readonly keys: Keys,
    private readonly scripts: ScriptClient,
  ) {}

  /** A new sealed key for a bound device: the old one stops working at once; counter and refusals start again. */
  async setKey(main: string, device: string, sealedKey: string): Promise<void> {
    await this.run('setDeviceKey', main, [device, sealedKey]);
  }

  /** Suspends (its messages are ignored) or re-activates (also forgetting its refusals) a bound device. */
  async setSuspended(main: string, device: string, suspended: boolean): Promise<void> {
    await this.run('setDeviceSuspended', main, [device, suspended ? '1' : '0']);
  }

  private async run(name: 'setDeviceKey' | 'setDeviceSuspended', main: string, args: string[]): Promise<void> {
    const k = this.keys;
    const res = (await this.scripts.run(name, [k.subscriber(main), k.devices(main), k.deviceAuth(main)], args)) as [string, ...unknown[]];
    if (res[0] !== 'OK') throw new EnrolmentError(res[0] as EnrolmentErrorCode);
  }
}
