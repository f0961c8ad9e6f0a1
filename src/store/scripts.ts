import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Redis } from 'ioredis';
import calculateSlot from 'cluster-key-slot';

// Every Lua script lives in src/store/lua/<name>.lua with a header naming its KEYS, ARGV and
// return values; here each is registered on a connection as a command of the same name.
//
// The cluster rule (README "Redis Cluster"): a script touches the keys of one hash slot only, so
// the same scripts run on one Redis and on Redis Cluster. `run` refuses a call whose keys span
// slots, on any deployment, so that every test enforces the rule.
export const SCRIPTS = {
  storeConcatPart: { numberOfKeys: 1 },
  claimMoIdentity: { numberOfKeys: 1 },
  recordMoAnswer: { numberOfKeys: 1 },
  applyReplyReceipt: { numberOfKeys: 1 },
  recordReplyPart: { numberOfKeys: 1 },
  claimDue: { numberOfKeys: 1 },
  finishClaim: { numberOfKeys: 1 },
  releasePointer: { numberOfKeys: 1 },
  createSubscriber: { numberOfKeys: 5 },
  bindDevice: { numberOfKeys: 3 },
  unbindDevice: { numberOfKeys: 3 },
  setDeviceKey: { numberOfKeys: 3 },
  setDeviceSuspended: { numberOfKeys: 3 },
  creditSubscriber: { numberOfKeys: 5 },
  refundPayment: { numberOfKeys: 5 },
  applyPosting: { numberOfKeys: 3 },
  indexLedgerEntries: { numberOfKeys: 2 },
  unlockSubscriber: { numberOfKeys: 1 },
  createMerchant: { numberOfKeys: 1 },
  loadSubscriberView: { numberOfKeys: 7 },
  applyPaymentDecision: { numberOfKeys: 9 },
  ussdCommitStep: { numberOfKeys: 4 },
  appendAudit: { numberOfKeys: 1 },
  takeTokens: { numberOfKeys: 1 },
} as const;

export type ScriptName = keyof typeof SCRIPTS;

const sources = new Map<string, string>();
function source(name: string): string {
  let s = sources.get(name);
  if (!s) {
    s = readFileSync(path.join(__dirname, 'lua', `${name}.lua`), 'utf8');
    sources.set(name, s);
  }
  return s;
}

export interface ScriptClient {
  run(name: ScriptName, keys: string[], args: Array<string | number>): Promise<unknown>;
}

export function registerScripts(redis: Redis): ScriptClient {
  for (const [name, def] of Object.entries(SCRIPTS)) {
    if (!(name in redis)) redis.defineCommand(name, { numberOfKeys: def.numberOfKeys, lua: source(name) });
  }
  return {
    run(name, keys, args) {
      assertOneSlot(name, keys);
      const fn = (redis as unknown as Record<string, (...a: unknown[]) => Promise<unknown>>)[name];
      return fn.call(redis, ...keys, ...args);
    },
  };
}

export class CrossSlotScriptError extends Error {
  constructor(name: string, keys: string[]) {
    super(`script ${name} would touch several cluster slots: ${keys.join(', ')}`);
    this.name = 'CrossSlotScriptError';
  }
}

/** Throws when the keys of one script call do not all hash to one Redis Cluster slot. */
export function assertOneSlot(name: string, keys: string[]): void {
  if (keys.length < 2) return;
  const slot = calculateSlot(keys[0]);
  for (let i = 1; i < keys.length; i++) if (calculateSlot(keys[i]) !== slot) throw new CrossSlotScriptError(name, keys);
}
