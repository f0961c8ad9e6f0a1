import type { Job } from 'bullmq';
import type { ExpiryMessage } from '../queues';
import { runPaymentStep, type PaymentStepDeps } from './payment-step';

/**
 * Delayed job at the end of a payment's window. The decision ignores it when the payment already
 * ended (completed, cancelled, ...) or when it fires too early; its step id makes it idempotent.
 */
export function createExpiryProcessor(deps: PaymentStepDeps): (job: Job<ExpiryMessage>) => Promise<string> {
  return async (job) => {
    const { main, paymentId } = job.data;
    return runPaymentStep(deps, main, `exp-${paymentId}`, { type: 'expire', paymentId }, { exists: true });
  };
}
