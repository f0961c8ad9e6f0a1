import assert from 'node:assert/strict';
import fc from 'fast-check';
import { concatOf, joinParts, type ConcatInput } from '../../../src/smpp/concat';
import { buildConcatUdh } from '../../../src/smpp/udh';

const UDHI = 0x40;
const text = (s: string) => Buffer.from(s, 'latin1');
const withUdh = (header: number[] | Buffer, payload: string) => Buffer.concat([Buffer.from(header), text(payload)]);

describe('smpp/concat', () => {
  describe('concatOf', () => {
    const rows: Array<[name: string, input: ConcatInput, expected: ReturnType<typeof concatOf>]> = [
      ['plain text', { esmClass: 0, body: text('hi') }, { kind: 'single', payload: text('hi') }],
      ['a receipt with reply path', { esmClass: 0x84, body: text('id:1') }, { kind: 'single', payload: text('id:1') }],
      ['an 8-bit UDH part', { esmClass: UDHI, body: withUdh(buildConcatUdh(0xab, 3, 2, 8), 'bc') },
        { kind: 'part', scheme: 'udh8', ref: 0xab, total: 3, seq: 2, payload: text('bc') }],
      ['a 16-bit UDH part', { esmClass: UDHI | 0x80, body: withUdh(buildConcatUdh(0x1234, 2, 1, 16), 'ab') },
        { kind: 'part', scheme: 'udh16', ref: 0x1234, total: 2, seq: 1, payload: text('ab') }],
      ['a UDH of total 1', { esmClass: UDHI, body: withUdh(buildConcatUdh(7, 1, 1), 'whole') }, { kind: 'single', payload: text('whole') }],
      ['a UDH without a concatenation IE (ports only)', { esmClass: UDHI, body: withUdh([0x06, 0x05, 0x04, 0x0b, 0x84, 0x23, 0xf0], 'x') },
        { kind: 'single', payload: text('x') }],
      ['a ports-only UDH with SAR TLVs', { esmClass: UDHI, body: withUdh([0x06, 0x05, 0x04, 0x0b, 0x84, 0x23, 0xf0], 'x'), sarRef: 9, sarTotal: 2, sarSeq: 2 },
        { kind: 'part', scheme: 'sar', ref: 9, total: 2, seq: 2, payload: text('x') }],
      ['UDH and SAR both: the UDH wins', { esmClass: UDHI, body: withUdh(buildConcatUdh(1, 2, 1), 'a'), sarRef: 9, sarTotal: 3, sarSeq: 3 },
        { kind: 'part', scheme: 'udh8', ref: 1, total: 2, seq: 1, payload: text('a') }],
      ['UDH-looking octets without UDHI are text', { esmClass: 0, body: withUdh(buildConcatUdh(1, 2, 1), 'a') },
        { kind: 'single', payload: withUdh(buildConcatUdh(1, 2, 1), 'a') }],
      ['a SAR part', { esmClass: 0, body: text('part'), sarRef: 0xffff, sarTotal: 255, sarSeq: 255 },
        { kind: 'part', scheme: 'sar', ref: 0xffff, total: 255, seq: 255, payload: text('part') }],
      ['SAR ref 0', { esmClass: 0, body: text('p'), sarRef: 0, sarTotal: 2, sarSeq: 1 },
        { kind: 'part', scheme: 'sar', ref: 0, total: 2, seq: 1, payload: text('p') }],
      ['SAR total 1', { esmClass: 0, body: text('whole'), sarRef: 5, sarTotal: 1, sarSeq: 1 }, { kind: 'single', payload: text('whole') }],

      ['UDHI with an empty body', { esmClass: UDHI, body: Buffer.alloc(0) }, { kind: 'invalid', reason: 'udh_missing' }],
      ['UDHI with a header longer than the body', { esmClass: UDHI, body: Buffer.from([0x05, 0x00, 0x03]) }, { kind: 'invalid', reason: 'udh_truncated' }],
      ['a UDH part numbered 0', { esmClass: UDHI, body: withUdh([0x05, 0x00, 0x03, 1, 2, 0], 'a') }, { kind: 'invalid', reason: 'concat_bad_sequence' }],
      ['SAR without sar_segment_seqnum', { esmClass: 0, body: text('p'), sarRef: 1, sarTotal: 2 }, { kind: 'invalid', reason: 'sar_incomplete' }],
      ['SAR with sar_msg_ref_num alone', { esmClass: 0, body: text('p'), sarRef: 1 }, { kind: 'invalid', reason: 'sar_incomplete' }],
      ['SAR seq 0', { esmClass: 0, body: text('p'), sarRef: 1, sarTotal: 2, sarSeq: 0 }, { kind: 'invalid', reason: 'sar_bad_seq' }],
      ['SAR seq above the total', { esmClass: 0, body: text('p'), sarRef: 1, sarTotal: 2, sarSeq: 3 }, { kind: 'invalid', reason: 'sar_bad_seq' }],
      ['SAR seq above a total of 1', { esmClass: 0, body: text('p'), sarRef: 1, sarTotal: 1, sarSeq: 2 }, { kind: 'invalid', reason: 'sar_bad_seq' }],
      ['SAR total 0', { esmClass: 0, body: text('p'), sarRef: 1, sarTotal: 0, sarSeq: 1 }, { kind: 'invalid', reason: 'sar_bad_total' }],
      ['SAR total 256', { esmClass: 0, body: text('p'), sarRef: 1, sarTotal: 256, sarSeq: 1 }, { kind: 'invalid', reason: 'sar_bad_total' }],
      ['SAR ref above 16 bits', { esmClass: 0, body: text('p'), sarRef: 0x10000, sarTotal: 2, sarSeq: 1 }, { kind: 'invalid', reason: 'sar_bad_ref' }],
    ];
    for (const [name, input, expected] of rows) {
      it(`${name} → ${expected.kind === 'invalid' ? expected.reason : expected.kind}`, () => assert.deepEqual(concatOf(input), expected));
    }
  });

  describe('joinParts', () => {
    const parts = (entries: Array<[number, string]>) => new Map(entries.map(([seq, s]) => [seq, text(s)]));

    it('joins parts 1..total in sequence order, whatever the insertion order', () => {
      assert.deepEqual(joinParts(parts([[3, 'c'], [1, 'a'], [2, 'b']]), 3), text('abc'));
      assert.deepEqual(joinParts(parts([[1, 'only']]), 1), text('only'));
    });

    it('is null while a part is missing, or with a part outside 1..total', () => {
      assert.equal(joinParts(parts([[1, 'a'], [3, 'c']]), 3), null);
      assert.equal(joinParts(parts([[1, 'a'], [2, 'b'], [3, 'c']]), 2), null);
      assert.equal(joinParts(parts([[0, 'x'], [1, 'a']]), 2), null);
      assert.equal(joinParts(parts([]), 0), null);
    });
  });

  describe('properties', () => {
    /** A payload cut into 1..12 parts, an arrival order, and how the SMSC marks the parts. */
    const scenario = fc
      .record({
        payload: fc.uint8Array({ maxLength: 300 }),
        cuts: fc.array(fc.nat(), { minLength: 0, maxLength: 11 }),
        scheme: fc.constantFrom('udh8' as const, 'udh16' as const, 'sar' as const),
        ref: fc.nat({ max: 0xff }),
      })
      .chain(({ payload, cuts, scheme, ref }) => {
        const points = [...new Set(cuts.map((c) => c % (payload.length + 1)))].sort((a, b) => a - b);
        const bounds = [0, ...points, payload.length];
        const chunks = bounds.slice(1).map((end, i) => Buffer.from(payload.subarray(bounds[i]!, end)));
        const indices = chunks.map((_, i) => i);
        return fc
          .shuffledSubarray(indices, { minLength: indices.length, maxLength: indices.length })
          .map((order) => ({ payload: Buffer.from(payload), chunks, scheme, ref, order }));
      });

    it('parts split in any arrival order and joined give the payload back', () => {
      fc.assert(
        fc.property(scenario, ({ payload, chunks, scheme, ref, order }) => {
          const total = chunks.length;
          const received = new Map<number, Buffer>();
          for (const i of order) {
            const seq = i + 1;
            const input: ConcatInput =
              scheme === 'sar'
                ? { esmClass: 0, body: chunks[i]!, sarRef: ref, sarTotal: total, sarSeq: seq }
                : { esmClass: UDHI, body: Buffer.concat([buildConcatUdh(ref, total, seq, scheme === 'udh16' ? 16 : 8), chunks[i]!]) };
            const view = concatOf(input);
            if (total === 1) {
              assert.equal(view.kind, 'single');
              received.set(1, view.kind === 'single' ? view.payload : Buffer.alloc(0));
              continue;
            }
            assert.ok(view.kind === 'part');
            assert.equal(view.scheme, scheme);
            assert.equal(view.total, total);
            assert.equal(view.ref, ref);
            received.set(view.seq, view.payload);
          }
          assert.deepEqual(joinParts(received, total), payload);
        }),
      );
    });

    it('any part missing leaves the message unjoined', () => {
      fc.assert(
        fc.property(fc.integer({ min: 2, max: 20 }), fc.nat(), (total, drop) => {
          const parts = new Map(Array.from({ length: total }, (_, i) => [i + 1, Buffer.from([i])] as const));
          parts.delete((drop % total) + 1);
          assert.equal(joinParts(parts, total), null);
        }),
      );
    });
  });
});
