import pino, { type Logger } from 'pino';

export type { Logger } from 'pino';

/**
 * One logger per process role. Secrets are redacted by path as a second line of defence; the first
 * is never to log them. MSISDNs are masked by the callers (maskMsisdn) before they reach a log line.
 */
export function createLogger(role: string, level = 'info'): Logger {
  return pino({
    name: `simpair-${role}`,
    level,
    base: { role, pid: process.pid },
    redact: {
      paths: ['password', '*.password', 'adminToken', '*.adminToken', 'adminTokens', '*.adminTokens', 'token', '*.token', 'authorization', '*.authorization', 'text', '*.text'],
      censor: '[redacted]',
    },
  });
}
