// Money in the currency's own format and times in the configured zone (GET /v1/console/settings),
// both with the browser's Intl, so the console shows what the operator's staff expect.

let settings = { timeZone: 'UTC', locale: 'en', currency: 'XXX', minorDigits: 2, reasons: {} };
let money = null;
let time = null;

export function configure(s) {
  settings = s;
  money = new Intl.NumberFormat(s.locale, { style: 'currency', currency: s.currency, minimumFractionDigits: s.minorDigits, maximumFractionDigits: s.minorDigits });
  time = new Intl.DateTimeFormat(s.locale, { timeZone: s.timeZone, year: 'numeric', month: 'short', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' });
}

export const current = () => settings;

/** {amount: "12.50", currency} → "KES 12.50" (as the locale writes it). The decimal text is passed as is: no float rounding. */
export function formatMoney(m) {
  if (!m) return '—';
  if (m.currency !== settings.currency) return `${m.amount} ${m.currency}`;
  return money.format(m.amount);
}

/** ms since the epoch or ISO text → local time in the configured zone. */
export function formatTime(t) {
  if (t === undefined || t === null || t === '') return '—';
  const d = new Date(typeof t === 'string' && /^[0-9]+$/.test(t) ? Number(t) : t);
  return Number.isNaN(d.getTime()) ? String(t) : time.format(d);
}

export const formatMsisdn = (m) => (m ? `+${m}` : '—');

/** The IMSI with its subscriber part hidden: MCC+MNC and the last two digits stay. */
export function maskImsi(imsi) {
  if (!imsi) return 'not enrolled';
  return imsi.length <= 7 ? '*'.repeat(imsi.length) : `${imsi.slice(0, 5)}${'*'.repeat(imsi.length - 7)}${imsi.slice(-2)}`;
}

/** A reason code in words, where the server described it. */
export function reasonText(code) {
  if (!code) return '';
  if (code === 'refunded') return 'refunded';
  const text = settings.reasons?.[code];
  return text ? `${code.replaceAll('_', ' ')} — ${text}` : code.replaceAll('_', ' ');
}

export const stateText = (s) => String(s ?? '').replaceAll('_', ' ');
