import assert from 'node:assert/strict';
import { COMMAND_STATUS, isTemporary, STATUS, statusName } from '../../../src/smpp/status';

describe('smpp/status', () => {
  it('has the SMPP 3.4 codes the transport relies on', () => {
    assert.equal(STATUS.ESME_ROK, 0x00);
    assert.equal(STATUS.ESME_RINVMSGLEN, 0x01);
    assert.equal(STATUS.ESME_RINVCMDLEN, 0x02);
    assert.equal(STATUS.ESME_RINVBNDSTS, 0x04);
    assert.equal(STATUS.ESME_RSYSERR, 0x08);
    assert.equal(STATUS.ESME_RINVDSTADR, 0x0b);
    assert.equal(STATUS.ESME_RBINDFAIL, 0x0d);
    assert.equal(STATUS.ESME_RMSGQFUL, 0x14);
    assert.equal(STATUS.ESME_RINVESMCLASS, 0x43);
    assert.equal(STATUS.ESME_RSUBMITFAIL, 0x45);
    assert.equal(STATUS.ESME_RTHROTTLED, 0x58);
    assert.equal(STATUS.ESME_RX_T_APPN, 0x64);
    assert.equal(STATUS.ESME_RX_P_APPN, 0x65);
    assert.equal(STATUS.ESME_RX_R_APPN, 0x66);
    assert.equal(STATUS.ESME_RINVTLVSTREAM, 0xc0);
    assert.equal(STATUS.ESME_RINVOPTPARAMVAL, 0xc4);
    assert.equal(STATUS.ESME_RUNKNOWNERR, 0xff);
    assert.equal(STATUS.ESME_RINVDCS, 0x104);
  });

  it('resolves aliases to the same code', () => {
    assert.equal(STATUS.ESME_RINVOPTPARSTREAM, STATUS.ESME_RINVTLVSTREAM);
    assert.equal(STATUS.ESME_RINVTLVVAL, STATUS.ESME_RINVOPTPARAMVAL);
  });

  it('has one name per code, so statusName is unambiguous', () => {
    const codes = Object.values(COMMAND_STATUS).map((s) => s.code);
    assert.equal(new Set(codes).size, codes.length);
  });

  it('names known codes and formats unknown ones as 0x%08X', () => {
    assert.equal(statusName(0x58), 'ESME_RTHROTTLED');
    assert.equal(statusName(0), 'ESME_ROK');
    assert.equal(statusName(0xc0), 'ESME_RINVTLVSTREAM');
    assert.equal(statusName(0x400), '0x00000400');
    assert.equal(statusName(0xdeadbeef), '0xDEADBEEF');
  });

  it('classifies exactly RSYSERR, RMSGQFUL, RTHROTTLED and RX_T_APPN as temporary', () => {
    const temporary = Object.entries(COMMAND_STATUS)
      .filter(([, s]) => s.temporary)
      .map(([name]) => name)
      .sort();
    assert.deepEqual(temporary, ['ESME_RMSGQFUL', 'ESME_RSYSERR', 'ESME_RTHROTTLED', 'ESME_RX_T_APPN']);
    assert.equal(isTemporary(0x08), true);
    assert.equal(isTemporary(0x14), true);
    assert.equal(isTemporary(0x58), true);
    assert.equal(isTemporary(0x64), true);
    assert.equal(isTemporary(0x65), false);
    assert.equal(isTemporary(0x0b), false);
    assert.equal(isTemporary(0), false);
  });

  it('treats unknown codes as permanent', () => {
    assert.equal(isTemporary(0x400), false);
  });
});
