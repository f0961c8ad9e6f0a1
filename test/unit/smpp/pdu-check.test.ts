import assert from 'node:assert/strict';
import fc from 'fast-check';
import { smpp } from '../../../src/smpp/library';
import { checkPduBody, decodePdu, isFramingValid, PDU_PROBLEMS } from '../../../src/smpp/pdu-check';
import { STATUS } from '../../../src/smpp/status';

/** Header (command_length = 16 + body) and body. */
function frame(commandId: number, body: number[] | Buffer, seq = 7, status = 0): Buffer {
  const bytes = Buffer.isBuffer(body) ? body : Buffer.from(body);
  const header = Buffer.alloc(16);
  header.writeUInt32BE(16 + bytes.length, 0);
  header.writeUInt32BE(commandId >>> 0, 4);
  header.writeUInt32BE(status, 8);
  header.writeUInt32BE(seq, 12);
  return Buffer.concat([header, bytes]);
}

const tlv = (tag: number, value: number[]): number[] => [tag >> 8, tag & 0xff, value.length >> 8, value.length & 0xff, ...value];
const cstr = (s: string): number[] => [...Buffer.from(s, 'ascii'), 0];

const DELIVER_SM = 0x00000005;
const SUBMIT_SM_RESP = 0x80000004;

/** deliver_sm mandatory part up to and including data_coding and sm_default_msg_id. */
const DELIVER_HEAD: number[] = [
  ...cstr(''), // service_type
  1, 1, ...cstr('48600111222'), // source
  1, 1, ...cstr('4800'), // destination
  0x04, 0, 0, // esm_class, protocol_id, priority_flag
  ...cstr(''), ...cstr(''), // schedule_delivery_time, validity_period
  0, 0, 0, 0, // registered_delivery, replace_if_present_flag, data_coding, sm_default_msg_id
];
const deliver = (...rest: number[]): Buffer => frame(DELIVER_SM, [...DELIVER_HEAD, ...rest]);
const SM_HI = [2, 0x68, 0x69]; // sm_length 2, "hi"

const problem = (status: number, reason: string) => ({ status, reason });

describe('smpp/pdu-check', () => {
  it('maps each problem to its SMPP 3.4 §5.1.3 status', () => {
    assert.equal(PDU_PROBLEMS.mandatory_params_truncated, STATUS.ESME_RINVCMDLEN);
    assert.equal(PDU_PROBLEMS.sm_length, STATUS.ESME_RINVMSGLEN);
    assert.equal(PDU_PROBLEMS.tlv_stream, 0xc0);
    assert.equal(PDU_PROBLEMS.tlv_length, 0xc2);
    assert.equal(PDU_PROBLEMS.undecodable, STATUS.ESME_RINVCMDLEN);
  });

  describe('isFramingValid', () => {
    const rows: Array<[length: number, max: number, valid: boolean]> = [
      [16, 4096, true],
      [4096, 4096, true],
      [15, 4096, false],
      [4, 4096, false],
      [0, 4096, false],
      [4097, 4096, false],
      [0xffffffff, 4096, false],
    ];
    for (const [length, max, valid] of rows) {
      it(`${length} with maximum ${max} → ${valid}`, () => assert.equal(isFramingValid(length, max), valid));
    }
  });

  describe('checkPduBody', () => {
    const rows: Array<[name: string, octets: Buffer, expected: { status: number; reason: string } | null]> = [
      ['a whole deliver_sm', deliver(...SM_HI), null],
      ['a deliver_sm with an empty short_message', deliver(0), null],
      ['a deliver_sm with receipt TLVs', deliver(...SM_HI, ...tlv(0x001e, cstr('ab12')), ...tlv(0x0427, [2])), null],
      ['receipted_message_id without its NUL (read by length)', deliver(...SM_HI, ...tlv(0x001e, [0x61, 0x62]), ...tlv(0x0427, [2])), null],
      ['an unknown TLV, skipped by its length', deliver(...SM_HI, ...tlv(0x1401, [1, 2, 3, 4, 5])), null],
      ['an empty-valued octet-string TLV', deliver(...SM_HI, ...tlv(0x0424, [])), null],
      ['enquire_link (no body)', frame(0x00000015, []), null],
      ['unbind_resp (no body)', frame(0x80000006, []), null],
      ['generic_nack (no body)', frame(0x80000000, [], 7, STATUS.ESME_RINVCMDID), null],
      ['submit_sm_resp with its message_id', frame(SUBMIT_SM_RESP, cstr('0a1b')), null],
      ['an error submit_sm_resp without a body (§4.4.2)', frame(SUBMIT_SM_RESP, [], 7, STATUS.ESME_RTHROTTLED), null],
      ['bind_transceiver_resp without system_id', frame(0x80000009, [], 7, STATUS.ESME_RBINDFAIL), null],
      ['an unknown command_id, whatever its body', frame(0x00000999, [1, 2, 3]), null],
      ['an unknown response command_id', frame(0x80000999, [0xff]), null],

      ['a deliver_sm cstring without NUL up to the end', frame(DELIVER_SM, [0, 1, 1, 0x34, 0x38, 0x36]), problem(0x02, 'mandatory_params_truncated')],
      ['a deliver_sm ending before short_message', deliver(), problem(0x02, 'mandatory_params_truncated')],
      ['a deliver_sm ending after its first parameter', frame(DELIVER_SM, cstr('')), problem(0x02, 'mandatory_params_truncated')],
      ['submit_sm_resp message_id without NUL', frame(SUBMIT_SM_RESP, [0x61, 0x62]), problem(0x02, 'mandatory_params_truncated')],
      ['bind_transceiver_resp system_id without NUL', frame(0x80000009, [0x53, 0x4d, 0x53, 0x43]), problem(0x02, 'mandatory_params_truncated')],
      ['sm_length beyond the body', deliver(10, 0x68, 0x69, 0x21), problem(0x01, 'sm_length')],
      ['sm_length one beyond the body', deliver(3, 0x68, 0x69), problem(0x01, 'sm_length')],
      ['submit_multi with a destination cut short', frame(0x00000021, [0, 1, 1, ...cstr('4860'), 2, 1, 1, 1, 0x34]), problem(0x02, 'mandatory_params_truncated')],

      ['one octet after short_message', deliver(...SM_HI, 0x00), problem(0xc0, 'tlv_stream')],
      ['three octets after the last TLV', deliver(...SM_HI, ...tlv(0x0427, [2]), 4, 0x27, 0), problem(0xc0, 'tlv_stream')],
      ['stray octets after generic_nack', frame(0x80000000, [0, 0]), problem(0xc0, 'tlv_stream')],
      ['a TLV value past command_length', deliver(...SM_HI, 0x04, 0x24, 0x00, 0x0a, 1, 2), problem(0xc2, 'tlv_length')],
      ['an unknown TLV value past command_length', deliver(...SM_HI, 0x14, 0x01, 0x00, 0x01), problem(0xc2, 'tlv_length')],
      ['message_state (int8) of length 2', deliver(...SM_HI, ...tlv(0x0427, [0, 2])), problem(0xc2, 'tlv_length:message_state')],
      ['message_state (int8) of length 0', deliver(...SM_HI, ...tlv(0x0427, [])), problem(0xc2, 'tlv_length:message_state')],
      ['sar_msg_ref_num (int16) of length 1', deliver(...SM_HI, ...tlv(0x020c, [1])), problem(0xc2, 'tlv_length:sar_msg_ref_num')],
      ['qos_time_to_live (int32) of length 2', deliver(...SM_HI, ...tlv(0x0017, [0, 1])), problem(0xc2, 'tlv_length:qos_time_to_live')],
      ['a relative schedule_delivery_time the time filter cannot parse', frame(DELIVER_SM, [...DELIVER_HEAD.slice(0, 25), ...cstr('1R'), ...DELIVER_HEAD.slice(26), ...SM_HI]), problem(0x02, 'undecodable')],
      ['callback_num too short for its decode filter', deliver(...SM_HI, ...tlv(0x0381, [1])), problem(0x02, 'undecodable')],

      ['command_length not the number of octets', Buffer.concat([deliver(...SM_HI), Buffer.from([0])]), problem(0x02, 'command_length')],
      ['fewer than 16 octets', Buffer.from([0, 0, 0, 8, 0, 0, 0, 0x15, 0, 0]), problem(0x02, 'command_length')],
    ];
    for (const [name, octets, expected] of rows) {
      it(`${name} → ${expected ? expected.reason : 'null'}`, () => assert.deepEqual(checkPduBody(octets), expected));
    }

    it('passes what the library itself encodes', () => {
      const pdus = [
        new smpp.PDU('deliver_sm', { source_addr: '1', destination_addr: '2', short_message: Buffer.from('x'), receipted_message_id: 'ff', message_state: 2, sar_msg_ref_num: 1, sar_total_segments: 2, sar_segment_seqnum: 1 }),
        new smpp.PDU('submit_sm', { destination_addr: '48600111222', short_message: Buffer.alloc(140, 0x41), registered_delivery: 1 }),
        new smpp.PDU('submit_sm_resp', { message_id: '1234' }),
        new smpp.PDU('bind_transceiver', { system_id: 'simpair', password: 'secret' }),
        new smpp.PDU('bind_transceiver_resp', { system_id: 'SMSC', sc_interface_version: 0x34 }),
        new smpp.PDU('data_sm', { destination_addr: '1', message_payload: Buffer.from('payload') }),
        new smpp.PDU('enquire_link', {}),
      ];
      for (const pdu of pdus) assert.equal(checkPduBody(pdu.toBuffer()), null, pdu.command);
    });
  });

  describe('decodePdu', () => {
    it('gives the decoded PDU when the body is sound', () => {
      const result = decodePdu(deliver(...SM_HI, ...tlv(0x0427, [2])));
      assert.ok(result.ok);
      assert.equal(result.pdu.command, 'deliver_sm');
      assert.equal(result.pdu.source_addr, '48600111222');
      assert.equal(result.pdu.message_state, 2);
      assert.deepEqual(result.pdu.short_message, Buffer.from('hi'));
    });

    it('gives the problem otherwise', () => {
      assert.deepEqual(decodePdu(deliver(10)), { ok: false, problem: problem(0x01, 'sm_length') });
    });
  });

  describe('properties', () => {
    const commandIds = Object.values(smpp.commands).map((c) => c.id);

    it('never throws, and a body it passes decodes with every request parameter present', () => {
      fc.assert(
        fc.property(fc.constantFrom(...commandIds), fc.uint8Array({ maxLength: 80 }), (commandId, body) => {
          const octets = frame(commandId, Buffer.from(body));
          if (checkPduBody(octets) !== null) return;
          const pdu = new smpp.PDU(octets);
          if (pdu.isResponse()) return;
          for (const name of Object.keys(smpp.commands[pdu.command]?.params ?? {})) {
            assert.notEqual(pdu[name], undefined, `${pdu.command}.${name}`);
          }
        }),
        { numRuns: 3000 },
      );
    });

    it('a body it passes is read by the library up to command_length exactly (re-encoding keeps the length)', () => {
      // The library re-encodes what it decoded; a body that made it read past a field boundary
      // would come back with another length.
      const sms = fc.record({
        source: fc.stringMatching(/^[0-9]{0,20}$/),
        text: fc.uint8Array({ maxLength: 254 }),
        id: fc.stringMatching(/^[0-9a-f]{0,64}$/),
        state: fc.integer({ min: 0, max: 255 }),
      });
      fc.assert(
        fc.property(sms, ({ source, text, id, state }) => {
          const octets = new smpp.PDU('deliver_sm', { source_addr: source, destination_addr: '1', short_message: Buffer.from(text), receipted_message_id: id, message_state: state }).toBuffer();
          assert.equal(checkPduBody(octets), null);
          assert.equal(new smpp.PDU(octets).toBuffer().length, octets.length);
        }),
      );
    });
  });
});
