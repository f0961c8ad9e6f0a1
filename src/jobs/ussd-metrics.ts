import { Counter, Histogram } from 'prom-client';
import { registry } from '../metrics';

// USSD channel metrics, in the process registry. Labels are bounded sets, never MSISDNs.
export const ussdMetrics = {
  sessionsOpened: new Counter({ name: 'simpair_ussd_sessions_opened_total', help: 'USSD sessions opened by a dial (one-shot strings included)', registers: [registry] }),
  sessionsEnded: new Counter({
    name: 'simpair_ussd_sessions_ended_total',
    help: 'USSD sessions ended, by reason: completed (pay, balance, last payments, exit), invalid, aborted (by the user), timed_out, replaced (the phone dialled again)',
    labelNames: ['reason'],
    registers: [registry],
  }),
  steps: new Counter({ name: 'simpair_ussd_steps_total', help: 'USSD MOs processed, by outcome', labelNames: ['outcome'], registers: [registry] }),
  stepLatency: new Histogram({
    name: 'simpair_ussd_step_seconds',
    help: 'Time from a USSD MO reaching the gateway to its screen being queued',
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  }),
};

export type UssdEndReason = 'completed' | 'invalid' | 'aborted' | 'timed_out' | 'replaced';
