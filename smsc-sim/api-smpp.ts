// The SMPP side of the control API (documented in smsc-sim/README.md): bound sessions, the bind
// log, and the faults that act on connections (drop, garbage).
import type { Reply, Route } from './http';
import type { DropTarget } from './connection-faults';
import type { SimulatorParts } from './parts';

const ok = (body: unknown): Reply => ({ status: 200, body });
const bad = (error: string): Reply => ({ status: 400, body: { error } });

const isInt = (v: unknown, min: number, max: number): v is number => Number.isInteger(v) && (v as number) >= min && (v as number) <= max;

/** POST /faults/drop: no body (or {}) = every connection; {session} or {port} = only those. */
export function parseDropTarget(body: unknown): DropTarget | { error: string } {
  if (body === undefined) return null;
  if (!body || typeof body !== 'object' || Array.isArray(body)) return { error: 'body: expected a JSON object' };
  const b = body as Record<string, unknown>;
  for (const key of Object.keys(b)) if (key !== 'session' && key !== 'port') return { error: `${key}: unknown field (expected session or port)` };
  if (b.session !== undefined && b.port !== undefined) return { error: 'port: give session or port, not both' };
  if (b.session !== undefined) return isInt(b.session, 1, Number.MAX_SAFE_INTEGER) ? { session: b.session } : { error: 'session: expected a session id (positive integer)' };
  if (b.port !== undefined) return isInt(b.port, 1, 65535) ? { port: b.port } : { error: 'port: expected a listener port 1-65535' };
  return null;
}

export function smppRoutes(sim: SimulatorParts): Route[] {
  const { smpp, connectionFaults } = sim;
  return [
    { method: 'GET', pattern: '/sessions', handle: () => ok(smpp.bound().map((s) => s.view())) },

    { method: 'GET', pattern: '/binds', handle: () => ok(smpp.bindLog.list()) },

    {
      method: 'POST',
      pattern: '/faults/drop',
      handle({ body }) {
        const target = parseDropTarget(body);
        if (target && 'error' in target) return bad(target.error);
        return ok({ dropped: connectionFaults.drop(target) });
      },
    },

    { method: 'POST', pattern: '/faults/garbage', handle: () => ok({ sessions: connectionFaults.garbage() }) },
  ];
}
