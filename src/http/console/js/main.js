// The console's shell: sign in (the token checked with GET /v1/whoami, kept in sessionStorage),
// the role that decides which actions are drawn, the section tabs, one notice line for results and
// errors, and a confirmation dialog. Each section is its own module.

import { api, session, whenUnauthorized } from './api.js';
import { configure } from './format.js';
import { fill } from './dom.js';
import { subscribersView } from './subscribers.js';
import { merchantsView } from './merchants.js';
import { networkView } from './network.js';
import { auditView } from './audit.js';

const $ = (id) => document.getElementById(id);
const RANK = { viewer: 0, operator: 1, admin: 2 };

/** What every view gets: the operator, role checks, the notice line and confirmation. */
const ctx = {
  operator: null,
  may(role) {
    return ctx.operator !== null && RANK[ctx.operator.role] >= RANK[role];
  },
  say(text) {
    const n = $('notice');
    n.classList.remove('error');
    n.textContent = text;
  },
  fail(err) {
    const n = $('notice');
    n.classList.add('error');
    n.textContent = err instanceof Error ? err.message : String(err);
  },
  confirm(text, action = 'Confirm') {
    const dialog = $('confirm');
    $('confirm-text').textContent = text;
    $('confirm-ok').textContent = action;
    dialog.returnValue = '';
    dialog.showModal();
    return new Promise((resolve) => dialog.addEventListener('close', () => resolve(dialog.returnValue === 'ok'), { once: true }));
  },
};

const views = {};
let active = 'subscribers';

function show(name) {
  active = name;
  for (const b of document.querySelectorAll('nav.tabs button')) {
    if (b.dataset.view === name) b.setAttribute('aria-current', 'page');
    else b.removeAttribute('aria-current');
  }
  for (const [key, view] of Object.entries(views)) {
    $(`view-${key}`).hidden = key !== name;
    if (key === name) view.enter?.();
    else view.leave?.();
  }
}

async function start() {
  const [who, settings] = await Promise.all([api('GET', '/v1/whoami'), api('GET', '/v1/console/settings')]);
  ctx.operator = who;
  configure(settings);
  fill($('who'), `Signed in as ${who.name} (${who.role}) · times in ${settings.timeZone}`);
  $('sign-in').hidden = true;
  $('app').hidden = false;
  $('sign-out').hidden = false;
  views.subscribers = subscribersView($('view-subscribers'), ctx);
  views.merchants = merchantsView($('view-merchants'), ctx);
  views.network = networkView($('view-network'), ctx);
  views.audit = auditView($('view-audit'), ctx);
  show(active);
}

function signOut(message = '') {
  session.signOut();
  // A fresh page: nothing of the last operator's data stays in the DOM or in memory.
  if (message) sessionStorage.setItem('simpair.console.message', message);
  location.reload();
}

// Only once signed in: a wrong token at sign-in is answered on the form itself.
whenUnauthorized(() => {
  if (ctx.operator) signOut('The token was not accepted. Sign in again.');
});

$('sign-in-form').addEventListener('submit', async (e) => {
  e.preventDefault();
  const input = $('token');
  const token = input.value.trim();
  input.value = '';
  $('sign-in-error').textContent = '';
  session.signIn(token);
  try {
    await start();
  } catch (err) {
    session.signOut();
    $('sign-in-error').textContent = err.message;
  }
});

$('sign-out').addEventListener('click', () => signOut());
for (const b of document.querySelectorAll('nav.tabs button')) b.addEventListener('click', () => show(b.dataset.view));

const left = sessionStorage.getItem('simpair.console.message');
if (left) {
  sessionStorage.removeItem('simpair.console.message');
  $('sign-in-error').textContent = left;
}
if (session.token) {
  start().catch((err) => {
    session.signOut();
    $('sign-in-error').textContent = err.message;
  });
}
