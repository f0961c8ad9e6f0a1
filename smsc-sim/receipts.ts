// Delivery receipts (SMPP 3.4 §2.11, Appendix B): a deliver_sm with esm_class 0x04 back to the
// ESME that submitted, redelivered like an MO; what it carries is in receipt-format.ts.
import type { SimConfig } from './config';
import type { Counters } from './counters';
import type { DeliveryEngine, DeliveryJob } from './delivery';
import { TEMPORARY_STATUSES } from './protocol';
import { type ReceiptContent, receiptFields } from './receipt-format';

export interface ReceiptRequest extends ReceiptContent {
  messageId: string; // as in submit_sm_resp
  systemId: string;
  onState?(state: 'acked' | 'failed'): void;
}

export class ReceiptService {
  constructor(
    private readonly config: SimConfig,
    private readonly counters: Counters,
    private readonly engine: DeliveryEngine,
  ) {}

  send(r: ReceiptRequest): void {
    const fields = receiptFields(r, this.config);
    const counters = this.counters;
    const job: DeliveryJob = {
      label: `receipt:${r.messageId}`,
      systemId: r.systemId,
      attempts: 0,
      cancelled: false,
      fields: () => ({ ...fields }),
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
