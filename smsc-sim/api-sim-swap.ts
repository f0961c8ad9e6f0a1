// The operator's SIM-swap check, in the style of the GSMA Open Gateway / CAMARA "SIM Swap" API
// (base URL `<http>/sim-swap`), for the simulator's handsets; and the control routes that mark a
// handset's SIM as swapped. Documented in smsc-sim/README.md.
//
// The CAMARA routes answer in CAMARA's shapes, errors included ({status, code, message}), so they
// are raw routes: the control API's {"error"} shape and its order (body first) do not apply.
// Order: the simSwapApi fault (down → 503 at once), the bearer token (401), x-correlator and the
// body (400), then the answer, sent at once or, with the fault "slow", after SLOW_ANSWER_MS.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { HttpError, readBody, type Reply, type Route } from './http';
import { checkMsisdn, parseSwapMark } from './sim-swap';
import type { SimulatorParts } from './parts';

/** The simSwapApi fault "slow": long enough for any client's timeout to fire first. */
export const SLOW_ANSWER_MS = 10_000;
export const DEFAULT_MAX_AGE_HOURS = 240;
const MAX_AGE_HOURS = 2400;
// CAMARA's PhoneNumber: E.164 with a leading '+'.
const PHONE_NUMBER = /^\+[1-9][0-9]{4,14}$/;
// CAMARA's XCorrelator pattern; a valid one is echoed in the answer's x-correlator header.
const X_CORRELATOR = /^[a-zA-Z0-9-_:;.\/<>{}]{0,256}$/;

interface CamaraAnswer {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

const camaraError = (status: number, code: string, message: string, headers?: Record<string, string>): CamaraAnswer => ({
  status,
  body: { status, code, message },
  headers,
});
const invalid = (message: string) => camaraError(400, 'INVALID_ARGUMENT', message);

type Fields = { phoneNumber: string; maxAge: number };

/** The request body of /check (`withMaxAge`) or /retrieve-date, or a 400 naming the field. */
function parseBody(body: unknown, withMaxAge: boolean): Fields | CamaraAnswer {
  const allowed = withMaxAge ? ['phoneNumber', 'maxAge'] : ['phoneNumber'];
  if (!body || typeof body !== 'object' || Array.isArray(body)) return invalid(`body: expected a JSON object {${allowed.join(', ')}}`);
  const b = body as Record<string, unknown>;
  for (const key of Object.keys(b)) if (!allowed.includes(key)) return invalid(`${key}: unknown field (expected ${allowed.join(' or ')})`);
  if (b.phoneNumber === undefined) return invalid('phoneNumber: required (E.164 with a leading "+", e.g. "+254700000001")');
  if (typeof b.phoneNumber !== 'string' || !PHONE_NUMBER.test(b.phoneNumber)) {
    return invalid('phoneNumber: expected E.164 with a leading "+" (^\\+[1-9][0-9]{4,14}$), e.g. "+254700000001"');
  }
  const maxAge = withMaxAge && b.maxAge !== undefined ? b.maxAge : DEFAULT_MAX_AGE_HOURS;
  if (!Number.isInteger(maxAge) || (maxAge as number) < 1 || (maxAge as number) > MAX_AGE_HOURS) {
    return invalid(`maxAge: expected an integer number of hours 1-${MAX_AGE_HOURS} (default ${DEFAULT_MAX_AGE_HOURS})`);
  }
  return { phoneNumber: b.phoneNumber, maxAge: maxAge as number };
}

/** RFC 6750: `Authorization: Bearer <token>`, the scheme in any case. */
function bearerToken(req: IncomingMessage): string | null {
  const m = /^Bearer +(\S+) *$/i.exec(req.headers.authorization ?? '');
  return m ? m[1] : null;
}

function write(res: ServerResponse, answer: CamaraAnswer, correlator: string | undefined): void {
  const body = JSON.stringify(answer.body);
  res.writeHead(answer.status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(body),
    'cache-control': 'no-store',
    ...(correlator !== undefined ? { 'x-correlator': correlator } : {}),
    ...answer.headers,
  });
  res.end(body);
}

function camaraRoute(sim: SimulatorParts, pattern: string, withMaxAge: boolean, answer: (f: Fields) => CamaraAnswer): Route {
  const isCheck = withMaxAge;
  const evaluate = async (req: IncomingMessage): Promise<CamaraAnswer> => {
    if (sim.faults.state.simSwapApi === 'down') return camaraError(503, 'UNAVAILABLE', 'Service unavailable (simulator fault simSwapApi: "down").');
    if (bearerToken(req) !== sim.config.simSwapToken) {
      return camaraError(401, 'UNAUTHENTICATED', 'Request not authenticated due to missing, invalid, or expired credentials.', {
        'www-authenticate': 'Bearer realm="smsc-sim"',
      });
    }
    const correlator = req.headers['x-correlator'];
    if (correlator !== undefined && (typeof correlator !== 'string' || !X_CORRELATOR.test(correlator))) {
      return invalid('x-correlator: expected at most 256 characters of [a-zA-Z0-9-_:;./<>{}]');
    }
    let body: unknown;
    try {
      body = await readBody(req);
    } catch (err) {
      if (!(err instanceof HttpError)) throw err;
      return err.status === 413 ? camaraError(413, 'PAYLOAD_TOO_LARGE', 'body: larger than 1 MiB') : invalid('body: invalid JSON');
    }
    const fields = parseBody(body, withMaxAge);
    return 'status' in fields ? fields : answer(fields);
  };

  return {
    method: 'POST',
    pattern,
    raw(req, res) {
      const generation = sim.generation; // a reset in between: the late answer is not counted
      const raw = req.headers['x-correlator'];
      const correlator = typeof raw === 'string' && X_CORRELATOR.test(raw) ? raw : undefined;
      let gone = false;
      res.on('close', () => (gone = true));
      const deliver = (a: CamaraAnswer) => {
        const counted = isCheck && generation === sim.generation;
        if (gone || res.writableEnded) {
          // The client gave up (its timeout fired): nothing was answered.
          if (counted) sim.counters.sim_swap_checks_abandoned++;
          return;
        }
        if (counted) {
          sim.counters.sim_swap_checks++;
          if (a.status === 200 && (a.body as { swapped?: unknown }).swapped === true) sim.counters.sim_swap_swapped++;
        }
        write(res, a, correlator);
      };
      const slow = sim.faults.state.simSwapApi === 'slow';
      evaluate(req).then(
        (a) => {
          if (!slow) return deliver(a);
          setTimeout(() => deliver(a), SLOW_ANSWER_MS).unref();
        },
        (err: Error) => {
          if (!res.headersSent) write(res, camaraError(500, 'INTERNAL', 'Server error.'), correlator);
          else res.destroy(err);
        },
      );
    },
  };
}

const ok = (body: unknown): Reply => ({ status: 200, body });
const bad = (error: string): Reply => ({ status: 400, body: { error } });

export function simSwapRoutes(sim: SimulatorParts): Route[] {
  const { simSwap } = sim;
  return [
    // CAMARA SIM Swap: POST /check {phoneNumber, maxAge?} → {swapped}.
    camaraRoute(sim, '/sim-swap/check', true, (f) => ({ status: 200, body: { swapped: simSwap.swappedWithin(f.phoneNumber, f.maxAge) } })),
    // CAMARA SIM Swap: POST /retrieve-date {phoneNumber} → {latestSimChange}.
    camaraRoute(sim, '/sim-swap/retrieve-date', false, (f) => ({ status: 200, body: { latestSimChange: simSwap.view(f.phoneNumber).swappedAt } })),

    // Control: mark a handset's SIM as swapped (an ISO time or "now") or never swapped (null).
    {
      method: 'GET',
      pattern: '/handsets/:msisdn/sim-swap',
      handle({ params }) {
        const error = checkMsisdn(params.msisdn);
        return error ? bad(error) : ok(simSwap.view(params.msisdn));
      },
    },
    {
      method: 'PUT',
      pattern: '/handsets/:msisdn/sim-swap',
      handle({ params, body }) {
        const error = checkMsisdn(params.msisdn);
        if (error) return bad(error);
        const mark = parseSwapMark(body);
        if ('error' in mark) return bad(mark.error);
        return ok(simSwap.set(params.msisdn, mark.at));
      },
    },
  ];
}
