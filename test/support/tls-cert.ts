// A throw-away self-signed certificate for SMPP-over-TLS tests (the simulator's SIM_TLS_CERT /
// SIM_TLS_KEY, a client's `ca`). Made with the openssl CLI: Node has no certificate builder.
// The subject alternative names cover both ways a test connects: "localhost" and 127.0.0.1.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';

export interface SelfSignedCert {
  certFile: string;
  keyFile: string;
  /** The certificate as PEM text, for a client's `ca` (so it can verify instead of trusting blindly). */
  certPem: string;
}

/** Writes cert.pem and key.pem into `dir` (which must exist); valid for two days. */
export function makeSelfSignedCert(dir: string): SelfSignedCert {
  const certFile = path.join(dir, 'cert.pem');
  const keyFile = path.join(dir, 'key.pem');
  execFileSync(
    'openssl',
    [
      'req', '-x509', '-newkey', 'rsa:2048', '-nodes',
      '-subj', '/CN=localhost',
      '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1',
      '-days', '2',
      '-keyout', keyFile,
      '-out', certFile,
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  return { certFile, keyFile, certPem: readFileSync(certFile, 'utf8') };
}
