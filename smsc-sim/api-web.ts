// What the web page needs besides the JSON API: its files, its settings and the event stream.
import type { Route } from './http';
import type { SimulatorParts } from './parts';
import type { EventStream } from './sse';
import { staticRoutes } from './static';

export function webRoutes(sim: SimulatorParts, stream: EventStream): Route[] {
  const { config } = sim;
  return [
    ...staticRoutes,
    stream.route,
    {
      method: 'GET',
      pattern: '/ui/config',
      handle: () => ({
        status: 200,
        body: {
          serviceNumber: config.serviceNumber,
          handsets: [
            { msisdn: config.demoPhone, label: 'Phone (main SIM)', kind: 'phone' },
            { msisdn: config.demoDevice, label: 'Debit device (auxiliary SIM)', kind: 'device' },
          ],
        },
      }),
    },
  ];
}
