// TBCD-STRING (3GPP TS 29.002 §17.7.8, the form MAP and most HLR-facing interfaces carry an IMSI
// in): two digits per octet, the first digit in the low nibble, and for an odd number of digits
// the filler 0xF in the last octet's high nibble.

export function tbcdEncode(digits: string): Buffer {
  if (!/^\d*$/.test(digits)) throw new Error('TBCD carries digits only');
  const out = Buffer.alloc(Math.ceil(digits.length / 2));
  for (let i = 0; i < digits.length; i += 2) {
    const low = Number(digits[i]);
    const high = i + 1 < digits.length ? Number(digits[i + 1]) : 0x0f;
    out[i / 2] = (high << 4) | low;
  }
  return out;
}
