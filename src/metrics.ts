import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

// All metrics of a process in one registry; each role exposes it on /metrics (the API's app, or a
// small listener when a role runs alone). Labels are bounded sets (reasons from tables), never MSISDNs.
export const registry = new Registry();
collectDefaultMetrics({ register: registry });

type DepthSource = () => Promise<Record<string, Record<string, number>>>;
let queueDepthSource: DepthSource | null = null;

/**
 * Where simpair_queue_jobs reads queue depths at each scrape (the api role sets it: every API process
 * reports the same shared queues, so dashboards take the max, not the sum).
 */
export function exportQueueDepths(source: DepthSource | null): void {
  queueDepthSource = source;
}

export const metrics = {
  pduRefused: new Counter({ name: 'simpair_smpp_pdu_refused_total', help: 'Inbound PDUs refused, by reason', labelNames: ['reason'], registers: [registry] }),
  moEnqueued: new Counter({ name: 'simpair_mo_enqueued_total', help: 'MOs durably enqueued', registers: [registry] }),
  moDuplicates: new Counter({ name: 'simpair_mo_duplicates_total', help: 'Redelivered MOs recognised as such, by the evidence (README "Message identity")', labelNames: ['evidence'], registers: [registry] }),
  moRepeatsNew: new Counter({ name: 'simpair_mo_repeats_new_total', help: 'Repeats of a recent MO without evidence of a redelivery, processed as new messages', registers: [registry] }),
  notifications: new Counter({ name: 'simpair_smpp_notifications_total', help: 'deliver_sm that are not subscriber messages (SME acks, intermediate notifications), by esm_class type', labelNames: ['type'], registers: [registry] }),
  concatExpired: new Counter({ name: 'simpair_mo_concat_expired_total', help: 'Concatenated MOs given up incomplete after smpp.reassemblyTtlMs', registers: [registry] }),
  imsiUnreadable: new Counter({ name: 'simpair_mo_imsi_unreadable_total', help: 'MOs whose IMSI TLV was present but could not be read', labelNames: ['reason'], registers: [registry] }),
  moTempFail: new Counter({ name: 'simpair_mo_temporary_failures_total', help: 'MOs answered ESME_RX_T_APPN because they could not be queued', registers: [registry] }),
  moThrottled: new Counter({ name: 'simpair_mo_throttled_total', help: 'MOs answered ESME_RTHROTTLED because the MO backlog was past mo.maxBacklogSeconds (the SMSC redelivers them)', registers: [registry] }),
  moIntakeThrottling: new Gauge({ name: 'simpair_mo_intake_throttling', help: '1 while this gateway answers new MOs ESME_RTHROTTLED (MO backlog past its limit), else 0', registers: [registry] }),
  moParts: new Counter({ name: 'simpair_mo_parts_total', help: 'Concatenated MO parts stored', registers: [registry] }),
  dlrReceived: new Counter({ name: 'simpair_dlr_received_total', help: 'Delivery receipts received, by state', labelNames: ['state'], registers: [registry] }),
  dlrOrphans: new Counter({ name: 'simpair_dlr_orphans_total', help: 'Receipts that arrived before their submit_sm_resp was recorded (kept, applied when it is)', registers: [registry] }),
  mtSubmitted: new Counter({ name: 'simpair_mt_submitted_total', help: 'submit_sm accepted by the SMSC (segments)', registers: [registry] }),
  mtFailed: new Counter({ name: 'simpair_mt_failed_total', help: 'Replies that failed permanently', labelNames: ['reason'], registers: [registry] }),
  mtExpired: new Counter({ name: 'simpair_mt_expired_total', help: 'Replies failed because their deadline passed before a link could carry them', labelNames: ['kind'], registers: [registry] }),
  mtLateResponses: new Counter({ name: 'simpair_mt_late_responses_total', help: 'submit_sm_resp that came after the request timed out and were still recorded', registers: [registry] }),
  bindRefused: new Counter({ name: 'simpair_smpp_bind_refused_total', help: 'Binds refused by the SMSC, by connection and status', labelNames: ['connection', 'status'], registers: [registry] }),
  connectionUp: new Gauge({ name: 'simpair_smpp_connection_up', help: '1 when the connection can transmit, 0.5 when only receiving, 0 when down', labelNames: ['connection'], registers: [registry] }),
  mtThrottled: new Counter({ name: 'simpair_mt_throttled_total', help: 'submit_sm answered with a throttling status', registers: [registry] }),
  repliesSuppressed: new Counter({ name: 'simpair_replies_rate_limited_total', help: 'Replies not sent because of the per-MSISDN rate limit', registers: [registry] }),
  moProcessed: new Counter({ name: 'simpair_mo_processed_total', help: 'MOs processed by workers, by outcome', labelNames: ['outcome'], registers: [registry] }),
  simSwapChecks: new Counter({ name: 'simpair_sim_swap_checks_total', help: 'Operator SIM-swap checks, by result (swapped, not_swapped, unavailable)', labelNames: ['result'], registers: [registry] }),
  simSwapCheckSeconds: new Histogram({ name: 'simpair_sim_swap_check_seconds', help: 'Duration of operator SIM-swap checks', buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 5], registers: [registry] }),
  simCheckRefused: new Counter({ name: 'simpair_sim_check_refused_total', help: 'Payment messages refused because the SIM could not be confirmed or was swapped, by reason', labelNames: ['reason'], registers: [registry] }),
  deviceRefused: new Counter({ name: 'simpair_device_refused_total', help: 'Messages of bound devices refused (device_mac_refused: no, a wrong or an old MAC) or ignored (device_blocked, device_suspended), by reason', labelNames: ['reason'], registers: [registry] }),
  presenterFailures: new Counter({ name: 'simpair_presenter_failures_total', help: 'Unknown or foreign codes presented, counted against the presenting SIM', labelNames: ['kind'], registers: [registry] }),
  presenterIgnored: new Counter({ name: 'simpair_presenter_ignored_total', help: 'Code-carrying messages without effect because their sender presented too many unknown or foreign codes', registers: [registry] }),
  merchantEvents: new Counter({ name: 'simpair_merchant_events_total', help: 'Merchant outbox events relayed to the merchant queue (SMS and webhook)', registers: [registry] }),
  ledgerPostings: new Counter({ name: 'simpair_ledger_postings_total', help: "Transfers' second sides applied by the ledger relay from accounts' outboxes (merchant side of payments, float side of credits)", registers: [registry] }),
  webhookDeliveries: new Counter({ name: 'simpair_webhook_deliveries_total', help: 'Merchant webhook attempts, by outcome (delivered, failed_attempt, gave_up)', labelNames: ['outcome'], registers: [registry] }),
  bindsUp: new Gauge({ name: 'simpair_smpp_binds_up', help: 'SMPP sessions currently bound', registers: [registry] }),
  httpRequests: new Counter({ name: 'simpair_http_requests_total', help: 'HTTP requests by route and status', labelNames: ['route', 'status'], registers: [registry] }),
  httpAuthFailures: new Counter({
    name: 'simpair_http_auth_failures_total',
    help: 'Admin API requests refused for their credentials: missing or invalid bearer token (401), or refused while the client address is over http.authFailuresPerMinute (429)',
    labelNames: ['outcome'],
    registers: [registry],
  }),
  queueJobs: new Gauge({
    name: 'simpair_queue_jobs',
    help: 'Jobs in each BullMQ queue (mo, mt, merchant) by state (waiting, active, delayed, prioritized, failed); exported by the api role',
    labelNames: ['queue', 'state'],
    registers: [registry],
    async collect() {
      if (!queueDepthSource) return;
      try {
        const depths = await queueDepthSource();
        this.reset();
        for (const [queue, states] of Object.entries(depths)) for (const [state, n] of Object.entries(states)) this.set({ queue, state }, n);
      } catch {
        // Redis unreachable: no numbers rather than stale ones (readiness says why).
        this.reset();
      }
    },
  }),
  moLatency: new Histogram({ name: 'simpair_mo_processing_seconds', help: 'Time from MO receipt to processing done', buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5], registers: [registry] }),
};

// Every outcome shows from the start (at 0), so a rate over it has a baseline.
for (const outcome of ['missing', 'invalid', 'rate_limited']) metrics.httpAuthFailures.inc({ outcome }, 0);
