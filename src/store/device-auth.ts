import type { Keys } from './keys';
import type { ScriptClient } from './scripts';
import { EnrolmentError, type EnrolmentErrorCode } from './enrolment';

// The devices' authentication state in the main SIM's own slot (keys.deviceAuth): a MAC device's
// sealed verification key, its last accepted counter and its recent refusals, and an operator's
// suspension. The payment decision reads it with the subscriber's view and writes counters and
// refusals with its decision (applyPaymentDecision.lua); operators change it here, one script each.

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
