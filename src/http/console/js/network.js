// Network and health, live: GET /v1/network every 2 s while this section is shown (stopped when it
// is not, so a forgotten tab does not poll a hidden view). The submitted-segment counters of two
// readings give each connection's current throughput.

import { api } from './api.js';
import { fill, h, table } from './dom.js';
import { formatTime } from './format.js';

const EVERY_MS = 2000;

export function networkView(root, ctx) {
  const status = h('p', { class: 'live', role: 'status' }, 'Loading…');
  const body = h('div', {});
  fill(root, h('section', { class: 'card', 'aria-label': 'Readiness' }, h('h2', {}, 'Network and health'), status), body);
  let timer = null;
  let last = null; // { at, submitted: Map }

  async function poll() {
    try {
      const n = await api('GET', '/v1/network');
      render(n);
    } catch (err) {
      fill(status, `Could not read the network state: ${err.message}`);
    }
    if (timer !== null) timer = setTimeout(poll, EVERY_MS);
  }

  function rate(key, submitted, at) {
    const before = last?.submitted.get(key);
    if (before === undefined || submitted === undefined || at <= last.at) return '—';
    return `${((submitted - before) / ((at - last.at) / 1000)).toFixed(1)}/s`;
  }

  function render(n) {
    const r = n.readiness;
    const at = Date.parse(n.at);
    fill(status, h('strong', { class: r.status === 'ready' ? 'good' : 'bad' }, r.status === 'ready' ? 'Ready' : 'Not ready'), ` · ${r.binds} bind(s) up · updated ${formatTime(n.at)}`, ...(r.reasons ?? []).map((x) => h('span', { class: 'reason' }, ` · ${x}`)));
    const rows = [];
    const submitted = new Map();
    for (const c of r.connections) {
      const key = `${c.gateway}/${c.name}`;
      submitted.set(key, c.submitted);
      for (const s of c.sessions) {
        rows.push([
          key,
          c.target,
          s.bind.replace('bind_', ''),
          h('span', { class: s.state === 'bound' ? 'good' : 'bad' }, s.state),
          formatTime(s.since),
          c.window ? `${s.outstanding} of ${c.window}` : String(s.outstanding),
          `${rate(key, c.submitted, at)} (limit ${c.throughput ?? '—'}/s)`,
          s.refused ? `credentials refused (${s.refused.status}); next try ${formatTime(s.refused.retryAt)}` : (s.lastError ?? '—'),
        ]);
      }
    }
    last = { at, submitted };
    const queues = Object.entries(n.queues).map(([q, d]) => [q, String(d.waiting), String(d.active), String(d.delayed + d.prioritized), String(d.failed)]);
    fill(
      body,
      h('section', { class: 'card', 'aria-label': 'SMSC connections' }, h('h3', {}, 'SMSC connections'), table('Connections', ['Connection', 'Target', 'Bind', 'State', 'Since', 'Window in use', 'Throughput', 'Last error'], rows, 'no gateway is publishing its connections')),
      h('section', { class: 'card', 'aria-label': 'Queues' }, h('h3', {}, 'Queues'), table('Queue depths', ['Queue', 'Waiting', 'Active', 'Delayed', 'Failed'], queues)),
    );
  }

  return {
    enter() {
      if (timer !== null) return;
      timer = 0;
      poll();
    },
    leave() {
      if (timer) clearTimeout(timer);
      timer = null;
    },
  };
}
