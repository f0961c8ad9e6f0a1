// The network panel: who is bound, the fault switches, the counters and the PDU log. Switches
// apply on change (PUT /faults) and are set back from the simulator's own state, so two open pages
// and the API never disagree for long.
import { clock, el, post, put } from './api.js';

const PDU_SHOWN = 200;

const $ = (id) => document.getElementById(id);

export function createNetworkPanel() {
  const binds = $('binds');
  const counters = $('counters');
  const log = $('pdu-log');
  const status = $('faults-status');
  const f = {
    throttle: $('f-throttle'),
    throttleN: $('f-throttle-n'),
    queueFull: $('f-queue-full'),
    slow: $('f-slow'),
    slowMs: $('f-slow-ms'),
    enquire: $('f-enquire'),
    duplicate: $('f-duplicate'),
    simSwapApi: $('f-sim-swap-api'),
    drop: $('f-drop'),
  };

  async function apply(patch, what) {
    status.classList.remove('error');
    try {
      setFaults(await put('/faults', patch));
      status.textContent = what;
    } catch (err) {
      status.textContent = err.message;
      status.classList.add('error');
    }
  }

  const intIn = (input) => Math.max(0, Math.trunc(Number(input.value) || 0));
  f.throttle.addEventListener('change', () =>
    apply({ throttlePerSecond: f.throttle.checked ? intIn(f.throttleN) : null }, f.throttle.checked ? `Throttle on: ${intIn(f.throttleN)} per second` : 'Throttle off'),
  );
  f.throttleN.addEventListener('change', () => {
    if (f.throttle.checked) void apply({ throttlePerSecond: intIn(f.throttleN) }, `Throttle: ${intIn(f.throttleN)} per second`);
  });
  f.queueFull.addEventListener('change', () => apply({ queueFull: f.queueFull.checked }, `Queue full ${f.queueFull.checked ? 'on' : 'off'}`));
  f.slow.addEventListener('change', () =>
    apply({ slowResponseMs: f.slow.checked ? intIn(f.slowMs) : 0 }, f.slow.checked ? `Responses delayed by ${intIn(f.slowMs)} ms` : 'Slow responses off'),
  );
  f.slowMs.addEventListener('change', () => {
    if (f.slow.checked) void apply({ slowResponseMs: intIn(f.slowMs) }, `Responses delayed by ${intIn(f.slowMs)} ms`);
  });
  f.enquire.addEventListener('change', () => apply({ ignoreEnquireLink: f.enquire.checked }, `enquire_link ${f.enquire.checked ? 'unanswered' : 'answered'}`));
  f.duplicate.addEventListener('change', () => apply({ duplicateMo: f.duplicate.checked }, `Duplicate MOs ${f.duplicate.checked ? 'on' : 'off'}`));
  f.simSwapApi.addEventListener('change', () => apply({ simSwapApi: f.simSwapApi.value }, `SIM swap API ${f.simSwapApi.value}`));
  f.drop.addEventListener('click', async () => {
    try {
      const { dropped } = await post('/faults/drop');
      status.textContent = `Dropped ${dropped} connection${dropped === 1 ? '' : 's'}`;
    } catch (err) {
      status.textContent = err.message;
    }
  });

  function setFaults(state) {
    f.throttle.checked = state.throttlePerSecond !== null;
    if (state.throttlePerSecond !== null) f.throttleN.value = String(state.throttlePerSecond);
    f.queueFull.checked = state.queueFull;
    f.slow.checked = state.slowResponseMs > 0;
    if (state.slowResponseMs > 0) f.slowMs.value = String(state.slowResponseMs);
    f.enquire.checked = state.ignoreEnquireLink;
    f.duplicate.checked = state.duplicateMo;
    f.simSwapApi.value = state.simSwapApi ?? 'up';
  }

  function setBinds(sessions) {
    const items = sessions.map((s) =>
      el(
        'li',
        { class: 'bind' },
        el('strong', { text: s.systemId ?? '?' }),
        ` ${s.mode} · ${s.remoteAddress}:${s.remotePort} → port ${s.listenerPort}${s.tls ? ' (TLS)' : ''} · bound ${clock(s.boundAt)} · ${s.inflight} in flight`,
      ),
    );
    if (items.length === 0) items.push(el('li', { class: 'empty', text: 'No ESME bound' }));
    binds.replaceChildren(...items);
  }

  function setCounters(values) {
    counters.replaceChildren(
      ...Object.entries(values).flatMap(([name, n]) => [
        el('div', { class: n ? 'counter' : 'counter zero' }, el('dt', { text: name.replaceAll('_', ' ') }), el('dd', { text: String(n) })),
      ]),
    );
  }

  function pduItem(p) {
    const arrow = p.dir === 'in' ? 'ESME →' : '→ ESME';
    const addr = p.from !== undefined || p.to !== undefined ? `${p.from || '∅'} → ${p.to || '∅'}` : '';
    const extra = [p.serviceType ? p.serviceType : '', p.ussdServiceOp !== undefined ? `op ${p.ussdServiceOp}` : ''].filter(Boolean).join(' ');
    const bad = p.status !== null && p.status !== 0;
    return el(
      'li',
      { class: `pdu pdu-${p.dir}${bad ? ' pdu-error' : ''}` },
      el('span', { class: 'pdu-time', text: clock(p.at) }),
      el('span', { class: 'pdu-dir', text: arrow }),
      el('span', { class: 'pdu-cmd', text: p.command }),
      p.statusName ? el('span', { class: 'pdu-status', text: p.statusName }) : null,
      addr ? el('span', { class: 'pdu-addr', text: addr }) : null,
      extra ? el('span', { class: 'pdu-extra', text: extra }) : null,
      p.text !== undefined && p.text !== '' ? el('span', { class: 'pdu-text', text: `“${p.text}”` }) : null,
      p.note ? el('span', { class: 'pdu-note', text: p.note }) : null,
    );
  }

  function setPdus(entries) {
    const items = entries.slice(-PDU_SHOWN).reverse().map(pduItem);
    log.replaceChildren(...items);
  }

  function addPdu(entry) {
    log.prepend(pduItem(entry));
    while (log.childElementCount > PDU_SHOWN) log.lastElementChild.remove();
  }

  return { setFaults, setBinds, setCounters, setPdus, addPdu };
}
