// validity_period (SMPP 3.4 §5.2.16) in the time format of §7.1.1, "YYMMDDhhmmsstnnp":
//   absolute (§7.1.1.1): p is '+' or '-', nn the offset of that local time from UTC in quarter
//     hours ('+' = local time ahead of UTC), t tenths of a second;
//   relative (§7.1.1.2): p is 'R', YYMMDDhhmmss a period from the time the SMSC received the
//     message (tnn should be 000; like most SMSCs this one ignores them).
// Empty means the SMSC default validity, which for this simulator is "never expires".

export type Validity = { expiresAt: Date | null } | { error: string };

const FORMAT = /^(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)(\d)(\d\d)([+\-R])$/;

export function parseValidityPeriod(raw: string, receivedAt: Date): Validity {
  if (raw === '') return { expiresAt: null };
  const m = FORMAT.exec(raw);
  if (!m) return { error: 'not in the YYMMDDhhmmsstnnp format of SMPP 3.4 §7.1.1' };
  const [yy, mo, dd, hh, mi, ss, t, nn] = m.slice(1, 9).map(Number);
  const p = m[9];
  if (p === 'R') {
    // Years and months are calendar steps; the rest adds up (many ESMEs send e.g. 000000720000000R).
    const d = new Date(receivedAt.getTime());
    d.setUTCFullYear(d.getUTCFullYear() + yy, d.getUTCMonth() + mo);
    return { expiresAt: new Date(d.getTime() + ((dd * 24 + hh) * 60 + mi) * 60_000 + ss * 1000) };
  }
  if (nn > 48) return { error: 'the UTC offset nn is more than 48 quarter hours' };
  // SMPP 3.4 leaves the century open; every such date an ESME sends today is in 20YY.
  const localMs = Date.UTC(2000 + yy, mo - 1, dd, hh, mi, ss, t * 100);
  const local = new Date(localMs);
  if (mo < 1 || mo > 12 || local.getUTCDate() !== dd || local.getUTCMonth() !== mo - 1 || hh > 23 || mi > 59 || ss > 59) {
    return { error: 'not a valid date and time' };
  }
  const offsetMs = nn * 15 * 60_000;
  return { expiresAt: new Date(p === '+' ? localMs - offsetMs : localMs + offsetMs) };
}

/** §5.2.16: a message whose validity ends before it could be delivered is not delivered. */
export function isExpired(expiresAt: Date | null, deliverAt: Date): boolean {
  return expiresAt !== null && expiresAt.getTime() <= deliverAt.getTime();
}
