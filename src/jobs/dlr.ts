import type { Job } from 'bullmq';
import type { DlrMessage } from '../queues';
import type { ReplyStore } from '../store/replies';
import { messageIdCandidates, normaliseMessageId } from '../smpp/receipt';

export class ReceiptTooEarlyError extends Error {}

/**
 * Applies a delivery receipt to the reply it belongs to. The SMSC may use hex in submit_sm_resp
 * and decimal in the receipt (or the other way round): every form is tried. A receipt can overtake
 * the recording of its submit_sm_resp, so an unknown id is retried a few times before it is dropped.
 */
export function createDlrProcessor(replies: ReplyStore): (job: Job<DlrMessage>) => Promise<string> {
  return async (job) => {
    const dlr = job.data;
    const replyId = await replies.replyIdForSmscId(messageIdCandidates(dlr.smscMessageId));
    if (!replyId) {
      if (job.attemptsMade + 1 < (job.opts.attempts ?? 1)) throw new ReceiptTooEarlyError(`no reply known for SMSC id ${dlr.smscMessageId} yet`);
      return 'unknown';
    }
    const state = await replies.applyReceipt(replyId, normaliseMessageId(dlr.smscMessageId), dlr.state, dlr.delivered, dlr.final, Date.now());
    return state ?? 'unknown';
  };
}
