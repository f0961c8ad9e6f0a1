// USSD sessions over HTTP (documented in smsc-sim/README.md): dial, read, answer, hang up.
import type { Reply, Route } from './http';
import type { SimulatorParts } from './parts';
import { UssdError } from './ussd';

const ok = (body: unknown): Reply => ({ status: 200, body });

/** UssdError → its HTTP status; anything else is a bug and goes to the server's 500. */
async function guarded(run: () => Promise<unknown> | unknown): Promise<Reply> {
  try {
    return ok(await run());
  } catch (err) {
    if (err instanceof UssdError) return { status: err.httpStatus, body: { error: err.message } };
    throw err;
  }
}

const fieldsOf = (body: unknown): Record<string, unknown> => (body && typeof body === 'object' && !Array.isArray(body) ? (body as Record<string, unknown>) : {});

export function ussdRoutes(sim: SimulatorParts): Route[] {
  const { ussd } = sim;
  return [
    {
      method: 'POST',
      pattern: '/ussd/sessions',
      handle({ body }) {
        const b = fieldsOf(body);
        if (typeof b.from !== 'string' || !/^\+?\d{3,20}$/.test(b.from)) return { status: 400, body: { error: 'from: expected an MSISDN of 3-20 digits' } };
        return guarded(() => ussd.dial(b.from as string, b.code as string));
      },
    },

    {
      method: 'GET',
      pattern: '/ussd/sessions',
      handle: ({ query }) => ok(ussd.list(query.get('from') ?? undefined)),
    },

    {
      method: 'GET',
      pattern: '/ussd/sessions/:id',
      handle({ params }) {
        const session = ussd.get(params.id);
        return session ? ok(session) : { status: 404, body: { error: `no USSD session ${params.id}` } };
      },
    },

    {
      method: 'POST',
      pattern: '/ussd/sessions/:id/answer',
      handle: ({ params, body }) => guarded(() => ussd.answer(params.id, fieldsOf(body).text as string)),
    },

    {
      method: 'POST',
      pattern: '/ussd/sessions/:id/abort',
      handle: ({ params }) => guarded(() => ussd.abort(params.id)),
    },
  ];
}
