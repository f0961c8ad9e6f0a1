import assert from 'node:assert/strict';
import { isExpired, parseValidityPeriod } from '../../smsc-sim/validity';

// The validity_period parser alone (SMPP 3.4 §7.1.1 "YYMMDDhhmmsstnnp"): a pure function, no process.

const RECEIVED = new Date('2025-01-01T00:00:00.000Z');
const at = (raw: string) => {
  const v = parseValidityPeriod(raw, RECEIVED);
  assert.ok(!('error' in v), `${raw}: ${'error' in v ? v.error : ''}`);
  return v.expiresAt?.toISOString() ?? null;
};

describe('smsc-sim: validity_period parsing (§7.1.1)', () => {
  it('reads empty as the SMSC default: no expiry', () => {
    assert.equal(at(''), null);
  });

  it('reads absolute times with tenths and the UTC offset in quarter hours', () => {
    assert.equal(at('250102030405600+'), '2025-01-02T03:04:05.600Z');
    assert.equal(at('250102030405008+'), '2025-01-02T01:04:05.000Z', 'local time 2 h ahead of UTC');
    assert.equal(at('250102030405004-'), '2025-01-02T04:04:05.000Z', 'local time 1 h behind UTC');
    assert.equal(at('250102001500001+'), '2025-01-02T00:00:00.000Z', 'one quarter hour');
    assert.equal(at('240229235959948+'), '2024-02-29T11:59:59.900Z', 'leap day, 12 h ahead');
  });

  it('reads relative periods from the time of receipt: calendar years and months, then days to seconds', () => {
    assert.equal(at('000000000000000R'), RECEIVED.toISOString());
    assert.equal(at('000001020304000R'), '2025-01-02T02:03:04.000Z');
    assert.equal(at('010200000000000R'), '2026-03-01T00:00:00.000Z');
    assert.equal(at('000000720000000R'), '2025-01-04T00:00:00.000Z', '72 hours');
    assert.equal(at('000000000090000R'), '2025-01-01T00:01:30.000Z', '90 seconds');
  });

  it('refuses what is not a §7.1.1 time', () => {
    for (const raw of ['2501020304056', '250102030405000+0', 'abcdefghijklmnop', '250102030405000X', '250132030405000+', '250230030405000+', '251302030405000+', '250002030405000+', '250102250000000+', '250102036000000+', '250102030460000+', '250102030405049+']) {
      assert.ok('error' in parseValidityPeriod(raw, RECEIVED), raw);
    }
  });

  it('counts a message as expired when its validity ends at or before the delivery attempt', () => {
    const t = new Date('2025-01-01T00:00:10Z');
    assert.equal(isExpired(null, t), false);
    assert.equal(isExpired(new Date('2025-01-01T00:00:09Z'), t), true);
    assert.equal(isExpired(new Date('2025-01-01T00:00:10Z'), t), true);
    assert.equal(isExpired(new Date('2025-01-01T00:00:11Z'), t), false);
  });
});
