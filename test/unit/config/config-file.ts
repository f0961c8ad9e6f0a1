import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** The environment that points loadConfig at a config file holding `json` (SIMPAIR_CONFIG). */
export function withFile(json: unknown): Record<string, string> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'simpair-config-'));
  const file = path.join(dir, 'config.json');
  writeFileSync(file, JSON.stringify(json));
  return { SIMPAIR_CONFIG: file };
}
