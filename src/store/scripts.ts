import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Redis } from 'ioredis';

// Every Lua script lives in src/store/lua/<name>.lua with a header naming its KEYS, ARGV and
// return values; here each is registered on a connection as a command of the same name.
export const SCRIPTS = {
  storeConcatPart: { numberOfKeys: 2 },
  claimMoIdentity: { numberOfKeys: 1 },
  recordMoAnswer: { numberOfKeys: 1 },
  applyReplyReceipt: { numberOfKeys: 1 },
  recordReplyPart: { numberOfKeys: 1 },
  claimDueExpiries: { numberOfKeys: 1 },
  finishExpiry: { numberOfKeys: 1 },
  releaseCode: { numberOfKeys: 1 },
  createSubscriber: { numberOfKeys: 7 },
  bindDevice: { numberOfKeys: 4 },
  unbindDevice: { numberOfKeys: 3 },
  creditSubscriber: { numberOfKeys: 5 },
  refundPayment: { numberOfKeys: 8 },
  unlockSubscriber: { numberOfKeys: 1 },
  createMerchant: { numberOfKeys: 3 },
  loadSubscriberView: { numberOfKeys: 6 },
  applyPaymentDecision: { numberOfKeys: 10 },
  ussdCommitStep: { numberOfKeys: 4 },
  appendAudit: { numberOfKeys: 1 },
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
      const fn = (redis as unknown as Record<string, (...a: unknown[]) => Promise<unknown>>)[name];
      return fn.call(redis, ...keys, ...args);
    },
  };
}
