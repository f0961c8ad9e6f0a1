import assert from 'node:assert/strict';
import { errorResponseFor, isMalformed, smpp } from '../../../src/smpp/library';
import { STATUS } from '../../../src/smpp/status';

type PDU = InstanceType<typeof smpp.PDU>;

/**
 * What node-smpp's Session reads from: read(n) gives the next n octets, or null while fewer are
 * buffered (net.Socket in paused mode). Pure data over one Buffer.
 */
function octetStream(...chunks: Buffer[]) {
  const data = Buffer.concat(chunks);
  let position = 0;
  return {
    read(size: number): Buffer | null {
      if (position + size > data.length) return null;
      const slice = data.subarray(position, position + size);
      position += size;
      return slice;
    },
    get left() {
      return data.length - position;
    },
  };
}
type OctetStream = ReturnType<typeof octetStream>;

const statics = smpp.PDU as unknown as {
  commandLength(stream: OctetStream): number | false;
  fromStream(stream: OctetStream, commandLength: number): PDU | false;
};

/** One PDU as the session reads it: command_length first, then the rest. */
function readPdu(stream: OctetStream): PDU | false {
  const length = statics.commandLength(stream);
  if (length === false) return false;
  return statics.fromStream(stream, length);
}

function frame(commandId: number, body: number[], seq: number, status = 0): Buffer {
  const header = Buffer.alloc(16);
  header.writeUInt32BE(16 + body.length, 0);
  header.writeUInt32BE(commandId >>> 0, 4);
  header.writeUInt32BE(status, 8);
  header.writeUInt32BE(seq, 12);
  return Buffer.concat([header, Buffer.from(body)]);
}

const tlv = (tag: number, value: number[]): number[] => [tag >> 8, tag & 0xff, value.length >> 8, value.length & 0xff, ...value];
const deliverSm = (extra: Record<string, unknown> = {}) =>
  new smpp.PDU('deliver_sm', { sequence_number: 11, source_addr: '48600111222', destination_addr: '4800', short_message: Buffer.from('hi'), ...extra });
/** A deliver_sm whose sm_length claims 200 octets; the library would slice what is there. */
const badDeliverSm = (seq: number) => {
  const octets = Buffer.from(deliverSm({ sequence_number: seq }).toBuffer());
  octets[octets.length - 3] = 200;
  return octets;
};

describe('smpp/library guards', () => {
  describe('commandLength', () => {
    const lengthOf = (n: number) => {
      const b = Buffer.alloc(4);
      b.writeUInt32BE(n >>> 0, 0);
      return octetStream(b);
    };

    it('passes 16 up to PDU.maxLength', () => {
      assert.equal(statics.commandLength(lengthOf(16)), 16);
      assert.equal(statics.commandLength(lengthOf(smpp.PDU.maxLength)), smpp.PDU.maxLength);
    });

    it('throws below the 16-octet header instead of waiting for a body forever', () => {
      for (const n of [0, 4, 15]) assert.throws(() => statics.commandLength(lengthOf(n)), /outside 16\.\./, `length ${n}`);
    });

    it('keeps the library error above PDU.maxLength', () => {
      assert.throws(() => statics.commandLength(lengthOf(smpp.PDU.maxLength + 1)), /PDU length was too large/);
    });

    it('waits (false) while fewer than 4 octets are there', () => {
      assert.equal(statics.commandLength(octetStream(Buffer.from([0, 0]))), false);
    });
  });

  describe('fromStream', () => {
    it('decodes a sound PDU as the library does', () => {
      const pdu = readPdu(octetStream(deliverSm().toBuffer()));
      assert.ok(pdu);
      assert.equal(isMalformed(pdu), false);
      assert.equal(pdu.command, 'deliver_sm');
      assert.equal(pdu.sequence_number, 11);
      assert.deepEqual(pdu.short_message, Buffer.from('hi'));
    });

    it('waits (false) while the body is not all there', () => {
      const octets = deliverSm().toBuffer();
      const stream = octetStream(octets.subarray(0, octets.length - 1));
      const length = statics.commandLength(stream);
      assert.equal(length, octets.length);
      assert.equal(statics.fromStream(stream, length as number), false);
    });

    it('turns an undecodable request into a malformed PDU and goes on reading the stream', () => {
      const stream = octetStream(badDeliverSm(21), new smpp.PDU('enquire_link', { sequence_number: 22 }).toBuffer());
      const first = readPdu(stream);
      assert.ok(first && isMalformed(first));
      assert.equal(first.command, 'deliver_sm');
      assert.equal(first.command_id, 0x00000005);
      assert.equal(first.command_status, 0);
      assert.equal(first.sequence_number, 21);
      assert.equal(first.isResponse(), false);
      assert.deepEqual(first.malformed, { status: STATUS.ESME_RINVMSGLEN, reason: 'sm_length' });
      assert.equal(first.short_message, undefined, 'no body field is guessed');

      const second = readPdu(stream);
      assert.ok(second && !isMalformed(second));
      assert.equal(second.command, 'enquire_link');
      assert.equal(second.sequence_number, 22);
      assert.equal(stream.left, 0);
    });

    it('answers a malformed request with <command>_resp carrying the status and sequence number', () => {
      const pdu = readPdu(octetStream(badDeliverSm(31)));
      assert.ok(pdu && isMalformed(pdu));
      const resp = pdu.response({ command_status: pdu.malformed.status });
      assert.equal(resp.command, 'deliver_sm_resp');
      assert.equal(resp.sequence_number, 31);
      assert.equal(resp.command_status, STATUS.ESME_RINVMSGLEN);
      const wire = resp.toBuffer();
      assert.deepEqual([...wire], [0, 0, 0, 16, 0x80, 0, 0, 5, 0, 0, 0, 1, 0, 0, 0, 31]);
      assert.equal(pdu.response().command_status, STATUS.ESME_RINVMSGLEN, 'the problem status by default');
    });

    it('answers a malformed PDU without a _resp (alert_notification, generic_nack, a response) with generic_nack', () => {
      const rows: Array<[command: string, octets: Buffer]> = [
        ['alert_notification', frame(0x00000102, [1, 1, 0x31], 41)], // source_addr without NUL
        ['generic_nack', frame(0x80000000, [0, 0], 41)], // two stray octets
        ['submit_sm_resp', frame(0x80000004, [0x61, 0x62], 41)], // message_id without NUL
      ];
      for (const [command, octets] of rows) {
        const pdu = readPdu(octetStream(octets));
        assert.ok(pdu && isMalformed(pdu), command);
        assert.equal(pdu.command, command);
        const resp = pdu.response({ command_status: STATUS.ESME_RINVCMDLEN });
        assert.equal(resp.command, 'generic_nack', command);
        assert.equal(resp.sequence_number, 41);
        assert.equal(resp.command_status, STATUS.ESME_RINVCMDLEN);
      }
    });

    it('keeps a malformed response a response, so node-smpp hands it to the request callback', () => {
      const pdu = readPdu(octetStream(frame(0x80000004, [0x61, 0x62], 51)));
      assert.ok(pdu && isMalformed(pdu));
      assert.equal(pdu.isResponse(), true);
      assert.equal(pdu.sequence_number, 51);
      assert.deepEqual(pdu.malformed, { status: STATUS.ESME_RINVCMDLEN, reason: 'mandatory_params_truncated' });
    });

    it('leaves an unknown command_id to the library (generic_nack ESME_RINVCMDID)', () => {
      const pdu = readPdu(octetStream(frame(0x00000999, [1, 2, 3], 61)));
      assert.ok(pdu && !isMalformed(pdu));
      assert.equal(pdu.command, 'unknown');
      const resp = pdu.response();
      assert.equal(resp.command, 'generic_nack');
      assert.equal(resp.command_status, STATUS.ESME_RINVCMDID);
    });
  });

  describe('errorResponseFor', () => {
    it('gives <command>_resp with the status, or generic_nack when there is none', () => {
      const rows: Array<[pdu: PDU, expected: string]> = [
        [new smpp.PDU('submit_sm', { sequence_number: 5 }), 'submit_sm_resp'],
        [new smpp.PDU('deliver_sm', { sequence_number: 5 }), 'deliver_sm_resp'],
        [new smpp.PDU('enquire_link', { sequence_number: 5 }), 'enquire_link_resp'],
        [new smpp.PDU('alert_notification', { sequence_number: 5 }), 'generic_nack'],
        [new smpp.PDU('generic_nack', { sequence_number: 5 }), 'generic_nack'],
        [new smpp.PDU('submit_sm_resp', { sequence_number: 5 }), 'generic_nack'],
        [new smpp.PDU(frame(0x00000999, [], 5)), 'generic_nack'],
      ];
      for (const [pdu, expected] of rows) {
        const resp = errorResponseFor(pdu, STATUS.ESME_RX_T_APPN);
        assert.equal(resp.command, expected, pdu.command);
        assert.equal(resp.sequence_number, 5);
        assert.equal(resp.command_status, STATUS.ESME_RX_T_APPN);
      }
    });
  });

  describe('C-Octet String TLVs read by their length', () => {
    it('reads receipted_message_id without its NUL, and message_state after it', () => {
      const octets = Buffer.concat([deliverSm({ esm_class: 0x04 }).toBuffer(), Buffer.from([...tlv(0x001e, [0x61, 0x62, 0x63]), ...tlv(0x0427, [2])])]);
      octets.writeUInt32BE(octets.length, 0);
      const pdu = new smpp.PDU(octets);
      assert.equal(pdu.receipted_message_id, 'abc');
      assert.equal(pdu.message_state, 2);
    });

    it('stops at a NUL within the length', () => {
      const octets = Buffer.concat([deliverSm().toBuffer(), Buffer.from(tlv(0x001e, [0x61, 0x62, 0x00, 0x7a]))]);
      octets.writeUInt32BE(octets.length, 0);
      assert.equal(new smpp.PDU(octets).receipted_message_id, 'ab');
    });

    it('reads a zero-length value as empty instead of the next TLV', () => {
      const octets = Buffer.concat([deliverSm().toBuffer(), Buffer.from([...tlv(0x001d, []), ...tlv(0x0427, [5])])]);
      octets.writeUInt32BE(octets.length, 0);
      const pdu = new smpp.PDU(octets);
      assert.equal(pdu.additional_status_info_text, '');
      assert.equal(pdu.message_state, 5);
    });

    it('still writes the value and its NUL', () => {
      const octets = deliverSm({ receipted_message_id: 'ff01' }).toBuffer();
      assert.deepEqual([...octets.subarray(-9)], tlv(0x001e, [0x66, 0x66, 0x30, 0x31, 0x00]));
      assert.equal(new smpp.PDU(octets).receipted_message_id, 'ff01');
    });

    it('covers every cstring TLV of the library', () => {
      for (const name of ['receipted_message_id', 'additional_status_info_text', 'source_network_id', 'dest_network_id']) {
        assert.notEqual(smpp.tlvs[name]?.type, smpp.types.tlv.cstring, name);
      }
    });
  });
});
