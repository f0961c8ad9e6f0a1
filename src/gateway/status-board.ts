import type { Redis } from 'ioredis';
import type { Keys } from '../store/keys';
import type { ConnectionStatus } from './connection';

/**
 * A published status counts as current for this many publishing intervals (gateway.statusIntervalMs):
 * a gateway that stops publishing is down; one missed beat (a GC pause, a slow Redis) is not.
 */
const INTERVALS_CURRENT = 3;

export interface GatewayStatus {
  gateway: string;
  expiresAt: number;
  connections: ConnectionStatus[];
}

/** Reads every gateway's current status (expired ones left out), for /readyz and link liveness. */
export async function readGatewayStatuses(redis: Redis, keys: Keys, now: number): Promise<GatewayStatus[]> {
  const all = await redis.hgetall(keys.gatewayStatus());
  const out: GatewayStatus[] = [];
  for (const json of Object.values(all)) {
    try {
      const s = JSON.parse(json) as GatewayStatus;
      if (s.expiresAt > now) out.push(s);
    } catch {
      // a half-written or foreign field: ignore it
    }
  }
  return out;
}

/**
 * Each gateway publishes the state of its connections every gateway.statusIntervalMs (one hash field per gateway),
 * and reads the others' back: the bind incarnations that are up anywhere decide whether the link
 * that carried a message is gone (message-identity.ts).
 */
export class GatewayStatusBoard {
  private remoteLinks = new Set<string>();

  constructor(
    private readonly redis: Redis,
    private readonly keys: Keys,
    private readonly gateway: string,
    private readonly snapshot: () => ConnectionStatus[],
    private readonly intervalMs: number,
  ) {}

  async publish(): Promise<void> {
    const now = Date.now();
    const status: GatewayStatus = { gateway: this.gateway, expiresAt: now + INTERVALS_CURRENT * this.intervalMs, connections: this.snapshot() };
    try {
      await this.redis.hset(this.keys.gatewayStatus(), this.gateway, JSON.stringify(status));
      const links = new Set<string>();
      for (const g of await readGatewayStatuses(this.redis, this.keys, now)) {
        if (g.gateway === this.gateway) continue;
        for (const c of g.connections) for (const s of c.sessions) if (s.link && s.state === 'bound') links.add(s.link.id);
      }
      this.remoteLinks = links;
    } catch {
      // Redis down: readiness reports that on its own; the remote links keep their last value.
    }
  }

  remoteLinkAlive(id: string): boolean {
    return this.remoteLinks.has(id);
  }

  async withdraw(): Promise<void> {
    await this.redis.hdel(this.keys.gatewayStatus(), this.gateway).catch(() => undefined);
  }
}
