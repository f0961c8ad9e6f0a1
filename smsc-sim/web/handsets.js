// One virtual handset: its inbox (live, newest first, with delivery state), a compose box that
// sends an MO to the service number, a "SIM swapped" switch for the operator SIM-swap API, on
// phones a USSD dial box, and on debit devices the signing settings (device key, PIN, main SIM,
// "tamper" and "replay" switches). Every control's accessible name
// ends with the handset's label ("Send from Phone (main SIM)"), so people using a screen reader and
// the browser test can tell the handsets apart; the visible text stays short.
import { call, clock, el, get, post, put, srOnly } from './api.js';

const INBOX_SHOWN = 50;
const STATE_TEXT = { ENROUTE: 'En route', DELIVERED: 'Delivered', UNDELIVERABLE: 'Undeliverable', EXPIRED: 'Expired' };
const USSD_STATE_TEXT = { open: 'Session open', ended: 'Session ended', aborted: 'You hung up' };

let nextDomId = 0;

function textField(id, labelParts, props = {}) {
  const input = el('input', { id, type: 'text', autocomplete: 'off', spellcheck: 'false', ...props });
  return { input, label: el('label', { for: id }, ...labelParts) };
}

/** Runs `action` with the form marked busy and its outcome in the status line. */
async function submitting(form, status, action) {
  form.setAttribute('aria-busy', 'true');
  status.classList.remove('error');
  try {
    status.textContent = await action();
  } catch (err) {
    status.textContent = err.message;
    status.classList.add('error');
  } finally {
    form.removeAttribute('aria-busy');
  }
}

const outcome = (r) => (r.status === null ? 'no answer from the ESME yet (it will be redelivered)' : r.statusName);

export function createHandset({ msisdn, label, kind, removable }, { onRemove }) {
  const id = `hs-${++nextDomId}`;
  const messages = new Map(); // id → inbox entry

  // Compose: an MO from this handset to the service number.
  const msg = textField(`${id}-msg`, ['Message', srOnly(` from ${label}`)], { maxlength: '2000', required: true });
  const sendStatus = el('p', { class: 'status', role: 'status' });
  const compose = el(
    'form',
    { class: 'compose' },
    msg.label,
    el('div', { class: 'inline' }, msg.input, el('button', { type: 'submit' }, 'Send', srOnly(` from ${label}`))),
    sendStatus,
  );
  compose.addEventListener('submit', (e) => {
    e.preventDefault();
    const text = msg.input.value;
    void submitting(compose, sendStatus, async () => {
      const r = await post('/mo', { from: msisdn, text });
      msg.input.value = '';
      return `Sent “${text}”: ${outcome(r)}`;
    });
  });

  // focusable so that a keyboard can scroll a long inbox
  const inbox = el('ol', { class: 'inbox', 'aria-label': `Inbox of ${label}`, tabindex: '0' });

  function renderInbox() {
    const newest = [...messages.values()].sort((a, b) => (a.receivedAt < b.receivedAt ? 1 : a.receivedAt > b.receivedAt ? -1 : 0));
    const items = newest.slice(0, INBOX_SHOWN).map((m) =>
      el(
        'li',
        { class: `msg state-${m.state.toLowerCase()}` },
        el('p', { class: 'msg-text', text: m.text }),
        el(
          'p',
          { class: 'msg-meta' },
          `from ${m.from} · ${clock(m.receivedAt)}${m.parts > 1 ? ` · ${m.parts} parts` : ''} · `,
          el('span', { class: 'badge', text: STATE_TEXT[m.state] ?? m.state }),
        ),
      ),
    );
    if (items.length === 0) items.push(el('li', { class: 'empty', text: 'No messages yet' }));
    inbox.replaceChildren(...items);
  }
  renderInbox();

  const simSwap = createSimSwapSwitch(id, msisdn, label);
  const ussd = kind === 'device' ? null : createUssdBox(id, msisdn, label);
  const signing = kind === 'device' ? createSigningBox(id, msisdn, label) : null;

  const head = el(
    'div',
    { class: 'handset-head' },
    el('h3', { id: `${id}-title`, text: label }),
    el('p', { class: 'msisdn', text: msisdn }),
    removable ? el('button', { type: 'button', class: 'quiet', onclick: onRemove }, 'Remove', srOnly(` ${label}`)) : null,
  );
  const root = el(
    'section',
    { class: `handset handset-${kind}`, 'aria-labelledby': `${id}-title` },
    head,
    simSwap.root,
    signing?.root,
    compose,
    ussd?.root,
    el('h4', { text: 'Inbox' }),
    inbox,
  );

  return {
    root,
    msisdn,
    label,
    setMessages(list) {
      messages.clear();
      for (const m of list) messages.set(m.id, m);
      renderInbox();
    },
    upsert(entry) {
      messages.set(entry.id, entry);
      renderInbox();
    },
    setUssd(session) {
      ussd?.show(session);
    },
    setSimSwap(swappedAt) {
      simSwap.show(swappedAt);
    },
    setSigning(view) {
      signing?.show(view);
    },
    async loadSigning() {
      if (signing) signing.show(await get(`/handsets/${encodeURIComponent(msisdn)}/signing`));
    },
    async loadSimSwap() {
      simSwap.show((await get(`/handsets/${encodeURIComponent(msisdn)}/sim-swap`)).swappedAt);
    },
    async loadUssd() {
      if (!ussd) return;
      const sessions = await get(`/ussd/sessions?from=${encodeURIComponent(msisdn)}`);
      ussd.show(sessions.at(-1) ?? null, true);
    },
  };
}

/**
 * "SIM swapped": checked = the operator's SIM-swap API reports this handset's SIM as changed now
 * (PUT …/sim-swap {swappedAt: "now"}); unchecked = never swapped (null). A time set through the
 * API shows as checked, with its time.
 */
function createSimSwapSwitch(id, msisdn, label) {
  const box = el('input', { type: 'checkbox', id: `${id}-sim-swap`, 'aria-describedby': `${id}-sim-swap-at` });
  const at = el('span', { id: `${id}-sim-swap-at`, class: 'sim-swap-at' });
  const status = el('span', { class: 'status', role: 'status' });
  const root = el(
    'p',
    { class: 'sim-swap' },
    box,
    el('label', { for: box.id }, 'SIM swapped', srOnly(` for ${label}`)),
    at,
    status,
  );

  let current = null; // the simulator's swappedAt, as last heard

  function show(swappedAt) {
    current = swappedAt ?? null;
    box.checked = current !== null;
    at.textContent = current === null ? '' : `at ${clock(current)}`;
  }

  box.addEventListener('change', async () => {
    const wanted = box.checked;
    status.classList.remove('error');
    status.textContent = '';
    try {
      const r = await put(`/handsets/${encodeURIComponent(msisdn)}/sim-swap`, { swappedAt: wanted ? 'now' : null });
      show(r.swappedAt);
    } catch (err) {
      show(current); // the switch goes back to what the simulator has
      status.textContent = err.message;
      status.classList.add('error');
    }
  });
  show(null);
  return { root, show };
}

/**
 * A debit device that signs its payment messages: provisioned with the deviceKey simpair returned
 * at binding, the PIN (empty: none) and the main SIM (PUT …/signing); then every PAY it sends ends
 * with <counter>:<mac>. "Tamper" sends a wrong MAC, "Replay" the last signed message again.
 */
function createSigningBox(id, msisdn, label) {
  const path = `/handsets/${encodeURIComponent(msisdn)}/signing`;
  const key = textField(`${id}-device-key`, ['Device key', srOnly(` of ${label}`)], { maxlength: '43', placeholder: 'deviceKey from simpair' });
  const pin = textField(`${id}-pin`, ['PIN', srOnly(` of ${label}`)], { maxlength: '8', inputmode: 'numeric', placeholder: 'none' });
  const main = textField(`${id}-main`, ['Main SIM', srOnly(` of ${label}`)], { maxlength: '20', inputmode: 'numeric', placeholder: '254700000001' });
  const tamper = el('input', { type: 'checkbox', id: `${id}-tamper` });
  const replay = el('input', { type: 'checkbox', id: `${id}-replay` });
  const state = el('p', { class: 'signing-state', role: 'status' });
  const status = el('p', { class: 'status', role: 'status' });
  const forget = el('button', { type: 'button', class: 'quiet' }, 'Forget key', srOnly(` of ${label}`));
  const form = el(
    'form',
    { class: 'signing-form' },
    el('p', { class: 'row' }, key.label, key.input),
    el('p', { class: 'row' }, pin.label, pin.input),
    el('p', { class: 'row' }, main.label, main.input),
    el('div', { class: 'inline' }, el('button', { type: 'submit' }, 'Provision', srOnly(` ${label}`)), forget),
  );
  const switches = el(
    'p',
    { class: 'row' },
    tamper,
    el('label', { for: tamper.id }, 'Tamper', srOnly(` with the MAC of ${label}`)),
    replay,
    el('label', { for: replay.id }, 'Replay', srOnly(` the last message of ${label}`)),
  );

  function show(view) {
    tamper.checked = !!view?.tamper;
    replay.checked = !!view?.replay;
    tamper.disabled = replay.disabled = !view?.provisioned;
    state.textContent = view?.provisioned
      ? `Signs for ${view.main}${view.withPin ? ' with a PIN' : ''} · counter ${view.counter}`
      : 'Not provisioned: sends messages as typed.';
  }

  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const body = { pin: pin.input.value.trim() || null, main: main.input.value.trim() };
    if (key.input.value.trim()) body.deviceKey = key.input.value.trim();
    void submitting(form, status, async () => {
      show(await put(path, body));
      key.input.value = '';
      pin.input.value = '';
      return 'Provisioned';
    });
  });
  forget.addEventListener('click', () => {
    void submitting(form, status, async () => {
      show(await call('DELETE', path));
      return 'Key forgotten';
    });
  });
  for (const [box, field] of [[tamper, 'tamper'], [replay, 'replay']]) {
    box.addEventListener('change', () => {
      void submitting(form, status, async () => {
        show(await put(path, { [field]: box.checked }));
        return `${field === 'tamper' ? 'Tamper' : 'Replay'} ${box.checked ? 'on' : 'off'}`;
      });
    });
  }
  show(null);

  const root = el('section', { class: 'signing', 'aria-labelledby': `${id}-signing-title` }, el('h4', { id: `${id}-signing-title`, text: 'Signing' }), state, form, switches, status);
  return { root, show };
}

/** Dial a code, read the network's screen, answer it or hang up. */
function createUssdBox(id, msisdn, label) {
  let current = null; // the session shown: the handset's latest

  const code = textField(`${id}-code`, ['USSD code', srOnly(` for ${label}`)], { value: '*778#', required: true, inputmode: 'tel' });
  const dialStatus = el('p', { class: 'status', role: 'status' });
  const dial = el(
    'form',
    { class: 'dial' },
    code.label,
    el('div', { class: 'inline' }, code.input, el('button', { type: 'submit' }, 'Dial', srOnly(` from ${label}`))),
  );

  const state = el('p', { class: 'ussd-state', text: 'No session' });
  const text = el('p', { class: 'ussd-text' });
  const screen = el('div', { class: 'ussd-screen', role: 'region', 'aria-label': `USSD screen of ${label}`, 'aria-live': 'polite' }, state, text);

  const answer = textField(`${id}-answer`, ['USSD answer', srOnly(` from ${label}`)], { required: true, inputmode: 'numeric' });
  const hangUp = el('button', { type: 'button', class: 'danger' }, 'Hang up', srOnly(` on ${label}`));
  const reply = el(
    'form',
    { class: 'ussd-answer' },
    answer.label,
    el('div', { class: 'inline' }, answer.input, el('button', { type: 'submit' }, 'Answer', srOnly(` from ${label}`)), hangUp),
  );

  dial.addEventListener('submit', (e) => {
    e.preventDefault();
    void submitting(dial, dialStatus, async () => {
      const r = await post('/ussd/sessions', { from: msisdn, code: code.input.value });
      const shown = await get(`/ussd/sessions/${encodeURIComponent(r.id)}`);
      show(shown);
      if (shown.state === 'open') answer.input.focus();
      return `Dialled ${code.input.value}: ${outcome(r)}`;
    });
  });
  reply.addEventListener('submit', (e) => {
    e.preventDefault();
    if (!current) return;
    const typed = answer.input.value;
    void submitting(reply, dialStatus, async () => {
      const r = await post(`/ussd/sessions/${encodeURIComponent(current.id)}/answer`, { text: typed });
      answer.input.value = '';
      return `Answered “${typed}”: ${outcome(r)}`;
    });
  });
  hangUp.addEventListener('click', () => {
    if (!current) return;
    void submitting(reply, dialStatus, async () => {
      const r = await post(`/ussd/sessions/${encodeURIComponent(current.id)}/abort`);
      return `Hung up: ${outcome(r)}`;
    });
  });

  /** Shows `session` if it is this handset's latest; `replace` also accepts an older one (reload). */
  function show(session, replace = false) {
    if (session && current && !replace && idNumber(session.id) < idNumber(current.id)) return;
    current = session;
    const open = session?.state === 'open';
    const network = session ? [...session.screens].reverse().find((s) => s.by === 'network') : null;
    state.textContent = session ? `${USSD_STATE_TEXT[session.state] ?? session.state} · ${session.code}` : 'No session';
    text.textContent = network ? network.text : session ? 'Waiting for the network…' : 'Dial a code to start.';
    const hadFocus = reply.contains(document.activeElement);
    reply.hidden = !open;
    // The session ended under the user's hands: keep the keyboard focus somewhere useful.
    if (!open && hadFocus) code.input.focus();
  }
  show(null);

  const root = el(
    'section',
    { class: 'ussd', 'aria-labelledby': `${id}-ussd-title` },
    el('h4', { id: `${id}-ussd-title`, text: 'USSD' }),
    dial,
    screen,
    reply,
    dialStatus,
  );
  return { root, show };
}

const idNumber = (id) => Number(String(id).replace(/\D/g, '')) || 0;
