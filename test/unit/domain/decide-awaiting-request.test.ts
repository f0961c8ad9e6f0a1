import assert from 'node:assert/strict';
import { DEV, MAIN, T0, awaitingDevice, awaitingRequest } from './fixtures';
import { decisionTable, request, device, PD, PR, NEW, LATE, type Row } from './decide-table';

// A device half without code waits for its main SIM's request.

const rows: Row[] = [
  {
    name: 'awaiting_request + matching request → completed, both told',
    open: [awaitingRequest()],
    event: request({ channel: 'ussd' }),
    outcome: 'completed',
    payments: { [PR]: 'completed' },
    replies: [[MAIN, 'paid'], [DEV, 'device_confirmed']],
    transfer: true,
    codesReleased: [],
    codeIssued: undefined,
    check: (d) => {
      assert.equal(d.payments[0].requestMoId, 'mo-req-new');
      assert.equal(d.payments[0].channel, 'ussd');
      assert.equal(d.transfer?.id, PR);
    },
  },
  {
    name: 'awaiting_request + two waiting halves → the oldest matches',
    open: [awaitingRequest({ id: 'P2000000001', createdAt: T0 - 5000, deviceMoId: 'mo-dev-2' }), awaitingRequest()],
    event: request(),
    outcome: 'completed',
    payments: { [PR]: 'completed' },
  },
  {
    name: 'awaiting_request + matching request in strict mode → a new awaiting_device (no device-first)',
    open: [awaitingRequest()],
    event: request(),
    ctx: { strict: true },
    outcome: 'awaiting_device',
    payments: { [NEW]: 'awaiting_device' },
  },
  { name: 'awaiting_request + request with another amount → new awaiting_device', open: [awaitingRequest()], event: request({ amountMinor: 1300 }), outcome: 'awaiting_device', payments: { [NEW]: 'awaiting_device' } },
  { name: 'awaiting_request + request with another merchant → new awaiting_device', open: [awaitingRequest()], event: request({ merchant: 'SHOP43' }), outcome: 'awaiting_device', payments: { [NEW]: 'awaiting_device' } },
  {
    name: 'awaiting_request + matching request after the window → new awaiting_device',
    open: [awaitingRequest()],
    event: request(),
    ctx: { now: LATE },
    outcome: 'awaiting_device',
    payments: { [NEW]: 'awaiting_device' },
  },
  {
    name: 'awaiting_request + matching request after the device was unbound → no match',
    open: [awaitingRequest()],
    view: { devices: [{ msisdn: DEV, active: false }] },
    event: request(),
    outcome: 'awaiting_device',
    payments: { [NEW]: 'awaiting_device' },
  },
  {
    name: 'awaiting_request + matching request, balance too low → declined, both told',
    open: [awaitingRequest()],
    view: { balanceMinor: 0 },
    event: request(),
    outcome: 'declined',
    payments: { [PR]: 'declined' },
    replies: [[MAIN, 'declined'], [DEV, 'declined']],
  },
  {
    name: 'awaiting_request + device with a code → rejected as unknown code, the half untouched',
    open: [awaitingRequest()],
    event: device({ code: 'ABC234' }),
    outcome: 'rejected',
    reason: 'code_unknown',
    payments: {},
    subscriber: {},
  },
  { name: 'awaiting_request + the same device MO again → noop', open: [awaitingRequest()], event: device({ moId: 'mo-dev-1' }), outcome: 'noop', payments: {}, replies: [] },
  {
    name: 'awaiting_request + a second device half → a second waiting half',
    open: [awaitingRequest()],
    event: device(),
    outcome: 'awaiting_request',
    payments: { [NEW]: 'awaiting_request' },
  },
  {
    name: 'awaiting_request + expire → expired, main and device told',
    open: [awaitingRequest()],
    event: { type: 'expire', paymentId: PR },
    ctx: { now: LATE },
    outcome: 'expired',
    payments: { [PR]: 'expired' },
    replies: [[MAIN, 'expired'], [DEV, 'expired']],
    codesReleased: [],
  },
  {
    name: 'awaiting_request + cancel → cancelled',
    open: [awaitingRequest()],
    event: { type: 'cancel' },
    outcome: 'cancelled',
    payments: { [PR]: 'cancelled' },
    replies: [[MAIN, 'cancelled']],
  },
  {
    name: 'both pending + cancel without code → the awaiting_device one first',
    open: [awaitingDevice(), awaitingRequest({ createdAt: T0 })],
    event: { type: 'cancel' },
    outcome: 'cancelled',
    payments: { [PD]: 'cancelled' },
  },
  {
    name: 'two requests + cancel without code → the newest',
    open: [awaitingDevice(), awaitingDevice({ id: 'P1000000001', code: 'DEF567', createdAt: T0 - 1000, requestMoId: 'mo-req-2' })],
    event: { type: 'cancel' },
    outcome: 'cancelled',
    payments: { P1000000001: 'cancelled' },
    codesReleased: ['DEF567'],
  },
  {
    name: 'two requests + device without code → the oldest matches',
    open: [awaitingDevice({ id: 'P1000000001', code: 'DEF567', createdAt: T0 - 1000, requestMoId: 'mo-req-2' }), awaitingDevice()],
    event: device(),
    outcome: 'completed',
    payments: { [PD]: 'completed' },
    codesReleased: ['ABC234'],
  },
];

decisionTable('domain/decide: (state, event) table — awaiting_request', rows);
