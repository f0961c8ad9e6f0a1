// Subscriber view: look up by MSISDN (any format the API accepts), then balance, lock, failed
// authentications, masked IMSI, devices, payments (newest first, each with its full history and
// refunds) and the account's journal lines. Actions appear only for a role that may take them:
// unlock, bind (MAC devices with a PIN), unbind, suspend, re-activate, new device key, refund
// (operator), credit (admin), enrol (operator; an opening balance admin). A deviceKey is shown once.

import { api, seg } from './api.js';
import { facts, field, fill, h, shownOnce, table } from './dom.js';
import { formatMoney, formatMsisdn, formatTime, maskImsi, reasonText, stateText } from './format.js';

export function subscribersView(root, ctx) {
  const lookup = field('Subscriber MSISDN', { name: 'msisdn', required: true, inputmode: 'tel', placeholder: '+254700000001' }, 'International, national or digits only.');
  const result = h('div', { class: 'result' });
  let current = null; // the MSISDN shown
  // A deviceKey just made (binding, new key): drawn by the next render only, then forgotten, so
  // looking the subscriber up again never shows it.
  let keyShown = null;

  const lookupForm = h('form', { class: 'card', onsubmit: (e) => (e.preventDefault(), open(lookup.input.value.trim())) }, h('h2', {}, 'Look up a subscriber'), lookup.row, h('button', { type: 'submit' }, 'Look up'));
  fill(root, lookupForm, result, ctx.may('operator') ? enrolForm() : null);

  async function open(msisdn) {
    try {
      const sub = await api('GET', `/v1/subscribers/${seg(msisdn)}`);
      current = sub.msisdn;
      const [payments, journal] = await Promise.all([api('GET', `/v1/payments?msisdn=${seg(sub.msisdn)}&limit=20`), api('GET', `/v1/ledger/recent?account=${seg(`subscriber:${sub.msisdn}`)}&limit=20`)]);
      render(sub, payments.payments, journal.entries);
      // A key just made: the keyboard lands on it, selected, ready to copy.
      result.querySelector('.secret-value')?.focus();
      ctx.say(`Subscriber ${formatMsisdn(sub.msisdn)} shown.`);
    } catch (err) {
      keyShown = null;
      fill(result);
      ctx.fail(err);
    }
  }
  const reload = () => (current ? open(current) : undefined);

  function render(sub, payments, journal) {
    const detail = h('div', { class: 'payment-detail', 'aria-live': 'polite' });
    fill(
      result,
      h(
        'section',
        { class: 'card', 'aria-label': `Subscriber ${formatMsisdn(sub.msisdn)}` },
        h('h2', {}, `Subscriber ${formatMsisdn(sub.msisdn)}`, sub.name ? ` — ${sub.name}` : ''),
        facts([
          ['Balance', h('strong', { 'data-testid': 'balance' }, formatMoney(sub.balance))],
          ['State', sub.locked ? h('span', { class: 'bad' }, `Locked${sub.lockReason ? ` (${sub.lockReason.replaceAll('_', ' ')})` : ''}`) : h('span', { class: 'good' }, 'Active')],
          ['Failed authentications', String(sub.failedAuth)],
          ['IMSI', maskImsi(sub.imsi)],
          ['Enrolled', formatTime(sub.createdAt)],
        ]),
        sub.locked && ctx.may('operator') ? unlockForm(sub) : null,
        ctx.may('admin') ? creditForm(sub) : null,
      ),
      devicesCard(sub),
      h('section', { class: 'card', 'aria-label': 'Payments' }, h('h3', {}, 'Payments (newest first)'), paymentsTable(payments, detail), detail),
      h(
        'section',
        { class: 'card', 'aria-label': 'Journal' },
        h('h3', {}, 'Journal entries of the account (newest first)'),
        table(
          'Journal entries',
          ['Time', 'Kind', 'Transfer', 'From', 'To', 'Amount'],
          journal.map((e) => [formatTime(e.at), e.kind, e.transferId, e.debit, e.credit, formatMoney(e.amount)]),
        ),
      ),
    );
  }

  function unlockForm(sub) {
    const reason = field('Reason for unlocking', { name: 'reason', required: true, maxlength: 200 }, 'Kept in the audit log, e.g. "SIM swap verified in shop".');
    return h(
      'form',
      {
        class: 'inline-form',
        onsubmit: async (e) => {
          e.preventDefault();
          if (!(await ctx.confirm(`Unlock ${formatMsisdn(sub.msisdn)}? Payments from this SIM will be accepted again.`, 'Unlock'))) return;
          act(() => api('POST', `/v1/subscribers/${seg(sub.msisdn)}/unlock`, { reason: reason.input.value.trim() }), `${formatMsisdn(sub.msisdn)} unlocked.`);
        },
      },
      h('h3', {}, 'Unlock'),
      reason.row,
      h('button', { type: 'submit' }, 'Unlock'),
    );
  }

  function creditForm(sub) {
    return moneyForm({
      verb: 'Credit',
      title: h('h3', {}, 'Credit (top-up)'),
      amount: { placeholder: '100.00' },
      hint: 'Unique per top-up: the same reference credits once.',
      question: (body) => `Credit ${body.amount} to ${formatMsisdn(sub.msisdn)}? This creates money.`,
      send: (body) => api('POST', `/v1/subscribers/${seg(sub.msisdn)}/credits`, body),
      done: (body) => `Credited ${body.amount} to ${formatMsisdn(sub.msisdn)}.`,
    });
  }

  /** An {amount, reference} form (credits, refunds): confirmed, then the change and a fresh view. */
  function moneyForm(o) {
    const amount = field(`${o.verb} amount`, { name: 'amount', required: true, inputmode: 'decimal', ...o.amount });
    const reference = field(`${o.verb} reference`, { name: 'reference', required: true, maxlength: 64, pattern: '[A-Za-z0-9._:\\/\\-]{1,64}' }, o.hint);
    const submit = async (e) => {
      e.preventDefault();
      const body = { amount: amount.input.value.trim(), reference: reference.input.value.trim() };
      if (await ctx.confirm(o.question(body), o.verb)) act(() => o.send(body), o.done(body));
    };
    return h('form', { class: 'inline-form', onsubmit: submit }, o.title, amount.row, reference.row, h('button', { type: 'submit' }, o.verb));
  }

  function devicesCard(sub) {
    const operator = ctx.may('operator');
    const rows = sub.devices.map((d) => [
      formatMsisdn(d.msisdn),
      d.label ?? '—',
      maskImsi(d.imsi),
      formatTime(d.boundAt),
      d.mac ? 'yes' : 'no',
      d.mac ? String(d.counter ?? 0) : '—',
      d.mac ? String(d.refusals ?? 0) : '—',
      deviceState(d),
      operator ? deviceActions(sub, d) : '',
    ]);
    const once = keyShown;
    keyShown = null;
    return h(
      'section',
      { class: 'card', 'aria-label': 'Devices' },
      h('h3', {}, 'Bound devices'),
      table('Devices', ['Device', 'Label', 'IMSI', 'Bound', 'MAC', 'Last counter', 'Refusals (window)', 'State', operator ? 'Actions' : ''], rows),
      once ? deviceKeyShown(once) : null,
      operator ? bindForm(sub) : null,
    );
  }

  /** Suspended (by an operator) and ignored (too many refusals) can both hold; either way its messages move no money. */
  function deviceState(d) {
    const states = [d.suspended ? 'suspended' : null, d.ignoredUntil ? `ignored until ${formatTime(d.ignoredUntil)}` : null].filter(Boolean);
    return states.length ? h('span', { class: 'bad' }, states.join('; ')) : h('span', { class: 'good' }, 'active');
  }

  function deviceActions(sub, d) {
    const main = formatMsisdn(sub.msisdn);
    const dev = formatMsisdn(d.msisdn);
    const path = `/v1/subscribers/${seg(sub.msisdn)}/devices/${seg(d.msisdn)}`;
    const button = (text, question, verb, change, done) =>
      h('button', { type: 'button', onclick: async () => (await ctx.confirm(question, verb)) && act(change, done) }, text);
    return h(
      'div',
      {},
      h(
        'p',
        { class: 'actions' },
        button(`Unbind ${dev}`, `Unbind device ${dev} from ${main}? Its confirmations will be refused.`, 'Unbind', () => api('DELETE', path), `Device ${dev} unbound.`),
        d.suspended
          ? button(`Re-activate ${dev}`, `Re-activate device ${dev}? Its messages count again and its refusals are forgotten.`, 'Re-activate', () => api('POST', `${path}/activate`), `Device ${dev} re-activated.`)
          : button(`Suspend ${dev}`, `Suspend device ${dev}? Its messages move no money until it is re-activated.`, 'Suspend', () => api('POST', `${path}/suspend`), `Device ${dev} suspended.`),
      ),
      d.mac ? newKeyForm(d, dev, path) : null,
    );
  }

  /** A new deviceKey for a MAC device; the API's rule: without a PIN the device has none afterwards. */
  function newKeyForm(d, dev, path) {
    const pin = pinField(`New PIN for ${dev} (optional)`, 'Without one the device will have no PIN.');
    return h(
      'form',
      {
        class: 'inline-form',
        onsubmit: async (e) => {
          e.preventDefault();
          const value = pin.input.value;
          const question = `Make a new key for device ${dev}? Its current key stops working at once${value ? '; the new PIN applies' : ', and it will have no PIN'}.`;
          if (!(await ctx.confirm(question, 'Make new key'))) return;
          act(async () => {
            const answer = await api('POST', `${path}/key`, value ? { pin: value } : {});
            keyShown = { msisdn: answer.msisdn ?? d.msisdn, deviceKey: answer.deviceKey };
          }, `New key made for device ${dev}: shown below, this once.`);
        },
      },
      pin.row,
      h('button', { type: 'submit' }, `New key for ${dev}`),
    );
  }

  function deviceKeyShown({ msisdn, deviceKey }) {
    const dev = formatMsisdn(msisdn);
    return shownOnce({
      region: 'New device key',
      title: `Device key of ${dev} (shown this once)`,
      label: `Device key of ${dev}`,
      value: deviceKey,
      warning: 'Provision it on the device now, with its PIN if it has one: simpair does not keep it and cannot show it again, only make a new one.',
    });
  }

  function pinField(label, hint) {
    return field(label, { name: 'pin', type: 'password', inputmode: 'numeric', pattern: '[0-9]{4,8}', minlength: 4, maxlength: 8, autocomplete: 'new-password' }, `4 to 8 digits, typed on the device for each payment. ${hint}`);
  }

  function bindForm(sub) {
    const msisdn = field('Device MSISDN', { name: 'msisdn', required: true, inputmode: 'tel' });
    const imsi = field('Device IMSI (optional)', { name: 'imsi', inputmode: 'numeric', pattern: '[0-9]{6,15}' });
    const label = field('Device label (optional)', { name: 'label', maxlength: 64 });
    const mac = field('Signs its messages (MAC device)', { name: 'mac', type: 'checkbox' }, 'The device gets a key, shown once, and ends its payment messages with <counter>:<mac>.');
    const pin = pinField('Device PIN (optional)', 'Without one the key alone signs.');
    // The PIN is only for a MAC device (the API refuses it otherwise): shown and sent only then.
    const macChanged = () => {
      pin.row.hidden = !mac.input.checked;
      pin.input.disabled = !mac.input.checked;
      if (!mac.input.checked) pin.input.value = '';
    };
    mac.input.addEventListener('change', macChanged);
    macChanged();
    return h(
      'form',
      {
        class: 'inline-form',
        onsubmit: (e) => {
          e.preventDefault();
          const v = (f) => f.input.value.trim();
          const signs = mac.input.checked;
          const body = { msisdn: v(msisdn), ...(v(imsi) ? { imsi: v(imsi) } : {}), ...(v(label) ? { label: v(label) } : {}), ...(signs ? { mac: true } : {}), ...(signs && pin.input.value ? { pin: pin.input.value } : {}) };
          act(async () => {
            const device = await api('POST', `/v1/subscribers/${seg(sub.msisdn)}/devices`, body);
            if (device?.deviceKey) keyShown = { msisdn: device.msisdn, deviceKey: device.deviceKey };
          }, signs ? `MAC device ${body.msisdn} bound: its key is shown below, this once.` : `Device ${body.msisdn} bound.`);
        },
      },
      h('h3', {}, 'Bind a device'),
      msisdn.row,
      imsi.row,
      label.row,
      mac.row,
      pin.row,
      h('button', { type: 'submit' }, 'Bind device'),
    );
  }

  function paymentsTable(payments, detail) {
    return table(
      'Payments',
      ['Payment', 'Created', 'State', 'Amount', 'Merchant', 'Channel'],
      payments.map((p) => [
        h('button', { type: 'button', class: 'link', onclick: () => showPayment(p.id, detail) }, `Payment ${p.id}`),
        formatTime(p.createdAt),
        stateText(p.state),
        formatMoney(p.amount),
        p.merchant,
        p.channel.toUpperCase(),
      ]),
      'no payments yet',
    );
  }

  async function showPayment(id, detail) {
    try {
      const p = await api('GET', `/v1/payments/${seg(id)}`);
      fill(
        detail,
        h(
          'section',
          { class: 'card inner', 'aria-label': `Payment ${p.id}` },
          h('h4', {}, `Payment ${p.id}`),
          facts([
            ['State', stateText(p.state)],
            ['Reason', reasonText(p.reason)],
            ['Amount', formatMoney(p.amount)],
            ['Refunded', p.refunded ? formatMoney(p.refunded) : '—'],
            ['Merchant', p.merchant],
            ['Channel', p.channel.toUpperCase()],
            ['Device', formatMsisdn(p.device)],
            ['Created', formatTime(p.createdAt)],
            ['Completed', formatTime(p.completedAt)],
          ]),
          table(
            'State history',
            ['Time', 'From', 'To', 'Reason', 'Amount'],
            p.history.map((x) => [formatTime(x.at), x.from ? stateText(x.from) : '(new)', stateText(x.to), reasonText(x.reason), x.amount ? formatMoney(x.amount) : '']),
          ),
          table(
            'Refunds',
            ['Time', 'Reference', 'Amount'],
            (p.refunds ?? []).map((r) => [formatTime(r.at), r.reference, formatMoney(r.amount)]),
            'no refunds',
          ),
          p.state === 'completed' && ctx.may('operator') ? refundForm(p) : null,
        ),
      );
      detail.querySelector('h4')?.setAttribute('tabindex', '-1');
      detail.querySelector('h4')?.focus();
    } catch (err) {
      ctx.fail(err);
    }
  }

  function refundForm(p) {
    return moneyForm({
      verb: 'Refund',
      title: h('h4', {}, 'Refund'),
      amount: { value: p.amount.amount },
      hint: 'The same reference refunds once.',
      question: (body) => `Refund ${body.amount} of payment ${p.id} to ${formatMsisdn(p.main)}?`,
      send: (body) => api('POST', `/v1/payments/${seg(p.id)}/refunds`, body),
      done: (body) => `Refunded ${body.amount} of payment ${p.id}.`,
    });
  }

  function enrolForm() {
    const msisdn = field('MSISDN of the new subscriber', { name: 'msisdn', required: true, inputmode: 'tel' });
    const imsi = field('IMSI (optional)', { name: 'imsi', inputmode: 'numeric', pattern: '[0-9]{6,15}' });
    const name = field('Name (optional)', { name: 'name', maxlength: 100 });
    const balance = ctx.may('admin') ? field('Opening balance (optional)', { name: 'balance', inputmode: 'decimal' }) : null;
    return h(
      'form',
      {
        class: 'card',
        onsubmit: async (e) => {
          e.preventDefault();
          const v = (f) => (f ? f.input.value.trim() : '');
          const body = { msisdn: v(msisdn), ...(v(imsi) ? { imsi: v(imsi) } : {}), ...(v(name) ? { name: v(name) } : {}), ...(v(balance) ? { balance: v(balance) } : {}) };
          try {
            const sub = await api('POST', '/v1/subscribers', body);
            e.target.reset();
            await open(sub.msisdn);
            ctx.say(`Subscriber ${formatMsisdn(sub.msisdn)} enrolled.`);
          } catch (err) {
            ctx.fail(err);
          }
        },
      },
      h('h2', {}, 'Enrol a subscriber'),
      msisdn.row,
      imsi.row,
      name.row,
      balance?.row,
      h('button', { type: 'submit' }, 'Enrol subscriber'),
    );
  }

  /** Runs a change, then shows the subscriber again as it now is; the notice says what happened. */
  async function act(change, done) {
    try {
      await change();
      await reload();
      ctx.say(done);
    } catch (err) {
      ctx.fail(err);
    }
  }

  return {};
}
