import type { Config } from './schema';

type ConnectionEntry = Config['smpp']['connections'][number];

/** One SMSC connection with every setting resolved (its own, else the `smpp` defaults). */
export interface SmppConnectionConfig {
  name: string;
  url: string;
  host: string;
  port: number;
  tls: boolean;
  tlsCaFile: string | null;
  systemId: string;
  password: string;
  systemType: string;
  bindMode: 'transceiver' | 'receiver+transmitter';
  window: number;
  segmentsPerSecond: number;
  /** Whose limit segmentsPerSecond is: this connection's alone, or the account's, shared by all gateways. */
  throughputScope: 'per-bind' | 'per-account';
  addrTon: number;
  addrNpi: number;
  addressRange: string;
  sourceAddr: string;
  sourceTon: number;
  sourceNpi: number;
  destTon: number;
  destNpi: number;
  routes: string[];
  defaultAlphabet: 'gsm7' | 'latin1';
  messageIdFormat: 'hex' | 'decimal' | 'string';
  receiptTextIdFormat: 'hex' | 'decimal' | 'string';
  imsiTlvTag: number | null;
  imsiEncoding: 'ascii' | 'tbcd';
  messageIdTlvTag: number | null;
  idScope: string;
  validityPeriod: 'relative' | 'absolute' | 'none';
  registeredDelivery: boolean;
}

/**
 * `smpp.connections` when given, else one connection per URL of `smpp.url` (comma-separated), all
 * with the shared settings. Throws with a message naming the setting when two connections share a
 * name or an alphanumeric sender is not one.
 */
export function resolveConnections(config: Config): SmppConnectionConfig[] {
  const s = config.smpp;
  const entries: ConnectionEntry[] = s.connections.length
    ? s.connections
    : (s.url ?? '')
        .split(',')
        .map((u) => u.trim())
        .filter(Boolean)
        .map((url) => ({ url }));
  const out = entries.map((e, i): SmppConnectionConfig => {
    const u = new URL(e.url);
    const systemId = e.systemId ?? s.systemId;
    const host = u.hostname.replace(/^\[|\]$/g, '');
    const sourceTon = e.sourceTon ?? s.sourceTon;
    const sourceAddr = e.sourceAddr ?? s.sourceAddr ?? config.serviceNumber;
    const name = e.name ?? (entries.length === 1 ? 'smsc' : `smsc${i + 1}`);
    const where = s.connections.length ? `smpp.connections[${i}]` : 'smpp';
    // SMPP 3.4 §5.2.8: an alphanumeric source_addr (TON 5) is at most 11 characters on GSM networks
    // (3GPP TS 23.040 §9.1.2.5); a numeric one is digits.
    if (sourceTon === 5 ? !/^[A-Za-z0-9 ]{1,11}$/.test(sourceAddr) : !/^\+?[0-9]{1,20}$/.test(sourceAddr)) {
      throw new Error(`${where}.sourceAddr: "${sourceAddr}" must be ${sourceTon === 5 ? '1-11 letters or digits for sourceTon 5' : 'digits (set sourceTon 5 for an alphanumeric sender)'}`);
    }
    return {
      name,
      url: e.url,
      host,
      port: Number(u.port),
      tls: u.protocol === 'smpps:',
      tlsCaFile: e.tlsCaFile ?? s.tlsCaFile,
      systemId,
      password: e.password ?? s.password,
      systemType: e.systemType ?? s.systemType,
      bindMode: e.bindMode ?? s.bindMode,
      window: e.window ?? s.window,
      segmentsPerSecond: e.segmentsPerSecond ?? s.segmentsPerSecond,
      throughputScope: e.throughputScope ?? s.throughputScope,
      addrTon: e.addrTon ?? s.addrTon,
      addrNpi: e.addrNpi ?? s.addrNpi,
      addressRange: e.addressRange ?? s.addressRange,
      sourceAddr: sourceAddr.replace(/^\+/, ''),
      sourceTon,
      sourceNpi: e.sourceNpi ?? s.sourceNpi,
      destTon: s.destTon,
      destNpi: s.destNpi,
      routes: e.routes ?? [],
      defaultAlphabet: e.defaultAlphabet ?? s.defaultAlphabet,
      messageIdFormat: e.messageIdFormat ?? s.messageIdFormat,
      receiptTextIdFormat: e.receiptTextIdFormat ?? s.receiptTextIdFormat,
      imsiTlvTag: e.imsiTlvTag !== undefined ? e.imsiTlvTag : s.imsiTlvTag,
      imsiEncoding: e.imsiEncoding ?? s.imsiEncoding,
      messageIdTlvTag: e.messageIdTlvTag !== undefined ? e.messageIdTlvTag : s.messageIdTlvTag,
      idScope: e.idScope ?? `${systemId}@${host}`,
      validityPeriod: e.validityPeriod ?? s.validityPeriod,
      registeredDelivery: e.registeredDelivery ?? s.registeredDelivery,
    };
  });
  const names = new Set<string>();
  for (const c of out) {
    if (names.has(c.name)) throw new Error(`smpp.connections: the name "${c.name}" is used twice`);
    names.add(c.name);
  }
  return out;
}

/** The URL without anything secret, for logs and /readyz. */
export function describeConnection(c: SmppConnectionConfig): string {
  return `${c.tls ? 'smpps' : 'smpp'}://${c.host}:${c.port} as ${c.systemId}`;
}
