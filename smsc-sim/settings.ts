// Parsers for one configuration value each (config.ts holds the table). A parser returns the value
// or throws a reason; the loader adds which setting and where it came from.

export interface Setting {
  parse(raw: unknown): unknown;
  fallback: unknown;
}

function parseInteger(raw: unknown, hexAllowed: boolean): number {
  if (typeof raw === 'number') return raw;
  if (typeof raw === 'string' && /^\d+$/.test(raw.trim())) return Number(raw.trim());
  if (hexAllowed && typeof raw === 'string' && /^0x[0-9a-f]+$/i.test(raw.trim())) return parseInt(raw.trim(), 16);
  throw new Error(`expected an integer${hexAllowed ? ' (decimal or 0x hex)' : ''}`);
}

export function integer(min: number, max: number, fallback: number, hexAllowed = false): Setting {
  return {
    fallback,
    parse(raw) {
      const n = parseInteger(raw, hexAllowed);
      const show = (v: number) => (hexAllowed ? `0x${v.toString(16)}` : String(v));
      if (!Number.isInteger(n) || n < min || n > max) throw new Error(`expected an integer from ${show(min)} to ${show(max)}`);
      return n;
    },
  };
}

/** Like integer(), but unset (or JSON null) means "off": the value is null. */
export function optionalInteger(min: number, max: number, hexAllowed = false): Setting {
  const inner = integer(min, max, 0, hexAllowed);
  return { fallback: null, parse: (raw) => (raw === null ? null : inner.parse(raw)) };
}

export function text(fallback: string, maxLength: number): Setting {
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

/** A file path, or null when unset. */
export const optionalPath: Setting = {
  fallback: null,
  parse(raw) {
    if (raw === null) return null;
    if (typeof raw !== 'string' || raw.length === 0 || raw.length > 4096) throw new Error('expected a file path');
    return raw;
  },
};

export function bool(fallback: boolean): Setting {
  return {
    fallback,
    parse(raw) {
      if (typeof raw === 'boolean') return raw;
      if (raw === 'true' || raw === '1') return true;
      if (raw === 'false' || raw === '0') return false;
      throw new Error('expected true or false');
    },
  };
}

/** One of a fixed set of words; `fallback` null = unset unless given. */
export function choice<T extends string>(values: readonly T[], fallback: T | null): Setting {
  return {
    fallback,
    parse(raw) {
      if (raw === null && fallback === null) return null;
      if (typeof raw === 'string' && (values as readonly string[]).includes(raw)) return raw;
      throw new Error(`expected one of ${values.map((v) => `"${v}"`).join(', ')}`);
    },
  };
}
