import { createHash } from 'node:crypto';

/** Hex SHA-1 of a text: the intake's keys for a message's identity and for its concatenated parts. */
export function sha1(s: string): string {
  return createHash('sha1').update(s).digest('hex');
}
