// submit_sm: admission (faults), a message id, decoding into the handset's inbox, the raw submit
// log, and after the delivery delay the handset's final state and the receipt if one was asked for.
import { randomInt } from 'node:crypto';
import type { PDU } from 'smpp';
import { type ConcatInfo, decodeText, splitUserData } from './codec';
import type { SimConfig } from './config';
import type { Counters } from './counters';
import type { Faults } from './faults';
import type { HandsetStore } from './handsets';
import { log } from './log';
import { formatId } from './message-id';
import { ESM_CLASS, type FinalState, pduNumber, pduString, RECEIPT_WANTED, STATUS, statusName } from './protocol';
import type { ReceiptService } from './receipts';
import type { EsmeSession } from './esme-session';
import type { SubmitOutcome } from './sessions';
import type { NetworkMessage } from './ussd';
import { isExpired, parseValidityPeriod } from './validity';

export interface SubmitLogEntry {
  messageId: string | null;
  session: number;
  listenerPort: number;
  systemId: string;
  from: string;
  sourceTon: number;
  sourceNpi: number;
  to: string;
  dataCoding: number;
  esmClass: number;
  registeredDelivery: number;
  serviceType: string;
  validityPeriod: string; // as received; '' = the SMSC default (never expires here)
  expiresAt: string | null; // what validityPeriod means, as an ISO time
  partInfo: ConcatInfo | null;
  textPart: string;
  status: number;
  statusName: string;
  receipt: 'pending' | 'acked' | 'failed' | null;
  at: string;
}

/** Octets of the message: short_message, or message_payload when short_message is empty (§5.3.2.32). */
function messageOctets(pdu: PDU): Buffer {
  const sm = pdu.short_message;
  if (Buffer.isBuffer(sm) && sm.length > 0) return sm;
  const payload = pdu.message_payload;
  return Buffer.isBuffer(payload) ? payload : Buffer.alloc(0);
}

/** SAR TLVs (§5.3.2.22-24) are the TLV way of saying what the concatenation UDH says. */
function sarInfo(pdu: PDU): ConcatInfo | null {
  const ref = pdu.sar_msg_ref_num;
  const total = pdu.sar_total_segments;
  const seq = pdu.sar_segment_seqnum;
  if (typeof ref !== 'number' || typeof total !== 'number' || typeof seq !== 'number') return null;
  return total > 0 && seq > 0 && seq <= total ? { ref, total, seq } : null;
}

export class SubmitService {
  private submitLog: SubmitLogEntry[] = [];
  // Ids start at a random point so that a restarted simulator does not reuse recent ids; eight hex
  // digits keep the decimal form within the receipt text's customary ten digits.
  private nextId = randomInt(0x10000000, 0x70000000);
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(
    private readonly config: SimConfig,
    private readonly counters: Counters,
    private readonly faults: Faults,
    private readonly handsets: HandsetStore,
    private readonly receipts: ReceiptService,
    private readonly ussd: { onNetworkMessage(m: NetworkMessage): boolean },
  ) {}

  get log(): readonly SubmitLogEntry[] {
    return this.submitLog;
  }

  reset(): void {
    this.submitLog = [];
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }

  handle(esme: EsmeSession, pdu: PDU): SubmitOutcome {
    this.counters.submits_received++;
    const octets = messageOctets(pdu);
    const esmClass = pduNumber(pdu, 'esm_class');
    const dataCoding = pduNumber(pdu, 'data_coding');
    const udh = esmClass & ESM_CLASS.UDHI ? splitUserData(octets) : { concat: null, payload: octets };
    const concat = udh?.concat ?? sarInfo(pdu);
    const payload = udh?.payload ?? octets;
    const submittedAt = new Date();
    const validityPeriod = pduString(pdu, 'validity_period');
    const validity = parseValidityPeriod(validityPeriod, submittedAt);
    const entry: SubmitLogEntry = {
      messageId: null,
      session: esme.id,
      listenerPort: esme.listener.port,
      systemId: esme.systemId ?? '',
      from: pduString(pdu, 'source_addr'),
      sourceTon: pduNumber(pdu, 'source_addr_ton'),
      sourceNpi: pduNumber(pdu, 'source_addr_npi'),
      to: pduString(pdu, 'destination_addr'),
      dataCoding,
      esmClass,
      registeredDelivery: pduNumber(pdu, 'registered_delivery'),
      serviceType: pduString(pdu, 'service_type'),
      validityPeriod,
      expiresAt: 'expiresAt' in validity && validity.expiresAt ? validity.expiresAt.toISOString() : null,
      partInfo: concat,
      textPart: decodeText(dataCoding, payload),
      status: this.admit(pdu, udh !== null, !('error' in validity)),
      statusName: '',
      receipt: null,
      at: new Date().toISOString(),
    };
    entry.statusName = statusName(entry.status);
    this.record(entry);
    if (entry.status !== STATUS.ESME_ROK) return { status: entry.status };

    const idNumber = this.nextId++;
    const messageId = formatId(idNumber, this.config.messageIdFormat);
    entry.messageId = messageId;
    this.counters.submits_accepted++;
    const ussdOp = typeof pdu.ussd_service_op === 'number' ? pdu.ussd_service_op : undefined;
    if (entry.serviceType.toUpperCase() === 'USSD') {
      // A USSD screen goes to the handset's session, not its SMS inbox, and USSD has no receipts.
      this.counters.ussd_network_messages++;
      const info = pdu.its_session_info;
      this.ussd.onNetworkMessage({ to: entry.to, text: entry.textPart, op: ussdOp ?? null, sessionInfo: Buffer.isBuffer(info) ? info : null });
      return { status: STATUS.ESME_ROK, messageId };
    }
    this.handsets.accept({
      messageId,
      systemId: entry.systemId,
      from: entry.from,
      to: entry.to,
      dataCoding,
      payload,
      concat,
      serviceType: entry.serviceType,
      ussdServiceOp: ussdOp,
    });
    log.debug('submit accepted', { messageId, to: entry.to, parts: concat?.total ?? 1 });
    return { status: STATUS.ESME_ROK, messageId, afterResponse: () => this.scheduleDelivery(pdu, entry, idNumber, submittedAt) };
  }

  private admit(pdu: PDU, udhParsed: boolean, validityParsed: boolean): number {
    const fail = (status: number, counter: 'submits_queue_full' | 'submits_throttled' | 'submits_rejected') => {
      this.counters[counter]++;
      return status;
    };
    if (this.faults.state.queueFull) return fail(STATUS.ESME_RMSGQFUL, 'submits_queue_full');
    if (!this.faults.admitSubmit(Date.now())) return fail(STATUS.ESME_RTHROTTLED, 'submits_throttled');
    if (!pduString(pdu, 'destination_addr')) return fail(STATUS.ESME_RINVDSTADR, 'submits_rejected');
    // UDHI set but the header does not fit in the octets: the esm_class claim is false (§5.2.12).
    if (!udhParsed) return fail(STATUS.ESME_RINVESMCLASS, 'submits_rejected');
    // §5.1.3 0x62: a validity_period that is not a §7.1.1 time.
    if (!validityParsed) return fail(STATUS.ESME_RINVEXPIRY, 'submits_rejected');
    return STATUS.ESME_ROK;
  }

  private record(entry: SubmitLogEntry): void {
    this.submitLog.push(entry);
    const limit = this.config.submitLogLimit;
    if (this.submitLog.length > limit + Math.ceil(limit / 10)) this.submitLog.splice(0, this.submitLog.length - limit);
  }

  /**
   * The handset gets the part after the configured delay, unless its validity period ran out by
   * then (EXPIRED: never shown as delivered); then the receipt, if asked for.
   */
  private scheduleDelivery(pdu: PDU, entry: SubmitLogEntry, idNumber: number, submittedAt: Date): void {
    const messageId = entry.messageId!;
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      const expiresAt = entry.expiresAt === null ? null : new Date(entry.expiresAt);
      let final: FinalState = 'DELIVERED';
      if (isExpired(expiresAt, new Date())) final = 'EXPIRED';
      else if (this.faults.isUndeliverable(entry.to)) final = 'UNDELIVERABLE';
      if (final === 'EXPIRED') this.counters.submits_expired++;
      this.handsets.markFinal(messageId, final);
      const wanted = RECEIPT_WANTED[entry.registeredDelivery & 0x03];
      if (!(final === 'DELIVERED' ? wanted.onSuccess : wanted.onFailure)) return;
      entry.receipt = 'pending';
      this.receipts.send({
        messageId,
        idNumber,
        systemId: entry.systemId,
        submitSource: { addr: entry.from, ton: pduNumber(pdu, 'source_addr_ton'), npi: pduNumber(pdu, 'source_addr_npi') },
        submitDest: { addr: entry.to, ton: pduNumber(pdu, 'dest_addr_ton'), npi: pduNumber(pdu, 'dest_addr_npi') },
        submittedAt,
        doneAt: new Date(),
        textPart: entry.textPart,
        final,
        onState: (state) => {
          entry.receipt = state;
        },
      });
    }, this.config.deliveryReceiptDelayMs);
    this.timers.add(timer);
  }
}
