// Merchants: the list (in pages), one merchant's balance, recent payments (its journal lines) and
// webhook delivery state with the latest attempts; creation for admin, whose answer shows the
// webhook secret once. Names are shown as text whatever they contain.

import { api, seg } from './api.js';
import { facts, field, fill, h, shownOnce, table } from './dom.js';
import { formatMoney, formatMsisdn, formatTime } from './format.js';

export function merchantsView(root, ctx) {
  const list = h('section', { class: 'card', 'aria-label': 'Merchant list' });
  const detail = h('div', { class: 'merchant-detail' });
  const secret = h('div', { 'aria-live': 'polite' });
  fill(root, ctx.may('admin') ? createForm() : null, secret, list, detail);

  async function load(after) {
    try {
      const page = await api('GET', `/v1/merchants?limit=50${after ? `&after=${seg(after)}` : ''}`);
      const rows = page.merchants.map((m) => [
        h('button', { type: 'button', class: 'link', onclick: () => open(m.code) }, m.code),
        m.name,
        formatMoney(m.balance),
        formatMsisdn(m.msisdn),
        m.webhookUrl ? webhookSummary(m.webhook) : 'no webhook',
      ]);
      fill(
        list,
        h('h2', {}, 'Merchants'),
        table('Merchants', ['Code', 'Name', 'Balance', 'Phone', 'Webhook'], rows),
        h('p', { class: 'actions' }, after ? h('button', { type: 'button', onclick: () => load() }, 'First page') : null, page.next ? h('button', { type: 'button', onclick: () => load(page.next) }, 'Next page') : null),
      );
    } catch (err) {
      ctx.fail(err);
    }
  }

  async function open(code) {
    try {
      const [m, journal, attempts] = await Promise.all([
        api('GET', `/v1/merchants/${seg(code)}`),
        api('GET', `/v1/ledger/recent?account=${seg(`merchant:${code}`)}&limit=20`),
        api('GET', `/v1/merchants/${seg(code)}/webhook-attempts`),
      ]);
      fill(
        detail,
        h(
          'section',
          { class: 'card', 'aria-label': `Merchant ${m.code}` },
          h('h2', {}, `Merchant ${m.code}`),
          facts([
            ['Name', m.name],
            ['Balance', formatMoney(m.balance)],
            ['Phone', formatMsisdn(m.msisdn)],
            ['Webhook', m.webhookUrl ?? 'none'],
            ['Webhook state', m.webhookUrl ? webhookSummary(m.webhook) : '—'],
            ['Created', formatTime(m.createdAt)],
          ]),
          table(
            'Recent payments and refunds',
            ['Time', 'Kind', 'Payment or refund', 'Amount'],
            journal.entries.map((e) => [formatTime(e.at), e.kind, e.transferId, `${e.credit === `merchant:${m.code}` ? '+' : '−'}${formatMoney(e.amount)}`]),
            'none yet',
          ),
          table(
            'Latest webhook attempts',
            ['Time', 'Event', 'Attempt', 'Outcome', 'HTTP status'],
            attempts.attempts.map((a) => [formatTime(a.at), `${a.type} ${a.event}`, String(a.attempt), a.outcome.replaceAll('_', ' '), a.status === null ? 'no answer' : String(a.status)]),
            'none yet',
          ),
        ),
      );
    } catch (err) {
      ctx.fail(err);
    }
  }

  function createForm() {
    const code = field('Merchant code', { name: 'code', required: true, pattern: '[A-Za-z0-9]{2,20}', maxlength: 20 }, '2 to 20 letters or digits; customers type it in PAY messages.');
    const name = field('Merchant name', { name: 'name', required: true, maxlength: 100 });
    const phone = field('Merchant phone (optional)', { name: 'msisdn', inputmode: 'tel' }, 'Receives an SMS per payment and may CHECK payments.');
    const hook = field('Webhook URL (optional)', { name: 'webhookUrl', type: 'url' });
    return h(
      'form',
      {
        class: 'card',
        onsubmit: async (e) => {
          e.preventDefault();
          const v = (f) => f.input.value.trim();
          const body = { code: v(code), name: v(name), ...(v(phone) ? { msisdn: v(phone) } : {}), ...(v(hook) ? { webhookUrl: v(hook) } : {}) };
          try {
            const m = await api('POST', '/v1/merchants', body);
            e.target.reset();
            fill(
              secret,
              m.webhookSecret
                ? shownOnce({ region: 'Webhook secret', title: `Webhook secret of ${m.code} (shown this once)`, label: `Webhook secret of ${m.code}`, value: m.webhookSecret, warning: 'Copy it to the merchant now: it cannot be shown again, only replaced.' })
                : null,
            );
            ctx.say(`Merchant ${m.code} created: ${m.name}.`);
            await load();
            await open(m.code);
          } catch (err) {
            ctx.fail(err);
          }
        },
      },
      h('h2', {}, 'Create a merchant'),
      code.row,
      name.row,
      phone.row,
      hook.row,
      h('button', { type: 'submit' }, 'Create merchant'),
    );
  }

  return {
    enter: () => load(),
  };
}

function webhookSummary(w) {
  if (!w) return 'no attempts yet';
  const last = w.lastOutcome ? `last ${w.lastOutcome.replaceAll('_', ' ')} ${formatTime(w.lastAt)}` : 'no attempts yet';
  return `${last}; ${w.failures} failed attempts; ${w.givenUp} given up`;
}
