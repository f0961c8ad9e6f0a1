import assert from 'node:assert/strict';
import { DEV, MAIN } from './fixtures';
import { decisionTable, request, device, type Row } from './decide-table';

// The SIM checks of a request (README "Security", "SIM swap"): an IMSI that changed or is missing,
// and the operator's SIM-swap check, before a code is issued.

const rows: Row[] = [
  {
    name: 'none + request without IMSI from an IMSI-enrolled SIM, policy refuse → refused, no code',
    event: request({ imsi: undefined }),
    ctx: { missingImsiPolicy: 'refuse' },
    outcome: 'refused',
    reason: 'imsi_missing',
    payments: {},
    replies: [[MAIN, 'sim_unconfirmed']],
    check: (d) => assert.match(d.replies[0].text, /network could not confirm your SIM/),
  },
  {
    name: 'none + request with an unreadable IMSI, policy refuse → refused like a missing one',
    event: request({ imsi: undefined, imsiUnreadable: true }),
    ctx: { missingImsiPolicy: 'refuse' },
    outcome: 'refused',
    reason: 'imsi_missing',
  },
  {
    name: 'none + request without IMSI, policy allow → a code as usual',
    event: request({ imsi: undefined }),
    ctx: { missingImsiPolicy: 'allow' },
    outcome: 'awaiting_device',
  },
  {
    name: 'none + request without IMSI from a SIM enrolled without one, policy refuse → a code as usual',
    view: { imsi: undefined },
    event: request({ imsi: undefined }),
    ctx: { missingImsiPolicy: 'refuse' },
    outcome: 'awaiting_device',
  },
  {
    name: 'none + device half without IMSI from an IMSI-enrolled device, policy refuse → refused',
    event: device({ imsi: undefined }),
    ctx: { missingImsiPolicy: 'refuse' },
    outcome: 'refused',
    reason: 'imsi_missing',
    replies: [[DEV, 'sim_unconfirmed']],
  },
  {
    name: 'none + request the operator’s SIM-swap check says swapped → refused and locked (sim_swap)',
    event: request({ simSwap: 'swapped' }),
    outcome: 'locked',
    reason: 'sim_swap',
    payments: {},
    subscriber: { locked: true, lockReason: 'sim_swap' },
  },
  {
    name: 'none + request whose SIM-swap check did not answer (policy refuse) → refused, not locked',
    event: request({ simSwap: 'unavailable' }),
    outcome: 'refused',
    reason: 'sim_swap_check_unavailable',
    replies: [[MAIN, 'sim_unconfirmed']],
    subscriber: {},
  },
  { name: 'none + request the SIM-swap check says not swapped → a code', event: request({ simSwap: 'not_swapped' }), outcome: 'awaiting_device' },
];

decisionTable('domain/decide: (state, event) table — SIM checks', rows);
