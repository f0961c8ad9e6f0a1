// The PDU log and bad-input probes (POST /pdu), documented in smsc-sim/README.md.
import type { Reply, Route } from './http';
import { parseProbe } from './probe-request';
import type { SimulatorParts } from './parts';

const ok = (body: unknown): Reply => ({ status: 200, body });
const bad = (error: string): Reply => ({ status: 400, body: { error } });

function optionalInt(raw: string | null, name: string): number | undefined | { error: string } {
  if (raw === null) return undefined;
  return /^\d{1,9}$/.test(raw) ? Number(raw) : { error: `${name}: expected a non-negative integer` };
}

export function pduRoutes(sim: SimulatorParts): Route[] {
  return [
    {
      method: 'POST',
      pattern: '/pdu',
      async handle({ body }) {
        const probe = parseProbe(body, sim.config.serviceNumber);
        if ('error' in probe) return bad(probe.error);
        if (probe.kind === 'raw') return ok({ sessions: sim.probes.raw(probe.octets) });
        const results = sim.probes.deliver(probe.pdu, probe.wait, probe.repeat ?? 1);
        if (!results) return { status: 409, body: { error: 'no ESME is bound as receiver or transceiver' } };
        // Without repeat the answer is the one result, as it always was; with it, the list.
        return ok(probe.repeat === null ? (await results)[0] : { results: await results });
      },
    },

    {
      method: 'GET',
      pattern: '/pdus',
      handle({ query }) {
        const after = optionalInt(query.get('after'), 'after');
        const limit = optionalInt(query.get('limit'), 'limit');
        if (typeof after === 'object') return bad(after.error);
        if (typeof limit === 'object') return bad(limit.error);
        return ok(sim.pduLog.list({ after, limit }));
      },
    },
  ];
}
