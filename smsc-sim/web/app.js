// The page: handsets side by side and the network panel, kept live by server-sent events
// (GET /events). On every (re)connection the page reloads a snapshot through the JSON API and then
// applies events; PDU log entries carry increasing ids, so none is shown twice.
import { get, normalize } from './api.js';
import { createHandset } from './handsets.js';
import { createNetworkPanel } from './network.js';

const STORAGE_KEY = 'smsc-sim.added-handsets';
const handsetsBox = document.getElementById('handsets');
const linkState = document.getElementById('link-state');
const network = createNetworkPanel();
const handsets = new Map(); // msisdn → handset
let lastPduId = 0;

function added() {
  try {
    const list = JSON.parse(localStorage.getItem(STORAGE_KEY) ?? '[]');
    return Array.isArray(list) ? list.filter((h) => h && typeof h.msisdn === 'string') : [];
  } catch {
    return [];
  }
}

function saveAdded() {
  const list = [...handsets.values()].filter((h) => h.removable).map(({ msisdn, label }) => ({ msisdn, label }));
  localStorage.setItem(STORAGE_KEY, JSON.stringify(list));
}

function addHandset(spec) {
  const msisdn = normalize(spec.msisdn);
  if (handsets.has(msisdn)) return handsets.get(msisdn);
  const handset = createHandset(
    { ...spec, msisdn },
    {
      onRemove() {
        handset.root.remove();
        handsets.delete(msisdn);
        saveAdded();
        document.getElementById('add-msisdn').focus();
      },
    },
  );
  handset.removable = !!spec.removable;
  handsets.set(msisdn, handset);
  handsetsBox.append(handset.root);
  return handset;
}

async function loadHandset(handset) {
  const { messages } = await get(`/handsets/${encodeURIComponent(handset.msisdn)}/inbox`);
  handset.setMessages(messages);
  await Promise.all([handset.loadUssd(), handset.loadSimSwap(), handset.loadSigning()]);
}

async function loadSnapshot() {
  const [sessions, counters, faults, pdus] = await Promise.all([get('/sessions'), get('/counters'), get('/faults'), get('/pdus?limit=200')]);
  network.setBinds(sessions);
  network.setCounters(counters);
  network.setFaults(faults);
  network.setPdus(pdus);
  lastPduId = pdus.at(-1)?.id ?? 0;
  await Promise.all([...handsets.values()].map(loadHandset));
}

function connect() {
  const events = new EventSource('/events');
  const on = (name, fn) => events.addEventListener(name, (e) => fn(JSON.parse(e.data)));
  events.addEventListener('open', () => {
    linkState.textContent = 'live';
    loadSnapshot().catch((err) => (linkState.textContent = `cannot load: ${err.message}`));
  });
  events.addEventListener('error', () => {
    linkState.textContent = 'reconnecting…'; // EventSource retries by itself
  });
  on('inbox', (entry) => handsets.get(normalize(entry.to))?.upsert(entry));
  on('ussd', (session) => handsets.get(normalize(session.from))?.setUssd(session));
  on('handset', (h) => handsets.get(normalize(h.msisdn))?.setSimSwap(h.swappedAt));
  on('signing', (view) => handsets.get(normalize(view.msisdn))?.setSigning(view));
  on('pdu', (entry) => {
    if (entry.id <= lastPduId) return;
    lastPduId = entry.id;
    network.addPdu(entry);
  });
  on('sessions', (sessions) => network.setBinds(sessions));
  on('counters', (counters) => network.setCounters(counters));
  on('faults', (faults) => network.setFaults(faults));
  on('reset', () => {
    lastPduId = 0;
    void loadSnapshot();
  });
}

function wireAddForm() {
  const form = document.getElementById('add-handset');
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const msisdn = normalize(form.elements.msisdn.value.trim());
    const label = form.elements.label.value.trim() || `Handset ${msisdn}`;
    const existing = handsets.get(msisdn);
    if (existing) {
      existing.root.querySelector('.compose input')?.focus();
      return;
    }
    const handset = addHandset({ msisdn, label, kind: 'phone', removable: true });
    saveAdded();
    form.reset();
    void loadHandset(handset);
    handset.root.querySelector('.compose input')?.focus();
  });
}

async function main() {
  const config = await get('/ui/config');
  document.getElementById('service-number').textContent = config.serviceNumber;
  for (const h of config.handsets) addHandset(h);
  for (const h of added()) addHandset({ msisdn: h.msisdn, label: h.label || `Handset ${h.msisdn}`, kind: 'phone', removable: true });
  wireAddForm();
  connect();
}

main().catch((err) => {
  linkState.textContent = `cannot start: ${err.message}`;
});
