import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

// All metrics of a process in one registry; each role exposes it on /metrics (the API's app, or a
// small listener when a role runs alone). Labels are bounded sets (reasons from tables), never MSISDNs.
export const registry = new Registry();
collectDefaultMetrics({ register: registry });

export const metrics = {
  pduRefused: new Counter({ name: 'simpair_smpp_pdu_refused_total', help: 'Inbound PDUs refused, by reason', labelNames: ['reason'], registers: [registry] }),
  moEnqueued: new Counter({ name: 'simpair_mo_enqueued_total', help: 'MOs durably enqueued', registers: [registry] }),
  moDuplicates: new Counter({ name: 'simpair_mo_duplicates_total', help: 'Redelivered MOs recognised as duplicates', registers: [registry] }),
  moTempFail: new Counter({ name: 'simpair_mo_temporary_failures_total', help: 'MOs answered ESME_RX_T_APPN because they could not be queued', registers: [registry] }),
  moParts: new Counter({ name: 'simpair_mo_parts_total', help: 'Concatenated MO parts stored', registers: [registry] }),
  dlrReceived: new Counter({ name: 'simpair_dlr_received_total', help: 'Delivery receipts received, by state', labelNames: ['state'], registers: [registry] }),
  dlrOrphans: new Counter({ name: 'simpair_dlr_orphans_total', help: 'Receipts that arrived before their submit_sm_resp was recorded (kept, applied when it is)', registers: [registry] }),
  mtSubmitted: new Counter({ name: 'simpair_mt_submitted_total', help: 'submit_sm accepted by the SMSC (segments)', registers: [registry] }),
  mtFailed: new Counter({ name: 'simpair_mt_failed_total', help: 'Replies that failed permanently', labelNames: ['reason'], registers: [registry] }),
  mtThrottled: new Counter({ name: 'simpair_mt_throttled_total', help: 'submit_sm answered with a throttling status', registers: [registry] }),
  repliesSuppressed: new Counter({ name: 'simpair_replies_rate_limited_total', help: 'Replies not sent because of the per-MSISDN rate limit', registers: [registry] }),
  moProcessed: new Counter({ name: 'simpair_mo_processed_total', help: 'MOs processed by workers, by outcome', labelNames: ['outcome'], registers: [registry] }),
  bindsUp: new Gauge({ name: 'simpair_smpp_binds_up', help: 'SMPP sessions currently bound', registers: [registry] }),
  httpRequests: new Counter({ name: 'simpair_http_requests_total', help: 'HTTP requests by route and status', labelNames: ['route', 'status'], registers: [registry] }),
  moLatency: new Histogram({ name: 'simpair_mo_processing_seconds', help: 'Time from MO receipt to processing done', buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5], registers: [registry] }),
};
