import assert from 'node:assert/strict';
import { parseSessionInfo, screenOp, sessionInfoHex, USSD_OP, ussdInputOf } from '../../../src/smpp/ussd';

describe('smpp/ussd: the SMPP side of a USSD dialogue', () => {
    it('its_session_info: session number, sequence and end bit round-trip', () => {
      assert.deepEqual(parseSessionInfo('2a00'), { sessionNumber: 42, sequence: 0, end: false });
      assert.deepEqual(parseSessionInfo('2a05'), { sessionNumber: 42, sequence: 2, end: true });
      assert.equal(sessionInfoHex({ sessionNumber: 42, sequence: 2, end: true }), '2a05');
      assert.equal(sessionInfoHex({ sessionNumber: 255, sequence: 127, end: false }), 'fffe');
      assert.equal(sessionInfoHex({ sessionNumber: 1, sequence: 128, end: false }), '0100'); // sequence wraps in 7 bits
      assert.equal(parseSessionInfo(undefined), null);
      assert.equal(parseSessionInfo('2a'), null);
      assert.equal(parseSessionInfo('zz00'), null);
    });

    it('operations: menu screens are USSR requests (2), final screens PSSR responses (17)', () => {
      assert.equal(screenOp({ final: false }), USSD_OP.USSR_REQUEST);
      assert.equal(screenOp({ final: true }), USSD_OP.PSSR_RESPONSE);
    });

    it('inputs: PSSR indication dials, USSR confirm answers, end bit aborts, others are ignored', () => {
      assert.deepEqual(ussdInputOf(1, false, '*778#'), { kind: 'dial', text: '*778#' });
      assert.deepEqual(ussdInputOf(18, false, '1'), { kind: 'answer', text: '1' });
      assert.deepEqual(ussdInputOf(18, true, ''), { kind: 'abort' });
      assert.deepEqual(ussdInputOf(undefined, false, '*778#'), { kind: 'dial', text: '*778#' });
      assert.deepEqual(ussdInputOf(undefined, false, '2'), { kind: 'answer', text: '2' });
      assert.equal(ussdInputOf(19, false, ''), null);
      assert.equal(ussdInputOf(0, false, '*778#'), null);
    });
});
