import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';
import { verificationKey } from '../domain/device-mac';

// The keys of MAC devices (README "Security", device MACs). At binding, or when an operator rotates
// the key or changes the PIN, a fresh deviceKey (32 random bytes) is made and returned once, as
// base64url without padding; the store keeps only K = HMAC-SHA256(deviceKey, pin) (deviceKey itself
// without a PIN), sealed with AES-256-GCM under devices.keyEncryptionKey, bound to the main SIM and
// the device (so a sealed key moved to another device does not open). Without a key-encryption key
// K is kept unsealed ("plain:"), still never returned or logged.

export const DEVICE_KEY_BYTES = 32;

/** HMAC-SHA256 for the domain's MAC functions (the domain imports no node:crypto). */
export function hmacSha256(key: Uint8Array, message: string): Uint8Array {
  return createHmac('sha256', key).update(message, 'utf8').digest();
}

export class DeviceKeySealer {
  private constructor(private readonly kek: Buffer | null) {}

  /** From devices.keyEncryptionKey: 64 hex digits or base64 of 32 bytes, or null (unsealed). */
  static fromConfig(value: string | null): DeviceKeySealer {
    if (value === null) return new DeviceKeySealer(null);
    const kek = /^[0-9a-fA-F]{64}$/.test(value) ? Buffer.from(value, 'hex') : Buffer.from(value, 'base64');
    if (kek.length !== 32) throw new Error('devices.keyEncryptionKey: must be 32 bytes');
    return new DeviceKeySealer(kek);
  }

  get sealing(): boolean {
    return this.kek !== null;
  }

  seal(k: Uint8Array, main: string, device: string): string {
    if (!this.kek) return `plain:${Buffer.from(k).toString('base64url')}`;
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.kek, iv);
    cipher.setAAD(Buffer.from(`${main}|${device}`));
    const body = Buffer.concat([cipher.update(k), cipher.final()]);
    return ['v1', iv, cipher.getAuthTag(), body].map((x) => (typeof x === 'string' ? x : x.toString('base64url'))).join(':');
  }

  /** Throws when the key cannot be opened (sealed without a key-encryption key, or under another). */
  open(sealed: string, main: string, device: string): Uint8Array {
    if (sealed.startsWith('plain:')) return Buffer.from(sealed.slice('plain:'.length), 'base64url');
    const [version, iv, tag, body] = sealed.split(':');
    if (version !== 'v1' || body === undefined) throw new Error('device key: unknown sealing');
    if (!this.kek) throw new Error('device key: sealed, but devices.keyEncryptionKey is not set');
    const decipher = createDecipheriv('aes-256-gcm', this.kek, Buffer.from(iv, 'base64url'));
    decipher.setAAD(Buffer.from(`${main}|${device}`));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]);
  }
}

/** A new deviceKey for a device (returned once) and its K, sealed for the store. */
export function provisionDeviceKey(sealer: DeviceKeySealer, main: string, device: string, pin: string | undefined): { deviceKey: string; sealedKey: string } {
  const deviceKey = randomBytes(DEVICE_KEY_BYTES);
  const sealedKey = sealer.seal(verificationKey(deviceKey, pin, hmacSha256), main, device);
  return { deviceKey: deviceKey.toString('base64url'), sealedKey };
}
