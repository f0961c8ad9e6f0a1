import assert from 'node:assert/strict';
import { buildConcatUdh, parseUdh } from '../../../src/smpp/udh';

const withPayload = (header: number[], payload = 'hi') => Buffer.concat([Buffer.from(header), Buffer.from(payload)]);

describe('smpp/udh', () => {
  it('parses an 8-bit reference concatenation IE', () => {
    const result = parseUdh(withPayload([0x05, 0x00, 0x03, 0xab, 0x03, 0x02]));
    assert.ok(result.ok);
    assert.equal(result.headerLength, 6);
    assert.deepEqual(result.concat, { ref: 0xab, total: 3, seq: 2, refBits: 8 });
    assert.equal(result.payload.toString(), 'hi');
  });

  it('parses a 16-bit reference concatenation IE', () => {
    const result = parseUdh(withPayload([0x06, 0x08, 0x04, 0x12, 0x34, 0x02, 0x01]));
    assert.ok(result.ok);
    assert.equal(result.headerLength, 7);
    assert.deepEqual(result.concat, { ref: 0x1234, total: 2, seq: 1, refBits: 16 });
    assert.equal(result.payload.toString(), 'hi');
  });

  it('skips other IEs before and after the concatenation IE', () => {
    // 0x05 application port addressing (16-bit), then concat, then 0x24 national language shift.
    const header = [0x0e, 0x05, 0x04, 0x0b, 0x84, 0x23, 0xf0, 0x00, 0x03, 0x07, 0x02, 0x02, 0x24, 0x01, 0x01];
    const result = parseUdh(withPayload(header));
    assert.ok(result.ok);
    assert.equal(result.headerLength, 15);
    assert.deepEqual(result.concat, { ref: 7, total: 2, seq: 2, refBits: 8 });
    assert.equal(result.payload.toString(), 'hi');
  });

  it('returns no concat when the header has none', () => {
    const result = parseUdh(withPayload([0x03, 0x24, 0x01, 0x01]));
    assert.ok(result.ok);
    assert.equal(result.concat, undefined);
    assert.equal(result.payload.toString(), 'hi');
  });

  it('uses the last of repeated concatenation IEs (23.040 §9.2.3.24)', () => {
    const result = parseUdh(withPayload([0x0a, 0x00, 0x03, 0x01, 0x02, 0x01, 0x00, 0x03, 0x09, 0x04, 0x03]));
    assert.ok(result.ok);
    assert.deepEqual(result.concat, { ref: 9, total: 4, seq: 3, refBits: 8 });
  });

  it('rejects empty input and a header longer than the data', () => {
    assert.equal(parseUdh(Buffer.alloc(0)).ok, false);
    assert.equal(parseUdh(Buffer.from([0x05, 0x00, 0x03, 0x01])).ok, false);
  });

  it('rejects an IE running past the header end', () => {
    assert.equal(parseUdh(withPayload([0x04, 0x00, 0x03, 0x01, 0x02])).ok, false);
    assert.equal(parseUdh(withPayload([0x01, 0x00])).ok, false);
  });

  it('rejects concatenation IEs of the wrong length', () => {
    assert.equal(parseUdh(withPayload([0x04, 0x00, 0x02, 0x01, 0x02])).ok, false);
    assert.equal(parseUdh(withPayload([0x05, 0x08, 0x03, 0x01, 0x02, 0x01])).ok, false);
  });

  it('rejects total 0, seq 0 and seq > total', () => {
    for (const [total, seq] of [[0, 0], [0, 1], [3, 0], [3, 4]]) {
      const result = parseUdh(withPayload([0x05, 0x00, 0x03, 0x01, total!, seq!]));
      assert.deepEqual(result, { ok: false, reason: 'concat_bad_sequence' }, `total ${total} seq ${seq}`);
    }
  });

  it('builds headers that parse back', () => {
    assert.deepEqual([...buildConcatUdh(0xab, 3, 1, 8)], [0x05, 0x00, 0x03, 0xab, 0x03, 0x01]);
    assert.deepEqual([...buildConcatUdh(0x1234, 2, 2, 16)], [0x06, 0x08, 0x04, 0x12, 0x34, 0x02, 0x02]);
    const parsed = parseUdh(buildConcatUdh(65535, 255, 255, 16));
    assert.ok(parsed.ok);
    assert.deepEqual(parsed.concat, { ref: 65535, total: 255, seq: 255, refBits: 16 });
    assert.equal(parsed.payload.length, 0);
  });

  it('refuses out-of-range header fields', () => {
    assert.throws(() => buildConcatUdh(256, 2, 1, 8), RangeError);
    assert.throws(() => buildConcatUdh(65536, 2, 1, 16), RangeError);
    assert.throws(() => buildConcatUdh(1, 0, 1, 8), RangeError);
    assert.throws(() => buildConcatUdh(1, 256, 1, 8), RangeError);
    assert.throws(() => buildConcatUdh(1, 2, 3, 8), RangeError);
    assert.throws(() => buildConcatUdh(1, 2, 0, 8), RangeError);
  });
});
