import type { Queue } from 'bullmq';
import { queueDepths } from '../queues/depth';
import { Network } from './admin-responses';
import { readiness, type ReadinessCheck } from './health';
import { route, type ApiRoute } from './registry';

// The network and health view of the console in one call: each SMSC connection as its gateway
// last published it (bound or not, since when, window in use, throughput, last error), the queue
// depths, and readiness. Polled by the console every few seconds, so it reads only what
// /readyz reads plus one getJobCounts per queue.

export interface NetworkDeps extends ReadinessCheck {
  queues: readonly Queue[];
}

export function networkRoutes(deps: NetworkDeps): ApiRoute[] {
  return [
    route(
      { method: 'get', path: '/v1/network', role: 'viewer', tag: 'operations', summary: 'SMSC connections, queue depths and readiness', description: 'Readiness is included as /readyz would answer it; this call answers 200 either way.', responses: { 200: { description: 'the current picture', schema: Network } } },
      async (_input, _req, res) => {
        const [ready, queues] = await Promise.all([readiness(deps), queueDepths(deps.queues)]);
        res.json({ at: new Date().toISOString(), readiness: ready.body, queues });
      },
    ),
  ];
}
