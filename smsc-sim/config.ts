// Simulator configuration: built-in defaults < config/sim.json (or SIM_CONFIG) < environment.
// Every scalar key `fooBarMs` can be overridden by `SIM_FOO_BAR_MS`; the first account by
// SIM_SYSTEM_ID / SIM_PASSWORD. A bad value stops start-up with a message naming the setting.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { LOG_LEVELS, type LogLevel } from './log';
import { bool, choice, integer, optionalInteger, optionalPath, type Setting, text } from './settings';
import { checkTls } from './tls';

export interface Account {
  systemId: string;
  password: string;
}

export type IdFormat = 'hex' | 'decimal';
export const ID_FORMATS: readonly IdFormat[] = ['hex', 'decimal'];

export interface SimConfig {
  host: string;
  smppPort: number;
  listeners: number; // plain SMPP listeners: the first on smppPort, the others on free ports
  tlsCert: string | null; // PEM files; both set = one more listener, over TLS, on smppsPort
  tlsKey: string | null;
  smppsPort: number;
  httpPort: number;
  serviceNumber: string;
  accounts: Account[];
  deliveryReceiptDelayMs: number;
  moResponseTimeoutMs: number;
  redeliveryDelayMs: number;
  redeliveryMaxAttempts: number;
  imsiTlvTag: number;
  moMessageIdTlvTag: number | null;
  maxPduLength: number;
  messageIdFormat: IdFormat;
  receiptIdFormat: IdFormat | null;
  receiptIdDecimalInText: boolean;
  receiptTlvNul: boolean;
  receiptEncoding: 'gsm' | 'ucs2';
  receiptTlvs: boolean;
  deliverWindow: number;
  submitLogLimit: number;
  pduLogLimit: number;
  demoPhone: string;
  demoDevice: string;
  simSwapToken: string; // the bearer token the SIM-swap API (POST /sim-swap/*) wants
  logLevel: LogLevel;
}

export class ConfigError extends Error {}

type ScalarKey = Exclude<keyof SimConfig, 'accounts'>;

const SETTINGS: Record<ScalarKey, Setting> = {
  host: text('127.0.0.1', 255),
  smppPort: integer(0, 65535, 2775),
  // Real SMSCs offer several front ends (one per node or per port) and often SMPP over TLS.
  listeners: integer(1, 8, 1),
  tlsCert: optionalPath,
  tlsKey: optionalPath,
  smppsPort: integer(0, 65535, 0),
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
  // Off unless set: the vendor TLV carrying the SMSC's own id of each MO part (same range).
  moMessageIdTlvTag: optionalInteger(0x1400, 0x3fff, true),
  // Below 254 octets of short_message plus header no submit_sm could fit.
  maxPduLength: integer(512, 1_048_576, 16384),
  // How message ids are written (§5.2.23 leaves the form to the SMSC): submit_sm_resp, and the
  // receipt's text and receipted_message_id (§5.3.2.12). receiptIdFormat, when set, wins over
  // receiptIdDecimalInText (kept for older configurations: TLV as messageIdFormat, text decimal).
  messageIdFormat: choice(ID_FORMATS, 'hex'),
  receiptIdFormat: choice(ID_FORMATS, null),
  receiptIdDecimalInText: bool(true),
  // §5.3.2.12 says receipted_message_id is a C-octet string; some SMSCs send it without the NUL.
  receiptTlvNul: bool(true),
  receiptEncoding: choice(['gsm', 'ucs2'] as const, 'gsm'),
  // Some SMSCs send only the Appendix B text, no receipted_message_id / message_state.
  receiptTlvs: bool(true),
  deliverWindow: integer(1, 10_000, 100),
  submitLogLimit: integer(1, 1_000_000, 10_000),
  // The PDU log feeds the web page; it is for watching, not for audits, so it stays small.
  pduLogLimit: integer(1, 100_000, 2000),
  // The two handsets the web page shows at first (SIM_DEMO_PHONE / SIM_DEMO_DEVICE).
  demoPhone: text('254700000001', 20),
  demoDevice: text('254700000002', 20),
  // The operator SIM-swap API's bearer token (SIM_SIM_SWAP_TOKEN): a fixed one, there is no OAuth server.
  simSwapToken: text('sim-swap-token', 512),
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
  if (out.moMessageIdTlvTag !== null && out.moMessageIdTlvTag === out.imsiTlvTag) {
    throw new ConfigError('invalid setting moMessageIdTlvTag (SIM_MO_MESSAGE_ID_TLV_TAG): must differ from imsiTlvTag (SIM_IMSI_TLV_TAG)');
  }
  const tlsError = checkTls(out.tlsCert as string | null, out.tlsKey as string | null);
  if (tlsError) throw new ConfigError(tlsError);
  for (const key of ['demoPhone', 'demoDevice'] as const) {
    if (!/^\+?\d{3,20}$/.test(out[key] as string)) throw new ConfigError(`invalid setting ${key} (${envName(key)}): expected an MSISDN of digits`);
  }
  // RFC 6750 §2.1: a bearer token is b64token, so that it fits an Authorization header as it is.
  if (!/^[A-Za-z0-9\-._~+/]+=*$/.test(out.simSwapToken as string)) {
    throw new ConfigError('invalid setting simSwapToken (SIM_SIM_SWAP_TOKEN): expected letters, digits and -._~+/ (then = padding)');
  }
  return { ...(out as Omit<SimConfig, 'accounts'>), accounts };
}
