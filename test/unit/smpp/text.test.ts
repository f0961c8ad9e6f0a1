import assert from 'node:assert/strict';
import { chooseDataCoding, DATA_CODING, decodeText, encodeText } from '../../../src/smpp/text';

describe('smpp/text', () => {
  it('chooses GSM when every character fits, else UCS2', () => {
    assert.equal(chooseDataCoding('Your code is 1234 {€}'), DATA_CODING.GSM7);
    assert.equal(chooseDataCoding(''), DATA_CODING.GSM7);
    assert.equal(chooseDataCoding('Код 1234'), DATA_CODING.UCS2);
    assert.equal(chooseDataCoding('ok 👍'), DATA_CODING.UCS2);
  });

  it('encodes UCS2 as UTF-16BE, emoji as a surrogate pair', () => {
    assert.deepEqual([...encodeText('Aд', 8)], [0x00, 0x41, 0x04, 0x34]);
    assert.deepEqual([...encodeText('😀', 8)], [0xd8, 0x3d, 0xde, 0x00]);
  });

  it('round-trips Cyrillic, Arabic and emoji through UCS2', () => {
    for (const text of ['Привет, мир', 'مرحبا بالعالم', 'pay 💸 now 👍🏽', '中文']) {
      assert.deepEqual(decodeText(encodeText(text, 8), 8), { ok: true, text });
    }
  });

  it('round-trips GSM text through data_coding 0', () => {
    const text = 'Code: 1234 [valid 5 min] ~€';
    assert.deepEqual(decodeText(encodeText(text, 0), 0), { ok: true, text });
  });

  it('throws when asked to encode non-GSM text as GSM', () => {
    assert.throws(() => encodeText('Я', 0), RangeError);
  });

  it('decodes IA5 and rejects bytes above 0x7F', () => {
    assert.deepEqual(decodeText(Buffer.from('hi `there`', 'latin1'), 1), { ok: true, text: 'hi `there`' });
    assert.deepEqual(decodeText(Buffer.from([0x68, 0xe9]), 1), { ok: false, reason: 'invalid_encoding' });
  });

  it('decodes Latin-1', () => {
    assert.deepEqual(decodeText(Buffer.from([0x63, 0x61, 0x66, 0xe9]), 3), { ok: true, text: 'café' });
  });

  it('rejects odd-length UCS2 and lone surrogates', () => {
    assert.deepEqual(decodeText(Buffer.from([0x00, 0x41, 0x00]), 8), { ok: false, reason: 'invalid_encoding' });
    assert.deepEqual(decodeText(Buffer.from([0xd8, 0x3d, 0x00, 0x41]), 8), { ok: false, reason: 'invalid_encoding' });
    assert.deepEqual(decodeText(Buffer.from([0xde, 0x00]), 8), { ok: false, reason: 'invalid_encoding' });
    assert.deepEqual(decodeText(Buffer.from([0x00, 0x41, 0xd8, 0x3d]), 8), { ok: false, reason: 'invalid_encoding' });
  });

  it('rejects GSM bytes above 0x7F', () => {
    assert.deepEqual(decodeText(Buffer.from([0x41, 0xc0]), 0), { ok: false, reason: 'invalid_encoding' });
  });

  it('reads coding group 1111: bit 2 clear = GSM 7-bit, set = 8-bit data (unsupported)', () => {
    const gsm = encodeText('Hi', 0);
    for (const dc of [0xf0, 0xf1, 0xf2, 0xf3]) assert.deepEqual(decodeText(gsm, dc), { ok: true, text: 'Hi' });
    for (const dc of [0xf4, 0xf5, 0xf6, 0xf7]) {
      assert.deepEqual(decodeText(gsm, dc), { ok: false, reason: 'unsupported_data_coding' });
    }
  });

  it('reports other data codings as unsupported', () => {
    for (const dc of [2, 4, 5, 6, 7, 9, 0x10, 0xc0, 0xe8, 0x1f0]) {
      assert.deepEqual(decodeText(Buffer.from('x'), dc), { ok: false, reason: 'unsupported_data_coding' }, `dc ${dc}`);
    }
  });

  describe('the SMSC default alphabet (data_coding 0)', () => {
    const cafe = Buffer.from([0x63, 0x61, 0x66, 0xe9]);

    it('is GSM 03.38 unless told otherwise', () => {
      assert.deepEqual(decodeText(Buffer.from([0x00, 0x41]), 0), { ok: true, text: '@A' });
      assert.deepEqual(decodeText(Buffer.from([0x00, 0x41]), 0, { defaultAlphabet: 'gsm7' }), { ok: true, text: '@A' });
      assert.deepEqual(decodeText(cafe, 0), { ok: false, reason: 'invalid_encoding' });
    });

    it('is Latin-1 on an SMSC configured so', () => {
      assert.deepEqual(decodeText(cafe, 0, { defaultAlphabet: 'latin1' }), { ok: true, text: 'café' });
      assert.deepEqual(decodeText(Buffer.from([0x00, 0x41]), 0, { defaultAlphabet: 'latin1' }), { ok: true, text: '\0A' });
    });

    it('changes nothing but data_coding 0', () => {
      const gsm = encodeText('Hi', 0);
      const rows: Array<[bytes: Buffer, dc: number]> = [
        [gsm, 0xf0], // coding group 1111 names GSM 7-bit itself
        [cafe, 3],
        [encodeText('Привет', 8), 8],
        [Buffer.from('ascii'), 1],
        [Buffer.from('x'), 4],
      ];
      for (const [bytes, dc] of rows) {
        assert.deepEqual(decodeText(bytes, dc, { defaultAlphabet: 'latin1' }), decodeText(bytes, dc), `dc ${dc}`);
      }
    });
  });
});
