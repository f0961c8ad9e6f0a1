// SMPP over TLS (what SMSCs offer as "SMPPS"; SMPP 3.4 itself says nothing of transport security):
// the PEM files behind the TLS listener, checked at start-up so a bad file names its setting.
import { readFileSync } from 'node:fs';
import { createSecureContext } from 'node:tls';

export interface TlsMaterial {
  cert: Buffer;
  key: Buffer;
}

export function readTls(certFile: string, keyFile: string): TlsMaterial {
  return { cert: readFileSync(certFile), key: readFileSync(keyFile) };
}

/** Null when TLS is off or usable; else a message naming the setting. */
export function checkTls(certFile: string | null, keyFile: string | null): string | null {
  if (certFile === null && keyFile === null) return null;
  if (certFile === null) return 'invalid setting tlsCert (SIM_TLS_CERT): required when tlsKey (SIM_TLS_KEY) is set';
  if (keyFile === null) return 'invalid setting tlsKey (SIM_TLS_KEY): required when tlsCert (SIM_TLS_CERT) is set';
  for (const [name, env, file] of [
    ['tlsCert', 'SIM_TLS_CERT', certFile],
    ['tlsKey', 'SIM_TLS_KEY', keyFile],
  ] as const) {
    try {
      readFileSync(file);
    } catch (err) {
      return `invalid setting ${name} (${env}): cannot read ${file}: ${(err as Error).message}`;
    }
  }
  try {
    createSecureContext(readTls(certFile, keyFile));
  } catch (err) {
    return `invalid setting tlsCert/tlsKey (SIM_TLS_CERT / SIM_TLS_KEY): not a usable PEM certificate and key: ${(err as Error).message}`;
  }
  return null;
}
