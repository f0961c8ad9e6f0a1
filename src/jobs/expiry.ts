import type { Logger } from 'pino';
import type { ExpiryStore } from '../store/expiries';
import { runPaymentStep, type PaymentStepDeps } from './payment-step';
import { startPeriodic } from './periodic';

const BATCH = 200;

/**
 * Ends payment windows: claims due entries of the expiry set and runs the expire step for each
 * (idempotent by its step id; a no-op for payments that already ended). Polling every `everyMs`
 * (worker.expirySweepMs, 250 ms) keeps expiry exact to well under a second; a claim not finished
 * within `leaseMs` (worker.expiryLeaseMs) is taken up by another worker.
 */
export function startExpirySweeper(deps: PaymentStepDeps, expiries: ExpiryStore, timing: { leaseMs: number; everyMs: number }, log: Logger): () => Promise<void> {
  return startPeriodic(
    'expiry-sweep',
    async () => {
      for (;;) {
        const due = await expiries.claimDue(Date.now(), timing.leaseMs, BATCH);
        await Promise.all(
          due.map(async (e) => {
            await runPaymentStep(deps, e.main, `exp-${e.paymentId}`, { type: 'expire', paymentId: e.paymentId }, { exists: true });
            await expiries.finish(e);
          }),
        );
        if (due.length < BATCH) return;
      }
    },
    timing.everyMs,
    log,
  );
}
