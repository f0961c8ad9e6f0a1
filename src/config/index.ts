import { readFileSync } from 'node:fs';
import path from 'node:path';
import { configSchema, ENV_OVERRIDES, type Config } from './schema';
import { resolveConnections } from './connections';

export type { Config } from './schema';
export { resolveConnections, describeConnection, type SmppConnectionConfig } from './connections';

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n  ${problems.join('\n  ')}`);
    this.name = 'ConfigError';
  }
}

const REPO_ROOT = path.resolve(__dirname, '..', '..');

function readJson(file: string): Record<string, unknown> {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  } catch (err) {
    throw new ConfigError([`${file}: ${(err as Error).message}`]);
  }
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function merge(base: Record<string, unknown>, over: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(over)) out[k] = isObject(v) && isObject(out[k]) ? merge(out[k] as Record<string, unknown>, v) : v;
  return out;
}

function setPath(obj: Record<string, unknown>, dotted: string, value: unknown): void {
  const parts = dotted.split('.');
  let cur = obj;
  for (const p of parts.slice(0, -1)) {
    if (!isObject(cur[p])) cur[p] = {};
    cur = cur[p] as Record<string, unknown>;
  }
  cur[parts[parts.length - 1]] = value;
}

/**
 * Loads config/default.json, then the file named by SIMPAIR_CONFIG (if any), then environment
 * overrides. Throws ConfigError naming every bad setting by its environment variable or path.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  let raw = readJson(path.join(REPO_ROOT, 'config', 'default.json'));
  if (env.SIMPAIR_CONFIG) raw = merge(raw, readJson(path.resolve(env.SIMPAIR_CONFIG)));
  if (!('adminToken' in raw)) raw.adminToken = null;
  const envNameOf = new Map<string, string>();
  for (const o of ENV_OVERRIDES) {
    envNameOf.set(o.path, o.env);
    const v = env[o.env];
    if (v !== undefined && v !== '') setPath(raw, o.path, o.parse(v));
  }
  const result = configSchema.safeParse(raw);
  if (!result.success) {
    throw new ConfigError(
      result.error.issues.map((i) => {
        const p = i.path.join('.');
        const envName = envNameOf.get(p);
        return `${envName ? `${envName} (${p})` : p}: ${i.message}`;
      }),
    );
  }
  const cfg = result.data;
  if (cfg.smpp.reconnectMaxMs < cfg.smpp.reconnectBaseMs) {
    throw new ConfigError(['smpp.reconnectMaxMs: must not be below smpp.reconnectBaseMs']);
  }
  try {
    resolveConnections(cfg);
  } catch (err) {
    throw new ConfigError([(err as Error).message]);
  }
  return cfg;
}
