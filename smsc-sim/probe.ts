// POST /pdu: deliberately odd input for an ESME's bad-input tests. Raw octets go to every bound
// receiver as they are; a crafted deliver_sm goes to one of them, once: a probe is never redelivered
// (it is not an MO), and what the ESME answered is the result. How the ESME reacted beyond that is
// visible in the PDU log, the counters and GET /sessions.
import type { SimConfig } from './config';
import type { Counters } from './counters';
import { type CraftedDeliverSm, encodeDeliverSm } from './craft';
import { decodeText } from './codec';
import { preview, type PduLog } from './pdu-log';
import { statusName, TLV } from './protocol';
import type { EsmeSession, SmppFront } from './sessions';

export type Probe = { kind: 'raw'; octets: Buffer } | { kind: 'deliver_sm'; pdu: CraftedDeliverSm; wait: boolean };

export type ProbeResult =
  | { status: number; statusName: string; command: string; session: number; seq: number }
  | { status: null; outcome: 'timeout' | 'closed' | 'sent'; session: number; seq: number | null };

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

export function parseProbe(body: unknown, serviceNumber: string): Probe | { error: string } {
  if (!body || typeof body !== 'object' || Array.isArray(body)) return { error: 'body: expected a JSON object' };
  const b = body as Record<string, unknown>;
  if (b.kind === 'raw') {
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
  if (b.wait !== undefined && typeof b.wait !== 'boolean') return { error: 'wait: expected a boolean' };

  const str = (key: (typeof STRING_FIELDS)[number], fallback: string) => (fields[key] as string | undefined) ?? fallback;
  const oct = (key: (typeof OCTET_FIELDS)[number], fallback: number) => (fields[key] as number | undefined) ?? fallback;
  const to = str('destination_addr', serviceNumber.replace(/^\+/, ''));
  return {
    kind: 'deliver_sm',
    wait: (b.wait as boolean | undefined) ?? true,
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
    },
  };
}

export class ProbeService {
  constructor(
    private readonly config: SimConfig,
    private readonly counters: Counters,
    private readonly smpp: SmppFront,
    private readonly pduLog: PduLog,
  ) {}

  private receivers(): EsmeSession[] {
    return this.smpp.bound().filter((s) => s.canReceive);
  }

  /** Writes the octets to every bound receiver; returns how many took them. */
  raw(octets: Buffer): number {
    let n = 0;
    for (const esme of this.receivers()) {
      if (!esme.writeRaw(octets)) continue;
      n++;
      this.counters.raw_writes++;
      const head = octets.length >= 16 ? `command_id 0x${octets.readUInt32BE(4).toString(16).padStart(8, '0')}, ` : '';
      this.pduLog.add('out', esme, {
        command: 'raw',
        seq: null,
        status: null,
        statusName: null,
        octets: octets.length,
        note: `${head}${octets.subarray(0, 24).toString('hex')}${octets.length > 24 ? '…' : ''}`,
      });
    }
    return n;
  }

  /** Null when no receiver is bound: a probe is not held like an MO. */
  deliver(pdu: CraftedDeliverSm, wait: boolean): Promise<ProbeResult> | null {
    const esme = this.receivers()[0];
    if (!esme) return null;
    const octets = encodeDeliverSm(pdu);
    return new Promise((resolve) => {
      let seq: number | null = null;
      // Settles once, on the answer, the deadline or the connection's end; with wait false the
      // caller has its answer already, but the callback and the timer are still cleaned up here.
      const settle = (result: ProbeResult) => {
        clearTimeout(timer);
        esme.link.off('close', onClose);
        resolve(result);
      };
      const onClose = () => settle({ status: null, outcome: 'closed', session: esme.id, seq });
      const timer = setTimeout(() => {
        if (seq !== null) esme.forgetResponse(seq);
        settle({ status: null, outcome: 'timeout', session: esme.id, seq });
      }, this.config.moResponseTimeoutMs);
      esme.link.once('close', onClose);
      seq = esme.writeRequest(octets, (resp) =>
        settle({ status: resp.command_status, statusName: statusName(resp.command_status), command: resp.command, session: esme.id, seq: seq! }),
      );
      if (seq === null) return onClose();
      this.counters.probes_sent++;
      this.logCrafted(esme, pdu, seq, octets.length);
      if (!wait) resolve({ status: null, outcome: 'sent', session: esme.id, seq });
    });
  }

  private logCrafted(esme: EsmeSession, pdu: CraftedDeliverSm, seq: number, length: number): void {
    const payload = pdu.tlvs.find(([tag]) => tag === TLV.message_payload)?.[1];
    const op = pdu.tlvs.find(([tag]) => tag === TLV.ussd_service_op)?.[1];
    const text = pdu.shortMessage.length ? pdu.shortMessage : (payload ?? Buffer.alloc(0));
    this.pduLog.add('out', esme, {
      command: 'deliver_sm',
      seq,
      status: null,
      statusName: null,
      octets: length,
      from: pdu.source_addr,
      to: pdu.destination_addr,
      serviceType: pdu.service_type,
      dataCoding: pdu.data_coding,
      ...(op?.length === 1 ? { ussdServiceOp: op[0] } : {}),
      text: preview(decodeText(pdu.data_coding, text)),
      note: 'probe',
    });
  }
}
