import assert from 'node:assert/strict';
import fc from 'fast-check';
import { decodeGsm7, encodeGsm7, GSM7_BASIC, GSM7_EXTENSION, gsm7Length, isGsm7 } from '../../../src/smpp/gsm7';

const EXTENSION_CHARS = ['€', '[', ']', '{', '}', '~', '^', '|', '\\', '\f'];

describe('smpp/gsm7', () => {
  it('has a 128-entry basic table with distinct characters and the escape at 0x1B', () => {
    assert.equal(GSM7_BASIC.length, 128);
    assert.equal(new Set(GSM7_BASIC).size, 128);
    assert.equal(GSM7_BASIC[0x00], '@');
    assert.equal(GSM7_BASIC[0x24], '¤');
    assert.equal(GSM7_BASIC[0x7f], 'à');
  });

  it('encodes basic characters as one septet per octet', () => {
    assert.deepEqual([...encodeGsm7('@£$A a\n')], [0x00, 0x01, 0x02, 0x41, 0x20, 0x61, 0x0a]);
  });

  it('encodes extension characters as escape + code', () => {
    assert.deepEqual([...encodeGsm7('€')], [0x1b, 0x65]);
    assert.deepEqual([...encodeGsm7('[]{}~^|\\')], [
      0x1b, 0x3c, 0x1b, 0x3e, 0x1b, 0x28, 0x1b, 0x29, 0x1b, 0x3d, 0x1b, 0x14, 0x1b, 0x40, 0x1b, 0x2f,
    ]);
  });

  it('round-trips every basic and extension character', () => {
    const all = GSM7_BASIC.filter((c) => c !== '\x1b').join('') + Object.values(GSM7_EXTENSION).join('');
    assert.equal(decodeGsm7(encodeGsm7(all)), all);
  });

  it('round-trips any GSM string (property)', () => {
    const gsmChar = fc.constantFrom(...GSM7_BASIC.filter((c) => c !== '\x1b'), ...EXTENSION_CHARS);
    fc.assert(
      fc.property(fc.string({ unit: gsmChar, maxLength: 300 }), (text) => {
        const bytes = encodeGsm7(text);
        assert.equal(bytes.length, gsm7Length(text));
        assert.equal(decodeGsm7(bytes), text);
      }),
    );
  });

  it('counts extension characters as two septets', () => {
    assert.equal(gsm7Length('hello'), 5);
    assert.equal(gsm7Length('€5'), 3);
    assert.equal(gsm7Length(EXTENSION_CHARS.join('')), 20);
    assert.equal(gsm7Length(''), 0);
  });

  it('rejects characters outside the alphabet', () => {
    assert.equal(isGsm7('Привет'), false);
    assert.equal(isGsm7('ok 😀'), false);
    assert.equal(isGsm7('ç'), false); // only upper-case Ç is in 23.038
    assert.equal(isGsm7('`'), false);
    assert.equal(isGsm7('Hello {world} €'), true);
    assert.throws(() => encodeGsm7('a😀'), /U\+1F600/);
    assert.throws(() => gsm7Length('Я'), RangeError);
  });

  it('returns null for bytes above 0x7F and a dangling escape', () => {
    assert.equal(decodeGsm7(Buffer.from([0x41, 0x80])), null);
    assert.equal(decodeGsm7(Buffer.from([0x41, 0x1b])), null);
    assert.equal(decodeGsm7(Buffer.from([0x1b, 0xff])), null);
  });

  it('shows an unknown extension code as its basic character and ESC ESC as a space (23.038)', () => {
    assert.equal(decodeGsm7(Buffer.from([0x1b, 0x41])), 'A');
    assert.equal(decodeGsm7(Buffer.from([0x1b, 0x1b])), ' ');
  });
});
