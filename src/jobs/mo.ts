import type { Job } from 'bullmq';
import type { MoMessage } from '../queues';
import type { Outbox } from './outbox';
import { helpText } from '../domain/replies';
import { identityFromSmppAddress } from '../domain/msisdn';
import { metrics } from '../metrics';

export interface MoProcessorDeps {
  outbox: Outbox;
  countryCode: string;
  serviceNumber: string;
}

/** Foundation MO handling: every message is answered with the help text (rate-limited). */
export function createMoProcessor(deps: MoProcessorDeps): (job: Job<MoMessage>) => Promise<string> {
  return async (job) => {
    const mo = job.data;
    const now = Date.now();
    const who = identityFromSmppAddress(mo.source, mo.sourceTon, mo.sourceNpi, deps.countryCode);
    if (!who.ok) {
      metrics.moProcessed.inc({ outcome: 'unidentified' });
      return 'unidentified';
    }
    await deps.outbox.send(mo.id, [{ to: who.msisdn, text: helpText(deps.serviceNumber), kind: 'help' }], { rateLimited: true, now });
    metrics.moProcessed.inc({ outcome: 'help' });
    metrics.moLatency.observe((Date.now() - mo.receivedAt) / 1000);
    return 'help';
  };
}
