// Delivery receipts (SMPP 3.4 §2.11, Appendix B): a deliver_sm with esm_class 0x04 back to the
// ESME that submitted, carrying both the TLVs and the de-facto standard text.
import type { SimConfig } from './config';
import type { Counters } from './counters';
import type { DeliveryEngine, DeliveryJob } from './delivery';
import { gsmEncodeLossy } from './gsm';
import { ESM_CLASS, FINAL_STATES, type FinalState, TEMPORARY_STATUSES } from './protocol';

export interface Address {
  addr: string;
  ton: number;
  npi: number;
}

export interface ReceiptRequest {
  messageId: string; // hex, as in submit_sm_resp
  systemId: string;
  submitSource: Address;
  submitDest: Address;
  submittedAt: Date;
  doneAt: Date;
  textPart: string;
  final: FinalState;
  onState?(state: 'acked' | 'failed'): void;
}

/** YYMMDDhhmm in UTC, the date format of the receipt text. */
function receiptDate(d: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${p(d.getUTCFullYear() % 100)}${p(d.getUTCMonth() + 1)}${p(d.getUTCDate())}${p(d.getUTCHours())}${p(d.getUTCMinutes())}`;
}

export function receiptText(r: ReceiptRequest, decimalId: boolean): string {
  const s = FINAL_STATES[r.final];
  // Many SMSCs print the id in decimal in the text while the TLV and submit_sm_resp carry hex.
  const id = decimalId ? BigInt('0x' + r.messageId).toString(10) : r.messageId;
  return (
    `id:${id} sub:001 dlvrd:${s.dlvrd} submit date:${receiptDate(r.submittedAt)} ` +
    `done date:${receiptDate(r.doneAt)} stat:${s.stat} err:${s.err} text:${[...r.textPart].slice(0, 20).join('')}`
  );
}

export class ReceiptService {
  constructor(
    private readonly config: SimConfig,
    private readonly counters: Counters,
    private readonly engine: DeliveryEngine,
  ) {}

  send(r: ReceiptRequest): void {
    const text = receiptText(r, this.config.receiptIdDecimalInText);
    const counters = this.counters;
    const job: DeliveryJob = {
      label: `receipt:${r.messageId}`,
      systemId: r.systemId,
      attempts: 0,
      cancelled: false,
      fields: () => ({
        source_addr_ton: r.submitDest.ton,
        source_addr_npi: r.submitDest.npi,
        source_addr: r.submitDest.addr,
        dest_addr_ton: r.submitSource.ton,
        dest_addr_npi: r.submitSource.npi,
        destination_addr: r.submitSource.addr,
        esm_class: ESM_CLASS.MC_DELIVERY_RECEIPT,
        data_coding: 0,
        short_message: gsmEncodeLossy(text),
        receipted_message_id: r.messageId,
        message_state: FINAL_STATES[r.final].messageState,
      }),
      onSent() {
        counters.receipts_sent++;
      },
      onOutcome(outcome) {
        if (outcome.kind === 'response' && outcome.status === 0) {
          counters.receipts_acked++;
          r.onState?.('acked');
          return 'done';
        }
        if (outcome.kind === 'response' && !TEMPORARY_STATUSES.has(outcome.status)) {
          counters.receipts_perm_errors++;
          r.onState?.('failed');
          return 'done';
        }
        if (outcome.kind === 'response') counters.receipts_temp_errors++;
        return 'retry';
      },
      onGiveUp() {
        r.onState?.('failed');
      },
    };
    this.engine.enqueue(job);
  }
}
