import type { Redis } from 'ioredis';
import type { Keys } from './keys';
import { registerScripts, type ScriptClient } from './scripts';

/**
 * The admin audit log: one entry per change an operator made through the admin API, who (the
 * token's name and role), what, to what, in which request. Written by src/http/access.ts `audit()`.
 *
 * Storage: one Redis Stream (keys.auditLog()), appended by appendAudit.lua with ids we choose —
 * a sequence number `<n>-0`, shown to clients as `n`. Why a Stream and not a list + counter:
 * - A stream has no command that changes an entry in place (a list has LSET, LINSERT, LREM); the
 *   only ways to remove entries are XDEL and XTRIM / XADD MAXLEN|MINID, and simpair never calls
 *   them on this key. So appending is the only thing the code can do to it.
 * - Paging by id is `XRANGE key (<after> + COUNT n`: O(log N + n) wherever the cursor is; a list's
 *   LRANGE costs its offset, which grows with the log.
 * - With the ids our own dense sequence (not Redis's time-based `*` ids), a gap in the numbers is
 *   visible evidence that an entry was deleted, and a number is never reused: the sequence follows
 *   the stream's last generated id, which Redis keeps across XDEL and in the AOF.
 * - One key, so one Redis Cluster slot and one atomic script. Durable as every other key (AOF,
 *   noeviction); it grows without bound by design: export it elsewhere if it must be pruned.
 */

export interface AuditEntry {
  /** Sequence number as text: "1", "2", …; the `after` cursor of GET /v1/audit. */
  id: string;
  /** ISO time (Redis's clock). */
  at: string;
  operator: string;
  role: string;
  action: string;
  target: string;
  requestId: string;
  details: Record<string, unknown>;
}

export type NewAuditEntry = Omit<AuditEntry, 'id' | 'at'>;

export const AUDIT_ID = /^[0-9]{1,15}$/;

export class AuditLog {
  private readonly scripts: ScriptClient;

  constructor(
    private readonly redis: Redis,
    private readonly keys: Keys,
  ) {
    this.scripts = registerScripts(redis);
  }

  /** Appends an entry; resolves with its id once Redis has it. */
  async append(e: NewAuditEntry): Promise<AuditEntry> {
    const [n, at] = (await this.scripts.run('appendAudit', [this.keys.auditLog()], [e.operator, e.role, e.action, e.target, e.requestId, JSON.stringify(e.details)])) as [number, number];
    return { id: String(n), at: new Date(Number(at)).toISOString(), ...e };
  }

  /** Entries oldest first after the entry `after` (exclusive); `next` is the cursor of the next page, null at the end. */
  async list(opts: { after?: string; limit: number }): Promise<{ entries: AuditEntry[]; next: string | null }> {
    const from = opts.after === undefined ? '-' : `(${opts.after}-0`;
    const raw = (await this.redis.xrange(this.keys.auditLog(), from, '+', 'COUNT', opts.limit + 1)) as Array<[string, string[]]>;
    const entries = raw.slice(0, opts.limit).map(([id, fields]) => entryOf(id, fields));
    return { entries, next: raw.length > opts.limit ? entries[entries.length - 1].id : null };
  }
}

function entryOf(streamId: string, fields: string[]): AuditEntry {
  const f: Record<string, string> = {};
  for (let i = 0; i + 1 < fields.length; i += 2) f[fields[i]] = fields[i + 1];
  let details: Record<string, unknown> = {};
  try {
    details = JSON.parse(f.details ?? '{}') as Record<string, unknown>;
  } catch {
    details = { unreadable: true };
  }
  return {
    id: streamId.split('-')[0],
    at: new Date(Number(f.at)).toISOString(),
    operator: f.operator,
    role: f.role,
    action: f.action,
    target: f.target,
    requestId: f.requestId,
    details,
  };
}
