import assert from 'node:assert/strict';
import fc from 'fast-check';
import { CODE_ALPHABET, CODE_LENGTH, codeFromRandomBytes, isCode } from '../../../src/domain';

describe('domain/code', () => {
  it('uses an alphabet without look-alikes', () => {
    for (const ch of '01OILS') assert.ok(!CODE_ALPHABET.includes(ch), ch);
    assert.equal(new Set(CODE_ALPHABET).size, CODE_ALPHABET.length);
    assert.equal(CODE_LENGTH, 6);
  });

  it('draws 6 symbols and skips bytes ≥ 240 (no modulo bias)', () => {
    assert.equal(codeFromRandomBytes(Uint8Array.from([0, 1, 2, 3, 4, 5])), '234567');
    assert.equal(codeFromRandomBytes(Uint8Array.from([240, 255, 29, 0, 1, 2, 3, 4])), 'Z23456');
    assert.equal(codeFromRandomBytes(Uint8Array.from([30, 31, 32, 33, 34, 35])), '234567');
  });

  it('returns null when the bytes run out', () => {
    assert.equal(codeFromRandomBytes(new Uint8Array(5)), null);
    assert.equal(codeFromRandomBytes(Uint8Array.from([250, 250, 250, 250, 250, 250, 1])), null);
  });

  it('every symbol is equally likely over all accepted byte values', () => {
    const counts = new Map<string, number>();
    for (let b = 0; b < 256; b += 1) {
      const code = codeFromRandomBytes(Uint8Array.from([b, 0, 0, 0, 0, 0]));
      if (code) counts.set(code[0], (counts.get(code[0]) ?? 0) + 1);
    }
    assert.equal(counts.size, CODE_ALPHABET.length);
    assert.ok([...counts.values()].every((n) => n === 8));
  });

  it('produces valid codes from any long enough byte string (property)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 0, maxLength: 40 }), (bytes) => {
        const code = codeFromRandomBytes(bytes);
        return code === null || isCode(code);
      }),
    );
  });

  it('isCode accepts only upper-case alphabet codes of length 6', () => {
    assert.ok(isCode('4KX9QM'));
    for (const bad of ['4kx9qm', '4KX9Q', '4KX9QMM', '4KX9Q0', 'OOOOOO', '4KX 9Q', '']) assert.ok(!isCode(bad), bad);
  });
});
