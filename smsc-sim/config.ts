// Simulator configuration: built-in defaults < config/sim.json (or SIM_CONFIG) < environment.
// Every scalar key `fooBarMs` can be overridden by `SIM_FOO_BAR_MS`; the first account by
// SIM_SYSTEM_ID / SIM_PASSWORD. A bad value stops start-up with a message naming the setting.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { LOG_LEVELS, type LogLevel } from './log';

export interface Account {
  systemId: string;
  password: string;
}

export interface SimConfig {
  host: string;
  smppPort: number;
  httpPort: number;
  serviceNumber: string;
  accounts: Account[];
  deliveryReceiptDelayMs: number;
  moResponseTimeoutMs: number;
  redeliveryDelayMs: number;
  redeliveryMaxAttempts: number;
  imsiTlvTag: number;
  maxPduLength: number;
  receiptIdDecimalInText: boolean;
  deliverWindow: number;
  submitLogLimit: number;
  pduLogLimit: number;
  demoPhone: string;
  demoDevice: string;
  logLevel: LogLevel;
}

export class ConfigError extends Error {}

type ScalarKey = Exclude<keyof SimConfig, 'accounts'>;

interface Setting {
  parse(raw: unknown): unknown; // returns the value or throws a reason
  fallback: unknown;
}

function integer(min: number, max: number, fallback: number, hexAllowed = false): Setting {
  return {
    fallback,
    parse(raw) {
      let n: number;
      if (typeof raw === 'number') n = raw;
      else if (typeof raw === 'string' && /^\d+$/.test(raw.trim())) n = Number(raw.trim());
      else if (hexAllowed && typeof raw === 'string' && /^0x[0-9a-f]+$/i.test(raw.trim())) n = parseInt(raw.trim(), 16);
      else throw new Error(`expected an integer${hexAllowed ? ' (decimal or 0x hex)' : ''}`);
      const show = (v: number) => (hexAllowed ? `0x${v.toString(16)}` : String(v));
      if (!Number.isInteger(n) || n < min || n > max) throw new Error(`expected an integer from ${show(min)} to ${show(max)}`);
      return n;
    },
  };
}

function text(fallback: string, maxLength: number): Setting {
  return {
    fallback,
    parse(raw) {
      if (typeof raw !== 'string' || raw.length === 0 || raw.length > maxLength) {
        throw new Error(`expected a non-empty string of at most ${maxLength} characters`);
      }
      return raw;
    },
  };
}

const bool = (fallback: boolean): Setting => ({
  fallback,
  parse(raw) {
    if (typeof raw === 'boolean') return raw;
    if (raw === 'true' || raw === '1') return true;
    if (raw === 'false' || raw === '0') return false;
    throw new Error('expected true or false');
  },
});

const SETTINGS: Record<ScalarKey, Setting> = {
  host: text('127.0.0.1', 255),
  smppPort: integer(0, 65535, 2775),
  httpPort: integer(0, 65535, 2776),
  // SMPP 3.4 §5.2.8: destination_addr is at most 21 octets including the NUL.
  serviceNumber: text('20555', 20),
  deliveryReceiptDelayMs: integer(0, 3_600_000, 200),
  moResponseTimeoutMs: integer(1, 600_000, 5000),
  redeliveryDelayMs: integer(0, 3_600_000, 1000),
  redeliveryMaxAttempts: integer(1, 1000, 20),
  // SMPP 3.4 §5.3.2: 0x1400-0x3FFF is the range reserved for SMSC vendor-specific TLVs; any
  // other tag would shadow a standard TLV in the library's global table.
  imsiTlvTag: integer(0x1400, 0x3fff, 0x1500, true),
  // Below 254 octets of short_message plus header no submit_sm could fit.
  maxPduLength: integer(512, 1_048_576, 16384),
  receiptIdDecimalInText: bool(true),
  deliverWindow: integer(1, 10_000, 100),
  submitLogLimit: integer(1, 1_000_000, 10_000),
  // The PDU log feeds the web page; it is for watching, not for audits, so it stays small.
  pduLogLimit: integer(1, 100_000, 2000),
  // The two handsets the web page shows at first (SIM_DEMO_PHONE / SIM_DEMO_DEVICE).
  demoPhone: text('254700000001', 20),
  demoDevice: text('254700000002', 20),
  logLevel: {
    fallback: 'info',
    parse(raw) {
      if (typeof raw === 'string' && raw in LOG_LEVELS) return raw;
      throw new Error(`expected one of ${Object.keys(LOG_LEVELS).join(', ')}`);
    },
  },
};

export function envName(key: string): string {
  return 'SIM_' + key.replace(/[A-Z]/g, (c) => '_' + c).toUpperCase();
}

export const DEFAULT_CONFIG_FILE = path.resolve(__dirname, '..', 'config', 'sim.json');

function readFile(file: string): Record<string, unknown> {
  let raw: string;
  try {
    raw = readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigError(`cannot read config file ${file} (SIM_CONFIG): ${(err as Error).message}`);
  }
  try {
    const parsed: unknown = JSON.parse(raw);
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) return parsed as Record<string, unknown>;
  } catch {
    // fall through to the common message
  }
  throw new ConfigError(`config file ${file} (SIM_CONFIG) is not a JSON object`);
}

function parseAccounts(raw: unknown, where: string): Account[] {
  if (raw === undefined) return [{ systemId: 'simpair', password: 'secret' }];
  if (!Array.isArray(raw) || raw.length === 0) throw new ConfigError(`invalid setting accounts in ${where}: expected a non-empty array`);
  return raw.map((a, i) => {
    const acc = a as Partial<Account> | null;
    // SMPP 3.4 §4.1.1: system_id ≤ 16 octets, password ≤ 9, both with the NUL.
    if (!acc || typeof acc.systemId !== 'string' || acc.systemId.length === 0 || acc.systemId.length > 15) {
      throw new ConfigError(`invalid setting accounts[${i}].systemId in ${where}: expected 1-15 characters`);
    }
    if (typeof acc.password !== 'string' || acc.password.length > 8) {
      throw new ConfigError(`invalid setting accounts[${i}].password in ${where}: expected at most 8 characters`);
    }
    return { systemId: acc.systemId, password: acc.password };
  });
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): SimConfig {
  const file = env.SIM_CONFIG ?? DEFAULT_CONFIG_FILE;
  const fromFile = readFile(file);
  const where = path.relative(process.cwd(), file) || file;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(SETTINGS) as ScalarKey[]) {
    const setting = SETTINGS[key];
    const envKey = envName(key);
    const envValue = env[envKey];
    try {
      if (envValue !== undefined && envValue !== '') out[key] = setting.parse(envValue);
      else if (fromFile[key] !== undefined) out[key] = setting.parse(fromFile[key]);
      else out[key] = setting.fallback;
    } catch (err) {
      const source = envValue !== undefined && envValue !== '' ? `${envKey}=${JSON.stringify(envValue)}` : `${key} in ${where}`;
      throw new ConfigError(`invalid setting ${source}: ${(err as Error).message}`);
    }
  }
  const accounts = parseAccounts(fromFile.accounts, where);
  if (env.SIM_SYSTEM_ID !== undefined) {
    if (env.SIM_SYSTEM_ID.length === 0 || env.SIM_SYSTEM_ID.length > 15) throw new ConfigError('invalid setting SIM_SYSTEM_ID: expected 1-15 characters');
    accounts[0] = { ...accounts[0], systemId: env.SIM_SYSTEM_ID };
  }
  if (env.SIM_PASSWORD !== undefined) {
    if (env.SIM_PASSWORD.length > 8) throw new ConfigError('invalid setting SIM_PASSWORD: expected at most 8 characters');
    accounts[0] = { ...accounts[0], password: env.SIM_PASSWORD };
  }
  if (!/^\+?[0-9A-Za-z]+$/.test(out.serviceNumber as string)) {
    throw new ConfigError('invalid setting serviceNumber (SIM_SERVICE_NUMBER): expected digits or letters');
  }
  for (const key of ['demoPhone', 'demoDevice'] as const) {
    if (!/^\+?\d{3,20}$/.test(out[key] as string)) throw new ConfigError(`invalid setting ${key} (${envName(key)}): expected an MSISDN of digits`);
  }
  return { ...(out as Omit<SimConfig, 'accounts'>), accounts };
}
