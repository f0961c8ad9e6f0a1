// The audit log in pages, oldest first as the API keeps it: Next follows the API's cursor, Previous
// goes back through the cursors already seen.

import { api, seg } from './api.js';
import { field, fill, h, table } from './dom.js';
import { formatTime } from './format.js';

export function auditView(root, ctx) {
  const size = field('Entries per page', { tag: 'select', name: 'limit', options: [20, 50, 100].map((n) => ({ value: String(n), label: String(n), selected: n === 50 })) });
  const out = h('div', {});
  const cursors = []; // the `after` of each page shown before this one
  let after = undefined;
  size.input.addEventListener('change', () => {
    cursors.length = 0;
    load(undefined);
  });
  fill(root, h('section', { class: 'card', 'aria-label': 'Audit entries' }, h('h2', {}, 'Audit log'), size.row, out));

  async function load(from) {
    try {
      const page = await api('GET', `/v1/audit?limit=${seg(size.input.value)}${from ? `&after=${seg(from)}` : ''}`);
      after = from;
      fill(
        out,
        table(
          'Audit entries',
          ['#', 'Time', 'Operator', 'Role', 'Action', 'Target', 'Details'],
          page.entries.map((e) => [e.id, formatTime(e.at), e.operator, e.role, e.action, e.target, detailsText(e.details)]),
          'no entries',
        ),
        h(
          'p',
          { class: 'actions' },
          cursors.length ? h('button', { type: 'button', onclick: () => load(cursors.pop()) }, 'Previous page') : null,
          page.next
            ? h(
                'button',
                {
                  type: 'button',
                  onclick: () => {
                    cursors.push(after);
                    load(page.next);
                  },
                },
                'Next page',
              )
            : null,
        ),
      );
    } catch (err) {
      ctx.fail(err);
    }
  }

  return {
    enter: () => load(after),
  };
}

function detailsText(d) {
  return Object.entries(d ?? {})
    .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)
    .join(', ');
}
