// DOM building without HTML parsing: every text goes in through textContent (createTextNode), so
// data from the API — a merchant's name, an audit entry's details — is never markup. Nothing in the
// console assigns innerHTML.

/**
 * h('button', { type: 'button', onclick }, 'Text', child, ...): an element. Attributes starting with
 * "on" become listeners; `hidden`/`disabled`/`required` are booleans; other values are set as
 * attributes (strings only, never parsed). Children: strings, numbers, nodes, null (skipped), arrays.
 */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs ?? {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
    else if (v === true) el.setAttribute(k, '');
    else el.setAttribute(k, String(v));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    if (Array.isArray(c)) append(el, c);
    else el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
}

/** Replaces the children of `el`. */
export function fill(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

let uid = 0;
/** A labelled input in a `p.row`: returns { row, input }. The label names the control for assistive tech and tests. */
export function field(label, attrs = {}, hint) {
  const id = `f${++uid}`;
  const hintId = hint ? `${id}-hint` : undefined;
  const input = attrs.tag === 'select' ? h('select', { id, name: attrs.name }, ...(attrs.options ?? []).map((o) => h('option', { value: o.value, selected: o.selected }, o.label))) : h('input', { id, autocomplete: 'off', ...attrs, 'aria-describedby': hintId, tag: undefined });
  const row = h('p', { class: 'row' }, h('label', { for: id }, label), input, hint ? h('span', { id: hintId, class: 'hint' }, hint) : null);
  return { row, input };
}

/**
 * A secret shown this once (a merchant's webhook secret, a device's deviceKey): a labelled, read-only
 * field whose text can be selected and copied (focusing it selects it all), with the warning that it
 * cannot be shown again. It lives in this DOM only: never in sessionStorage, a URL or the audit log.
 */
export function shownOnce({ region, title, label, value, warning }) {
  const secret = field(label, { readonly: true, value, spellcheck: 'false', class: 'secret-value', onfocus: (e) => e.target.select() }, warning);
  return h('section', { class: 'card secret', 'aria-label': region }, h('h3', {}, title), secret.row);
}

/** A table with a caption; `rows` are arrays of cells (strings or nodes). Wrapped so it scrolls on a phone. */
export function table(caption, headers, rows, empty = 'None.') {
  if (!rows.length) return h('div', { class: 'table-wrap' }, h('p', { class: 'empty', 'aria-label': caption }, `${caption}: ${empty}`));
  return h(
    'div',
    { class: 'table-wrap' },
    h('table', {}, h('caption', {}, caption), h('thead', {}, h('tr', {}, headers.map((x) => h('th', { scope: 'col' }, x)))), h('tbody', {}, rows.map((r) => h('tr', {}, r.map((c) => h('td', {}, c)))))),
  );
}

/** A definition list of [term, value] pairs. */
export function facts(pairs) {
  return h('dl', { class: 'facts' }, pairs.filter(Boolean).map(([k, v]) => [h('dt', {}, k), h('dd', {}, v)]));
}
