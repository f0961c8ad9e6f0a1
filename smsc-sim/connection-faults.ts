// Faults that act on ESME connections themselves: cut without unbind (POST /faults/drop, and the
// downListeners fault for the sessions already there), or fed octets no SMPP parser can frame.
import { randomBytes } from 'node:crypto';
import type { EsmeSession } from './esme-session';
import type { Faults } from './faults';

/** Which connections POST /faults/drop cuts: all, one session, or those of one listener. */
export type DropTarget = { session: number } | { port: number } | null;

export class ConnectionFaults {
  constructor(
    private readonly sessions: ReadonlySet<EsmeSession>,
    private readonly faults: Faults,
  ) {}

  /** Cuts every connection (bound or not) the target names; returns how many. */
  drop(target: DropTarget = null): number {
    return this.destroyWhere((s) => target === null || ('session' in target ? s.id === target.session : s.listener.port === target.port));
  }

  /** downListeners just changed: the sessions of listeners now down go at once. */
  dropDownListeners(): number {
    return this.destroyWhere((s) => this.faults.isListenerDown(s.listener.port));
  }

  /** 64 random octets after a first 0xFF: a command_length ≥ 0xFF000000, unframeable (§3.2). */
  garbage(): number {
    let n = 0;
    for (const s of this.sessions) {
      if (!s.link.socket.writable) continue;
      const junk = randomBytes(64);
      junk[0] = 0xff;
      s.link.socket.write(junk);
      n++;
    }
    return n;
  }

  private destroyWhere(pred: (s: EsmeSession) => boolean): number {
    const hit = [...this.sessions].filter(pred);
    for (const s of hit) s.link.destroy();
    return hit.length;
  }
}
