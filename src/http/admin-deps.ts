import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { Config } from '../config';
import type { Keys } from '../store/keys';
import type { ScriptClient } from '../store/scripts';

/**
 * What the admin routes are built from (admin.ts, device-routes.ts, merchant-routes.ts). Its own
 * module, so that admin.ts, which mounts the other two, and they do not import each other.
 */
export interface AdminDeps {
  redis: Redis;
  keys: Keys;
  scripts: ScriptClient;
  config: Config;
  log: Logger;
}
