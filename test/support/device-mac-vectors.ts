// The device-MAC test vectors of the README ("Security", device MACs), shared by simpair's unit
// tests (src/domain/device-mac.ts) and the simulator's (its own copy in smsc-sim/device-signing.ts).
// Checked independently with Python's hmac and base64.b32encode.

/** deviceKey = bytes 0x00, 0x01, …, 0x1f. */
export const VECTOR_DEVICE_KEY = 'AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8';
/** K = HMAC-SHA256(deviceKey, "4821"), hex. */
export const VECTOR_K_4821 = 'dec56ebb1278fc934b9cb52dd2e9a948284ecd7e1b4db32f6a73b73f08aad79f';

export interface Vector {
  pin?: string;
  main: string;
  amountMinor: number;
  merchant: string;
  code?: string;
  counter: number;
  /** The MAC input. */
  input: string;
  /** `<counter>:<mac>`. */
  token: string;
}

export const VECTORS: Vector[] = [
  { pin: '4821', main: '254700000001', amountMinor: 1250, merchant: 'SHOP42', code: '4KX9QM', counter: 1, input: '254700000001|1250|SHOP42|4KX9QM|1', token: '1:GG7OQGEV4J' },
  { pin: '4821', main: '254700000001', amountMinor: 1250, merchant: 'SHOP42', counter: 2, input: '254700000001|1250|SHOP42||2', token: '2:ADE6VFQ2GW' },
  { pin: '0000', main: '254700000001', amountMinor: 1250, merchant: 'SHOP42', counter: 2, input: '254700000001|1250|SHOP42||2', token: '2:KNWNZD667C' },
  { main: '254700000001', amountMinor: 1250, merchant: 'SHOP42', counter: 2, input: '254700000001|1250|SHOP42||2', token: '2:WXW3QN4DN2' },
  { pin: '4821', main: '254700000001', amountMinor: 100000, merchant: 'CAFE7', code: 'ABC234', counter: 1700000000, input: '254700000001|100000|CAFE7|ABC234|1700000000', token: '1700000000:5C3B4EQJQF' },
];
