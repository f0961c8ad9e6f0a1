// Event counters exposed by GET /counters. *_sent counts every deliver_sm written, redeliveries
// included; *_acked counts ESME_ROK answers. generic_nacks counts those the simulator sent,
// generic_nacks_received those an ESME sent (to a probe, say). USSD deliver_sm also count as mo_*.
// connections_refused: connections closed at once because their listener is down (downListeners);
// submits_expired: accepted messages whose validity period ran out before delivery.
// sim_swap_checks: every POST /sim-swap/check answered, errors included (a slow one once its late
// answer goes out); sim_swap_swapped: those answered {"swapped": true}; sim_swap_checks_abandoned:
// checks whose client had gone when the answer was due (a slow one's timed out), not in sim_swap_checks.

const NAMES = [
  'binds',
  'bind_failures',
  'connections_refused',
  'unbinds',
  'submits_received',
  'submits_accepted',
  'submits_throttled',
  'submits_queue_full',
  'submits_rejected',
  'submits_expired',
  'receipts_sent',
  'receipts_acked',
  'receipts_temp_errors',
  'receipts_perm_errors',
  'mo_sent',
  'mo_acked',
  'mo_temp_errors',
  'mo_redelivered',
  'mo_perm_errors',
  'mo_timeouts',
  'mo_connection_lost',
  'enquire_links',
  'generic_nacks',
  'generic_nacks_received',
  'pdu_errors',
  'sessions_dropped',
  'raw_writes',
  'probes_sent',
  'ussd_dialled',
  'ussd_answers_sent',
  'ussd_aborts_sent',
  'ussd_network_messages',
  'ussd_unmatched',
  'sim_swap_checks',
  'sim_swap_swapped',
  'sim_swap_checks_abandoned',
] as const;

export type CounterName = (typeof NAMES)[number];
export type Counters = Record<CounterName, number>;

export function createCounters(): Counters {
  return Object.fromEntries(NAMES.map((n) => [n, 0])) as Counters;
}

export function resetCounters(c: Counters): void {
  for (const n of NAMES) c[n] = 0;
}
