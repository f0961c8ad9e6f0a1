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
import type { EsmeSession } from './esme-session';
import type { SmppFront } from './sessions';

export type ProbeResult =
  | { status: number; statusName: string; command: string; session: number; seq: number }
  | { status: null; outcome: 'timeout' | 'closed' | 'sent'; session: number; seq: number | null };

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

  /**
   * Null when no receiver is bound: a probe is not held like an MO. `copies` identical deliver_sm
   * go out back to back on one session, each under its own sequence number (a network that sends
   * the same message again before the first answer); one result per copy, in order.
   */
  deliver(pdu: CraftedDeliverSm, wait: boolean, copies = 1): Promise<ProbeResult[]> | null {
    const esme = this.receivers()[0];
    if (!esme) return null;
    const octets = encodeDeliverSm(pdu);
    // One 'close' listener for all copies: ten of their own would trip the emitter's leak warning.
    const closers = new Set<() => void>();
    const onClose = () => [...closers].forEach((close) => close());
    esme.link.once('close', onClose);
    const results: Promise<ProbeResult>[] = [];
    for (let i = 0; i < copies; i++) results.push(this.sendOne(esme, pdu, octets, wait, closers));
    const all = Promise.all(results);
    void all.then(() => esme.link.off('close', onClose));
    return all;
  }

  private sendOne(esme: EsmeSession, pdu: CraftedDeliverSm, octets: Buffer, wait: boolean, closers: Set<() => void>): Promise<ProbeResult> {
    return new Promise((resolve) => {
      let seq: number | null = null;
      // Settles once, on the answer, the deadline or the connection's end; with wait false the
      // caller has its answer already, but the callback and the timer are still cleaned up here.
      const settle = (result: ProbeResult) => {
        clearTimeout(timer);
        closers.delete(onClose);
        resolve(result);
      };
      const onClose = () => settle({ status: null, outcome: 'closed', session: esme.id, seq });
      const timer = setTimeout(() => {
        if (seq !== null) esme.forgetResponse(seq);
        settle({ status: null, outcome: 'timeout', session: esme.id, seq });
      }, this.config.moResponseTimeoutMs);
      closers.add(onClose);
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
