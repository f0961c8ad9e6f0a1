// The HTTP control contract (documented in smsc-sim/README.md): MO injection, handset
// inboxes, the submit log, counters and fault switches (sessions and binds: api-smpp.ts).
import type { Reply, Route } from './http';
import type { MoRecord } from './mo';
import { parseMoRequest, type MoRequest } from './mo-request';
import type { SimulatorParts } from './parts';

const ok = (body: unknown): Reply => ({ status: 200, body });
const bad = (error: string): Reply => ({ status: 400, body: { error } });

/** The tracking record without internals that only the waiting logic needs. */
function moView(r: MoRecord) {
  const { firstStatuses: _first, ...view } = r;
  return view;
}

const MAX_BATCH_WAIT_MS = 120_000;

export function routes(sim: SimulatorParts): Route[] {
  const { mo, handsets, submits, counters, faults, config } = sim;
  /** What a signing debit device actually sends (device-signing.ts); other handsets' text as typed. */
  const signed = (req: MoRequest | { error: string }): MoRequest | { error: string } => {
    if ('error' in req) return req;
    const out = sim.signers.prepare(req.from, req.text, req.pin);
    return 'error' in out ? out : { ...req, text: out.text };
  };

  return [
    { method: 'GET', pattern: '/healthz', handle: () => ok({ ok: true }) },

    {
      method: 'POST',
      pattern: '/mo',
      async handle({ body }) {
        const req = signed(parseMoRequest(body, { defaultWait: true, moMessageIds: config.moMessageIdTlvTag !== null }));
        if ('error' in req) return bad(req.error);
        const record = mo.inject(req);
        if ('error' in record) return bad(record.error);
        if (req.wait) await mo.waitFirstResponses(record, config.moResponseTimeoutMs);
        return ok(mo.summary(record));
      },
    },

    {
      method: 'POST',
      pattern: '/mo/batch',
      async handle({ body }) {
        const b = body as { messages?: unknown; wait?: unknown; timeoutMs?: unknown } | undefined;
        if (!b || typeof b !== 'object' || !Array.isArray(b.messages)) return bad('messages: expected an array');
        if (b.wait !== undefined && typeof b.wait !== 'boolean') return bad('wait: expected a boolean');
        if (b.timeoutMs !== undefined && !(Number.isInteger(b.timeoutMs) && (b.timeoutMs as number) > 0 && (b.timeoutMs as number) <= MAX_BATCH_WAIT_MS)) {
          return bad(`timeoutMs: expected an integer 1-${MAX_BATCH_WAIT_MS}`);
        }
        const requests = [];
        for (const [i, m] of b.messages.entries()) {
          const req = signed(parseMoRequest(m, { defaultWait: false, moMessageIds: config.moMessageIdTlvTag !== null }));
          if ('error' in req) return bad(`messages[${i}].${req.error}`);
          requests.push(req);
        }
        const records: MoRecord[] = [];
        for (const [i, req] of requests.entries()) {
          const record = mo.inject(req);
          if ('error' in record) return bad(`messages[${i}].${record.error}`);
          records.push(record);
        }
        if (b.wait !== true) return ok({ ids: records.map((r) => r.id) });
        // One deadline for the whole batch: by default twice the per-MO response timeout.
        const timeoutMs = (b.timeoutMs as number | undefined) ?? config.moResponseTimeoutMs * 2;
        await Promise.all(records.map((r) => mo.waitFirstResponses(r, timeoutMs)));
        return ok({ results: records.map((r) => mo.summary(r)) });
      },
    },

    {
      method: 'GET',
      pattern: '/mo',
      handle: ({ query }) => ok(mo.list(query.get('state') ?? undefined).map(moView)),
    },

    {
      method: 'GET',
      pattern: '/mo/:id',
      handle({ params }) {
        const record = mo.get(params.id);
        return record ? ok(moView(record)) : { status: 404, body: { error: `no MO ${params.id}` } };
      },
    },

    {
      method: 'GET',
      pattern: '/handsets/:msisdn/inbox',
      handle: ({ params }) => ok({ msisdn: params.msisdn, messages: handsets.inbox(params.msisdn) }),
    },

    {
      method: 'DELETE',
      pattern: '/handsets/:msisdn/inbox',
      handle({ params }) {
        handsets.clear(params.msisdn);
        return ok({ msisdn: params.msisdn, messages: [] });
      },
    },

    { method: 'GET', pattern: '/submits', handle: () => ok(submits.log.slice(-config.submitLogLimit)) },

    { method: 'GET', pattern: '/counters', handle: () => ok({ ...counters }) },

    { method: 'GET', pattern: '/faults', handle: () => ok(faults.state) },

    {
      method: 'PUT',
      pattern: '/faults',
      handle({ body }) {
        const error = faults.update(body);
        if (error) return bad(error);
        sim.connectionFaults.dropDownListeners(); // downListeners acts at once on the sessions already there
        sim.events.emit('faults', faults.state);
        return ok(faults.state);
      },
    },

    {
      method: 'POST',
      pattern: '/reset',
      handle() {
        sim.reset();
        return ok({ ok: true });
      },
    },
  ];
}
