/**
 * The SMPP side of a USSD dialogue, as data: the ussd_service_op values (SMPP 3.4 §5.3.2.44) and
 * its_session_info (§5.3.2.43). The menu itself is the domain's (domain/ussd.ts), which knows
 * screens and inputs, not operations and octets.
 */

/** SMPP 3.4 §5.3.2.44 ussd_service_op values. */
export const USSD_OP = {
  PSSD_INDICATION: 0,
  PSSR_INDICATION: 1,
  USSR_REQUEST: 2,
  USSN_REQUEST: 3,
  PSSD_RESPONSE: 16,
  PSSR_RESPONSE: 17,
  USSR_CONFIRM: 18,
  USSN_CONFIRM: 19,
} as const;

/**
 * its_session_info (SMPP 3.4 §5.3.2.43): octet 1 the session number, octet 2 the sequence number of
 * the dialogue unit in bits 7..1 and the end-of-session indicator in bit 0.
 */
export interface SessionInfo {
  sessionNumber: number;
  sequence: number;
  end: boolean;
}

export function parseSessionInfo(hex: string | undefined): SessionInfo | null {
  if (hex === undefined || !/^[0-9a-fA-F]{4}$/.test(hex)) return null;
  const octet2 = parseInt(hex.slice(2, 4), 16);
  return { sessionNumber: parseInt(hex.slice(0, 2), 16), sequence: octet2 >> 1, end: (octet2 & 1) === 1 };
}

export function sessionInfoHex(info: SessionInfo): string {
  const octet2 = ((info.sequence & 0x7f) << 1) | (info.end ? 1 : 0);
  return [info.sessionNumber & 0xff, octet2].map((o) => o.toString(16).padStart(2, '0')).join('');
}

/** The operation of a network screen: a menu that expects an answer (USSR request), or the final message (PSSR response). */
export function screenOp(screen: { final: boolean }): number {
  return screen.final ? USSD_OP.PSSR_RESPONSE : USSD_OP.USSR_REQUEST;
}

/** What a USSD MO means to a menu (the same shape as domain/ussd.ts's UssdInput). */
export type UssdMoInput = { kind: 'dial'; text: string } | { kind: 'answer'; text: string } | { kind: 'abort' };

/**
 * What a USSD MO means: a PSSR indication starts a session (the dialled string); a USSR confirm is
 * the user's answer, or the user ending the session when the end bit is set. Without an operation,
 * a dial string counts as dialling. Other operations are not part of a menu dialogue (null).
 */
export function ussdInputOf(op: number | undefined, end: boolean, text: string): UssdMoInput | null {
  const kind = op ?? (/^\s*\*.*#\s*$/.test(text) ? USSD_OP.PSSR_INDICATION : USSD_OP.USSR_CONFIRM);
  if (kind === USSD_OP.PSSR_INDICATION) return { kind: 'dial', text };
  if (kind === USSD_OP.USSR_CONFIRM) return end ? { kind: 'abort' } : { kind: 'answer', text };
  return null;
}
