import assert from 'node:assert/strict';
import fc from 'fast-check';
import { countSegments, splitForSubmit, type SubmitSplit } from '../../../src/smpp/split';
import { decodeText } from '../../../src/smpp/text';
import { parseUdh } from '../../../src/smpp/udh';

/**
 * TP-UD octets on air: UDH octets, then GSM septets packed 7 bits each (after fill bits to the
 * next septet boundary, 23.040 §9.2.3.24) or UCS2 octets as they are.
 */
function airOctets(split: SubmitSplit, segment: Buffer): number {
  const udhOctets = split.udhi ? 1 + segment[0]! : 0;
  const payloadUnits = segment.length - udhOctets;
  if (split.dataCoding === 8) return udhOctets + payloadUnits;
  const udhSeptets = Math.ceil((udhOctets * 8) / 7);
  return Math.ceil(((udhSeptets + payloadUnits) * 7) / 8);
}

/** Decoded text of each part, checking UDH numbering on the way. */
function partTexts(split: SubmitSplit): string[] {
  return split.segments.map((segment, i) => {
    let payload = segment;
    if (split.udhi) {
      const udh = parseUdh(segment);
      assert.ok(udh.ok);
      assert.equal(udh.concat?.seq, i + 1);
      assert.equal(udh.concat?.total, split.segments.length);
      payload = udh.payload;
    }
    const decoded = decodeText(payload, split.dataCoding);
    assert.ok(decoded.ok, `part ${i + 1} decodes on its own`);
    return decoded.text;
  });
}

describe('smpp/split', () => {
  it('on a Latin-1 SMSC, data_coding 0 carries Latin-1 octets; text outside Latin-1 goes as UCS2', () => {
    const latin = splitForSubmit('Paid 12.50 KES à café', { ref: 1, defaultAlphabet: 'latin1' });
    assert.equal(latin.dataCoding, 0);
    assert.deepEqual(latin.segments[0], Buffer.from('Paid 12.50 KES à café', 'latin1'));
    const gsm = splitForSubmit('Paid 12.50 KES à café', { ref: 1 });
    assert.notDeepEqual(gsm.segments[0], latin.segments[0], 'GSM 03.38 octets differ for à and é');
    const greek = splitForSubmit('Δ paid', { ref: 1, defaultAlphabet: 'latin1' });
    assert.equal(greek.dataCoding, 8, 'Δ is GSM but not Latin-1');
    const long = splitForSubmit('x'.repeat(200), { ref: 7, defaultAlphabet: 'latin1' });
    assert.equal(long.segments.length, 2, 'GSM capacities still apply');
    assert.deepEqual(long.segments[0].subarray(6), Buffer.from('x'.repeat(153), 'latin1'));
  });

  it('sends 160 GSM septets as one segment and 161 as two', () => {
    const at = splitForSubmit('a'.repeat(160), { ref: 1 });
    assert.equal(at.dataCoding, 0);
    assert.equal(at.udhi, false);
    assert.equal(at.segments.length, 1);
    assert.equal(at.segments[0]!.length, 160);

    const over = splitForSubmit('a'.repeat(161), { ref: 1 });
    assert.equal(over.udhi, true);
    assert.deepEqual(partTexts(over).map((t) => t.length), [153, 8]);
    assert.equal(countSegments('a'.repeat(160)), 1);
    assert.equal(countSegments('a'.repeat(161)), 2);
  });

  it('counts extension characters twice against the 160 limit', () => {
    assert.equal(countSegments('€'.repeat(80)), 1);
    assert.equal(countSegments('€'.repeat(80) + 'a'), 2);
  });

  it('fills GSM parts with exactly 153 septets (152 with a 16-bit reference)', () => {
    assert.equal(countSegments('a'.repeat(306)), 2);
    assert.equal(countSegments('a'.repeat(307)), 3);
    assert.equal(countSegments('a'.repeat(304), 16), 2);
    assert.equal(countSegments('a'.repeat(305), 16), 3);
    const split = splitForSubmit('a'.repeat(305), { ref: 0x1234, refBits: 16 });
    assert.deepEqual(partTexts(split).map((t) => t.length), [152, 152, 1]);
    const udh = parseUdh(split.segments[0]!);
    assert.ok(udh.ok);
    assert.deepEqual(udh.concat, { ref: 0x1234, total: 3, seq: 1, refBits: 16 });
  });

  it('sends 70 UCS2 units as one segment and 71 as two parts of 67 + 4', () => {
    const at = splitForSubmit('Ж'.repeat(70), { ref: 1 });
    assert.equal(at.dataCoding, 8);
    assert.equal(at.segments.length, 1);
    assert.equal(at.segments[0]!.length, 140);

    const over = splitForSubmit('Ж'.repeat(71), { ref: 1 });
    assert.deepEqual(partTexts(over).map((t) => t.length), [67, 4]);
    assert.equal(countSegments('Ж'.repeat(66 * 2 + 1), 16), 3);
    assert.equal(countSegments('Ж'.repeat(66 * 2), 16), 2);
  });

  it('never splits a GSM escape pair across parts', () => {
    const text = 'a'.repeat(152) + '€' + 'b'.repeat(10); // € would occupy septets 153 and 154
    const parts = partTexts(splitForSubmit(text, { ref: 3 }));
    assert.deepEqual(parts, ['a'.repeat(152), '€' + 'b'.repeat(10)]);
  });

  it('never splits a surrogate pair across parts', () => {
    const text = 'x'.repeat(66) + '😀' + 'y'.repeat(10); // 😀 would occupy units 67 and 68
    const parts = partTexts(splitForSubmit(text, { ref: 3 }));
    assert.deepEqual(parts, ['x'.repeat(66), '😀' + 'y'.repeat(10)]);
  });

  it('counts an emoji as two UCS2 units against the 70 limit', () => {
    assert.equal(countSegments('😀'.repeat(35)), 1);
    assert.equal(countSegments('😀'.repeat(35) + 'a'), 2);
  });

  it('wraps the reference to its width', () => {
    const split = splitForSubmit('a'.repeat(200), { ref: 257 });
    const udh = parseUdh(split.segments[1]!);
    assert.ok(udh.ok);
    assert.equal(udh.concat?.ref, 1);
  });

  it('sends empty text as one empty segment', () => {
    assert.deepEqual(splitForSubmit('', { ref: 0 }), { dataCoding: 0, udhi: false, segments: [Buffer.alloc(0)] });
  });

  it('refuses text needing more than 255 parts', () => {
    assert.throws(() => splitForSubmit('a'.repeat(153 * 255 + 1), { ref: 1 }), RangeError);
    assert.equal(splitForSubmit('a'.repeat(153 * 255), { ref: 1 }).segments.length, 255);
  });

  it('keeps every part within 140 octets on air and loses nothing (property)', () => {
    const char = fc.constantFrom('a', 'Z', ' ', '€', '{', '\\', 'é', 'Ж', 'م', '😀', '👍🏽', '中');
    fc.assert(
      fc.property(fc.string({ unit: char, maxLength: 700 }), fc.constantFrom<8 | 16>(8, 16), (text, refBits) => {
        const split = splitForSubmit(text, { ref: 42, refBits });
        assert.equal(split.segments.length, countSegments(text, refBits));
        assert.equal(split.udhi, split.segments.length > 1);
        for (const segment of split.segments) {
          assert.ok(airOctets(split, segment) <= 140, `part of ${airOctets(split, segment)} octets`);
          assert.ok(segment.length <= 254, 'short_message limit');
        }
        assert.equal(partTexts(split).join(''), text);
      }),
    );
  });
});
