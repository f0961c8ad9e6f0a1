// Validation of POST /pdu bodies (the probes of probe.ts). Errors name the offending field.
import { type CraftedDeliverSm, type RawTlv } from './craft';
import { TLV } from './protocol';

export type Probe =
  | { kind: 'raw'; octets: Buffer }
  // repeat: null = once, answered with one result; n = n copies in a row, answered with a list
  | { kind: 'deliver_sm'; pdu: CraftedDeliverSm; wait: boolean; repeat: number | null };

const MAX_REPEAT = 10;

const HEX = /^(?:[0-9a-fA-F]{2})*$/;
const isOctet = (v: unknown): v is number => Number.isInteger(v) && (v as number) >= 0 && (v as number) <= 255;
// Longer than SMPP allows on purpose (§5.2: 21 octets for addresses, 6 for service_type): a probe
// may test an ESME's length checks, but stays within what a C-octet string can carry.
const MAX_STRING = 64;
const STRING_FIELDS = ['service_type', 'source_addr', 'destination_addr'] as const;
const OCTET_FIELDS = [
  'source_addr_ton',
  'source_addr_npi',
  'dest_addr_ton',
  'dest_addr_npi',
  'esm_class',
  'protocol_id',
  'priority_flag',
  'registered_delivery',
  'data_coding',
] as const;

function hexOctets(v: unknown, field: string, max: number): Buffer | { error: string } {
  if (typeof v !== 'string' || !HEX.test(v)) return { error: `${field}: expected a hex string` };
  if (v.length / 2 > max) return { error: `${field}: at most ${max} octets` };
  return Buffer.from(v, 'hex');
}

function parseTag(key: string): number | null {
  const n = /^\d+$/.test(key) ? Number(key) : /^0x[0-9a-f]+$/i.test(key) ? parseInt(key, 16) : NaN;
  return Number.isInteger(n) && n >= 0 && n <= 0xffff ? n : null;
}

/**
 * rawTlvs: [{tag, length, hex}] written after `tlvs` with `length` as the length field whatever the
 * value's real size (§3.2.1 says they agree; an ESME must survive when they do not).
 */
function parseRawTlvs(v: unknown): { list: RawTlv[] } | { error: string } {
  if (v === undefined) return { list: [] };
  if (!Array.isArray(v)) return { error: 'rawTlvs: expected an array of {tag, length, hex}' };
  const list: RawTlv[] = [];
  for (const [i, item] of v.entries()) {
    const at = `rawTlvs[${i}]`;
    if (!item || typeof item !== 'object' || Array.isArray(item)) return { error: `${at}: expected an object {tag, length, hex}` };
    const t = item as Record<string, unknown>;
    for (const key of Object.keys(t)) if (key !== 'tag' && key !== 'length' && key !== 'hex') return { error: `${at}.${key}: unknown field` };
    const tag = typeof t.tag === 'string' ? parseTag(t.tag) : Number.isInteger(t.tag) && (t.tag as number) >= 0 && (t.tag as number) <= 0xffff ? (t.tag as number) : null;
    if (tag === null) return { error: `${at}.tag: expected a tag number 0-65535 (decimal or 0x hex)` };
    if (!(Number.isInteger(t.length) && (t.length as number) >= 0 && (t.length as number) <= 0xffff)) return { error: `${at}.length: expected an integer 0-65535` };
    const value = hexOctets(t.hex ?? '', `${at}.hex`, 0xffff);
    if ('error' in value) return value;
    list.push({ tag, length: t.length as number, value });
  }
  return { list };
}

export function parseProbe(body: unknown, serviceNumber: string): Probe | { error: string } {
  if (!body || typeof body !== 'object' || Array.isArray(body)) return { error: 'body: expected a JSON object' };
  const b = body as Record<string, unknown>;
  if (b.kind === 'raw') {
    if (b.repeat !== undefined) return { error: 'repeat: only for kind "deliver_sm"' };
    const octets = hexOctets(b.hex, 'hex', 1 << 19);
    if ('error' in octets) return octets;
    if (octets.length === 0) return { error: 'hex: expected at least one octet' };
    return { kind: 'raw', octets };
  }
  if (b.kind !== 'deliver_sm') return { error: 'kind: expected "raw" or "deliver_sm"' };

  const fields = (b.fields ?? {}) as Record<string, unknown>;
  if (typeof fields !== 'object' || Array.isArray(fields)) return { error: 'fields: expected an object' };
  const known = new Set<string>([...STRING_FIELDS, ...OCTET_FIELDS]);
  for (const key of Object.keys(fields)) if (!known.has(key)) return { error: `fields.${key}: not a settable deliver_sm field` };
  for (const key of STRING_FIELDS) {
    const v = fields[key];
    if (v !== undefined && (typeof v !== 'string' || v.length > MAX_STRING || !/^[\x01-\xff]*$/.test(v))) {
      return { error: `fields.${key}: expected at most ${MAX_STRING} Latin-1 characters without NUL` };
    }
  }
  for (const key of OCTET_FIELDS) if (fields[key] !== undefined && !isOctet(fields[key])) return { error: `fields.${key}: expected an integer 0-255` };

  const tlvs: Array<[number, Buffer]> = [];
  let shortMessage: Buffer = Buffer.alloc(0);
  if (b.shortMessageHex !== undefined) {
    const sm = hexOctets(b.shortMessageHex, 'shortMessageHex', 255); // sm_length is one octet
    if ('error' in sm) return sm;
    shortMessage = sm;
  }
  if (b.messagePayloadHex !== undefined) {
    const payload = hexOctets(b.messagePayloadHex, 'messagePayloadHex', 0xffff);
    if ('error' in payload) return payload;
    tlvs.push([TLV.message_payload, payload]);
  }
  if (b.tlvs !== undefined) {
    if (!b.tlvs || typeof b.tlvs !== 'object' || Array.isArray(b.tlvs)) return { error: 'tlvs: expected an object of tag → hex' };
    for (const [key, value] of Object.entries(b.tlvs as Record<string, unknown>)) {
      const tag = parseTag(key);
      if (tag === null) return { error: `tlvs.${key}: expected a tag number 0-65535 (decimal or 0x hex)` };
      const octets = hexOctets(value, `tlvs.${key}`, 0xffff);
      if ('error' in octets) return octets;
      tlvs.push([tag, octets]);
    }
  }
  const rawTlvs = parseRawTlvs(b.rawTlvs);
  if ('error' in rawTlvs) return rawTlvs;
  if (b.wait !== undefined && typeof b.wait !== 'boolean') return { error: 'wait: expected a boolean' };
  if (b.repeat !== undefined && !(Number.isInteger(b.repeat) && (b.repeat as number) >= 1 && (b.repeat as number) <= MAX_REPEAT)) {
    return { error: `repeat: expected an integer 1-${MAX_REPEAT}` };
  }

  const str = (key: (typeof STRING_FIELDS)[number], fallback: string) => (fields[key] as string | undefined) ?? fallback;
  const oct = (key: (typeof OCTET_FIELDS)[number], fallback: number) => (fields[key] as number | undefined) ?? fallback;
  const to = str('destination_addr', serviceNumber.replace(/^\+/, ''));
  return {
    kind: 'deliver_sm',
    wait: (b.wait as boolean | undefined) ?? true,
    repeat: (b.repeat as number | undefined) ?? null,
    pdu: {
      service_type: str('service_type', ''),
      source_addr_ton: oct('source_addr_ton', 1),
      source_addr_npi: oct('source_addr_npi', 1),
      source_addr: str('source_addr', '254700000099'),
      // the same addressing an MO gets (mo.ts): short codes have no international form
      dest_addr_ton: oct('dest_addr_ton', /^\d{9,}$/.test(to) ? 1 : 0),
      dest_addr_npi: oct('dest_addr_npi', 1),
      destination_addr: to,
      esm_class: oct('esm_class', 0),
      protocol_id: oct('protocol_id', 0),
      priority_flag: oct('priority_flag', 0),
      registered_delivery: oct('registered_delivery', 0),
      data_coding: oct('data_coding', 0),
      shortMessage,
      tlvs,
      rawTlvs: rawTlvs.list,
    },
  };
}

