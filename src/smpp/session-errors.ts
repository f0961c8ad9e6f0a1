import type { smpp } from './library';
import { statusName } from './status';

// What an ESME session's requests fail with (esme-session.ts); the sender tells them apart.

export class SmppRequestError extends Error {
  constructor(
    readonly command: string,
    readonly status: number,
  ) {
    super(`${command} answered ${statusName(status)}`);
    this.name = 'SmppRequestError';
  }
}

export class SmppTimeoutError extends Error {
  constructor(
    readonly command: string,
    /** The response if it still comes within lateResponseGraceMs, else null (link gone, or never). */
    readonly late: Promise<smpp.PDU | null>,
  ) {
    super(`${command}: no response in time`);
    this.name = 'SmppTimeoutError';
  }
}

export class NotBoundError extends Error {
  constructor(name: string) {
    super(`SMPP session ${name} is not bound`);
    this.name = 'NotBoundError';
  }
}
