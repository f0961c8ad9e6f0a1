import assert from 'node:assert/strict';
import fc from 'fast-check';
import { Reassembler } from '../../../src/smpp/reassembly';
import { countSegments, splitForSubmit } from '../../../src/smpp/split';
import { decodeText } from '../../../src/smpp/text';
import { parseUdh } from '../../../src/smpp/udh';

const key = (ref: number, total: number, source = '2557001', destination = '15555') => ({ source, destination, ref, total });
const b = (s: string) => Buffer.from(s);

describe('smpp/reassembly', () => {
  it('completes a single-part message at once without storing it', () => {
    const r = new Reassembler({ ttlMs: 1000, maxPending: 10 });
    assert.deepEqual(r.add(key(1, 1), 1, b('x'), 0), { complete: true, payloads: [b('x')] });
    assert.equal(r.pendingCount, 0);
  });

  it('returns payloads in seq order whatever the arrival order', () => {
    const r = new Reassembler({ ttlMs: 1000, maxPending: 10 });
    assert.deepEqual(r.add(key(7, 3), 3, b('c'), 0), { complete: false });
    assert.deepEqual(r.add(key(7, 3), 1, b('a'), 1), { complete: false });
    assert.equal(r.pendingCount, 1);
    assert.deepEqual(r.add(key(7, 3), 2, b('b'), 2), { complete: true, payloads: [b('a'), b('b'), b('c')] });
    assert.equal(r.pendingCount, 0);
  });

  it('lets a duplicate part replace the earlier copy without counting twice', () => {
    const r = new Reassembler({ ttlMs: 1000, maxPending: 10 });
    r.add(key(7, 2), 1, b('old'), 0);
    assert.deepEqual(r.add(key(7, 2), 1, b('new'), 1), { complete: false });
    assert.deepEqual(r.add(key(7, 2), 2, b('!'), 2), { complete: true, payloads: [b('new'), b('!')] });
  });

  it('does not mix messages with a different total, sender or service number', () => {
    const r = new Reassembler({ ttlMs: 1000, maxPending: 10 });
    r.add(key(7, 2), 1, b('A1'), 0);
    assert.deepEqual(r.add(key(7, 3), 2, b('B2'), 0), { complete: false });
    assert.deepEqual(r.add(key(7, 2, 'other'), 2, b('C2'), 0), { complete: false });
    assert.deepEqual(r.add(key(7, 2, '2557001', '16666'), 2, b('D2'), 0), { complete: false });
    assert.equal(r.pendingCount, 4);
    assert.deepEqual(r.add(key(7, 2), 2, b('A2'), 0), { complete: true, payloads: [b('A1'), b('A2')] });
  });

  it('evicts messages whose first part is ttlMs old', () => {
    const r = new Reassembler({ ttlMs: 1000, maxPending: 10 });
    r.add(key(1, 2), 1, b('a'), 0);
    r.add(key(2, 2), 1, b('b'), 500);
    assert.equal(r.evictExpired(999), 0);
    assert.equal(r.evictExpired(1000), 1);
    assert.equal(r.pendingCount, 1);
    assert.equal(r.evictExpired(1500), 1);
    assert.equal(r.pendingCount, 0);
  });

  it('starts afresh when a reference is reused after its old parts expired', () => {
    const r = new Reassembler({ ttlMs: 1000, maxPending: 10 });
    r.add(key(1, 2), 1, b('stale'), 0);
    assert.deepEqual(r.add(key(1, 2), 2, b('new2'), 5000), { complete: false });
    assert.deepEqual(r.add(key(1, 2), 1, b('new1'), 5001), { complete: true, payloads: [b('new1'), b('new2')] });
  });

  it('bounds pending messages by maxPending, dropping the oldest', () => {
    const r = new Reassembler({ ttlMs: 60_000, maxPending: 2 });
    r.add(key(1, 2), 1, b('1a'), 0);
    r.add(key(2, 2), 1, b('2a'), 1);
    r.add(key(3, 2), 1, b('3a'), 2);
    assert.equal(r.pendingCount, 2);
    assert.deepEqual(r.add(key(1, 2), 2, b('1b'), 3), { complete: false }, 'message 1 was dropped');
    assert.deepEqual(r.add(key(3, 2), 2, b('3b'), 4), { complete: true, payloads: [b('3a'), b('3b')] });
  });

  it('refuses seq outside 1..total', () => {
    const r = new Reassembler({ ttlMs: 1000, maxPending: 10 });
    assert.throws(() => r.add(key(1, 2), 0, b('x'), 0), RangeError);
    assert.throws(() => r.add(key(1, 2), 3, b('x'), 0), RangeError);
    assert.throws(() => r.add(key(1, 0), 1, b('x'), 0), RangeError);
  });

  it('rebuilds the original text from split parts in any order (property)', () => {
    const char = fc.constantFrom('a', ' ', '€', '[', 'Ж', '😀', 'م');
    const textAndOrder = fc
      .string({ unit: char, minLength: 1, maxLength: 600 })
      .chain((text) => {
        const indices = Array.from({ length: countSegments(text) }, (_, i) => i);
        return fc.tuple(fc.constant(text), fc.shuffledSubarray(indices, { minLength: indices.length, maxLength: indices.length }));
      });
    fc.assert(
      fc.property(textAndOrder, fc.constantFrom<8 | 16>(8, 16), ([text, order], refBits) => {
        const split = splitForSubmit(text, { ref: 200, refBits });
        const r = new Reassembler({ ttlMs: 1000, maxPending: 4 });
        let result: ReturnType<Reassembler['add']> = { complete: false };
        for (const [n, index] of order.entries()) {
          const segment = split.segments[index]!;
          let seq = 1;
          let total = 1;
          let ref = 0;
          let payload = segment;
          if (split.udhi) {
            const udh = parseUdh(segment);
            assert.ok(udh.ok && udh.concat);
            ({ seq, total, ref } = udh.concat);
            payload = udh.payload;
          }
          result = r.add({ source: 's', destination: 'd', ref, total }, seq, payload, n);
          assert.equal(result.complete, n === order.length - 1);
        }
        assert.ok(result.complete);
        const decoded = decodeText(Buffer.concat(result.payloads), split.dataCoding);
        assert.deepEqual(decoded, { ok: true, text });
        assert.equal(r.pendingCount, 0);
      }),
    );
  });
});
