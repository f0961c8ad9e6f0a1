import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ADMIN_TOKEN_NAME, configSchema, ENV_OVERRIDES, parseAdminTokenItem, type AdminTokenDigest, type Config } from './schema';
import { resolveConnections } from './connections';

export type { Config, AdminRole, AdminTokenDigest } from './schema';
export { ADMIN_ROLES, tokenSha256 } from './schema';
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
        if (i.path[0] === 'adminTokens' && typeof i.path[1] === 'number') {
          const rest = i.path.slice(2).join('.');
          return `${adminTokenLabel(raw.adminTokens, i.path[1], envNameOf)}: ${rest ? `${rest}: ` : ''}${i.message}`;
        }
        const p = i.path.join('.');
        // An item of a list variable (REDIS_CLUSTER_NODES) is named by the variable and its position.
        const listPath = i.path.filter((seg) => typeof seg !== 'number').join('.');
        const envName = envNameOf.get(p) ?? (typeof i.path[i.path.length - 1] === 'number' ? envNameOf.get(listPath) : undefined);
        return `${envName ? `${envName} (${p})` : p}: ${i.message}`;
      }),
    );
  }
  const cfg = result.data;
  const tokenProblems = adminTokenConflicts(cfg.adminToken, cfg.adminTokens, raw.adminTokens, envNameOf);
  if (tokenProblems.length) throw new ConfigError(tokenProblems);
  if (cfg.redis.url && cfg.redis.clusterNodes.length) {
    throw new ConfigError(['REDIS_CLUSTER_NODES (redis.clusterNodes): set either it or REDIS_URL (redis.url), not both']);
  }
  const retentionProblems = retentionConflicts(cfg, envNameOf);
  if (retentionProblems.length) throw new ConfigError(retentionProblems);
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

/**
 * `ADMIN_TOKENS (adminTokens) entry 2 "support"`: how a problem names an entry of adminTokens. The
 * name is shown only when it is a valid name (something pasted in its place might be a token); the
 * token never is.
 */
function adminTokenLabel(rawList: unknown, index: number, envNameOf: Map<string, string>): string {
  const item = Array.isArray(rawList) ? (rawList[index] as unknown) : undefined;
  const name = typeof item === 'string' ? parseAdminTokenItem(item)?.name : isObject(item) ? item.name : undefined;
  const shown = typeof name === 'string' && ADMIN_TOKEN_NAME.test(name) ? ` "${name}"` : '';
  return `${envNameOf.get('adminTokens') ?? 'ADMIN_TOKENS'} (adminTokens) entry ${index + 1}${shown}`;
}

/** Names and tokens must be unique across ADMIN_TOKEN (named `admin`) and every ADMIN_TOKENS entry. */
function adminTokenConflicts(single: AdminTokenDigest | null, list: AdminTokenDigest[], rawList: unknown, envNameOf: Map<string, string>): string[] {
  const problems: string[] = [];
  const singleLabel = `${envNameOf.get('adminToken') ?? 'ADMIN_TOKEN'} (adminToken)`;
  list.forEach((e, i) => {
    const label = adminTokenLabel(rawList, i, envNameOf);
    const sameName = list.findIndex((o) => o.name === e.name);
    const sameToken = list.findIndex((o) => o.tokenSha256 === e.tokenSha256);
    if (sameName < i) problems.push(`${label}: name: already used by entry ${sameName + 1}`);
    else if (single && single.name === e.name) problems.push(`${label}: name: "${e.name}" is the name of ${singleLabel}`);
    if (sameToken < i) problems.push(`${label}: token: the same token as entry ${sameToken + 1} (each operator needs a token of her own)`);
    else if (single && single.tokenSha256 === e.tokenSha256) problems.push(`${label}: token: the same token as ${singleLabel}`);
  });
  return problems;
}


/** Records must outlive what they guard against (schema.ts, retention). */
function retentionConflicts(cfg: Config, envNameOf: Map<string, string>): string[] {
  const label = (path: string): string => (envNameOf.has(path) ? `${envNameOf.get(path)} (${path})` : path);
  const problems: string[] = [];
  if (cfg.retention.appliedMoSeconds < cfg.mo.dedupeWindowSeconds) {
    problems.push(`${label('retention.appliedMoSeconds')}: must be at least mo.dedupeWindowSeconds (${cfg.mo.dedupeWindowSeconds}): a redelivery within the window would be applied again`);
  }
  const longestDeadline = Math.max(...Object.values(cfg.replies.deadlineSeconds));
  if (cfg.retention.replySeconds < longestDeadline) {
    problems.push(`${label('retention.replySeconds')}: must be at least the longest replies.deadlineSeconds (${longestDeadline}): receipts of replies still valid would find no record`);
  }
  return problems;
}
