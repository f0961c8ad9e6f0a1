// Control routes of signing debit devices (device-signing.ts), documented in smsc-sim/README.md.
import type { Reply, Route } from './http';
import { checkMsisdn } from './sim-swap';
import type { SimulatorParts } from './parts';

const ok = (body: unknown): Reply => ({ status: 200, body });
const bad = (error: string): Reply => ({ status: 400, body: { error } });

export function deviceRoutes(sim: SimulatorParts): Route[] {
  const { signers } = sim;
  return [
    {
      method: 'GET',
      pattern: '/handsets/:msisdn/signing',
      handle({ params }) {
        const error = checkMsisdn(params.msisdn);
        return error ? bad(error) : ok(signers.view(params.msisdn));
      },
    },
    {
      method: 'PUT',
      pattern: '/handsets/:msisdn/signing',
      handle({ params, body }) {
        const error = checkMsisdn(params.msisdn);
        if (error) return bad(error);
        const view = signers.set(params.msisdn, body);
        return 'error' in view ? bad(view.error) : ok(view);
      },
    },
    {
      method: 'DELETE',
      pattern: '/handsets/:msisdn/signing',
      handle({ params }) {
        const error = checkMsisdn(params.msisdn);
        return error ? bad(error) : ok(signers.clear(params.msisdn));
      },
    },
  ];
}
