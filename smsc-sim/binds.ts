// Bind handling (SMPP 3.4 §4.1): which status a bind gets, and a log of every bind attempt so
// tests can see what an ESME presented (system_type, addr_ton/npi, address_range) and on which
// listener, including the ones refused.
import type { PDU } from 'smpp';
import type { SimConfig } from './config';
import type { EsmeSession } from './esme-session';
import type { Faults } from './faults';
import { pduNumber, pduString, STATUS, statusName } from './protocol';

export interface BindLogEntry {
  at: string;
  atMs: number;
  session: number;
  listenerPort: number;
  tls: boolean;
  command: string;
  systemId: string;
  systemType: string;
  addrTon: number;
  addrNpi: number;
  addressRange: string;
  status: number;
  statusName: string;
}

const LIMIT = 1000;

/**
 * The answer to a bind: ESME_RALYBND on a session already bound (§4.1), then the refuseBinds
 * fault, then the accounts (ESME_RINVSYSID for an unknown system_id, ESME_RINVPASWD for a wrong
 * password).
 */
export function bindStatus(config: SimConfig, faults: Faults, esme: EsmeSession, pdu: PDU): number {
  if (esme.state !== 'open') return STATUS.ESME_RALYBND;
  if (faults.state.refuseBinds !== null) return faults.state.refuseBinds;
  const account = config.accounts.find((a) => a.systemId === pduString(pdu, 'system_id'));
  if (!account) return STATUS.ESME_RINVSYSID;
  if (account.password !== pduString(pdu, 'password')) return STATUS.ESME_RINVPASWD;
  return STATUS.ESME_ROK;
}

export class BindLog {
  private entries: BindLogEntry[] = [];

  record(esme: EsmeSession, pdu: PDU, status: number): void {
    const now = new Date();
    this.entries.push({
      at: now.toISOString(),
      atMs: now.getTime(),
      session: esme.id,
      listenerPort: esme.listener.port,
      tls: esme.listener.tls,
      command: pdu.command,
      systemId: pduString(pdu, 'system_id'),
      systemType: pduString(pdu, 'system_type'),
      addrTon: pduNumber(pdu, 'addr_ton'),
      addrNpi: pduNumber(pdu, 'addr_npi'),
      addressRange: pduString(pdu, 'address_range'),
      status,
      statusName: statusName(status),
    });
    if (this.entries.length > LIMIT) this.entries.splice(0, this.entries.length - LIMIT);
  }

  /** Oldest first, the last LIMIT attempts. */
  list(): BindLogEntry[] {
    return [...this.entries];
  }

  reset(): void {
    this.entries = [];
  }
}
