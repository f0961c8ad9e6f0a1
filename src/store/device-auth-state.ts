// One device's authentication state as the auth hash (keys.deviceAuth) holds it, read by the payment
// store and by enrolment; the operators' changes to it are in device-auth.ts.

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
