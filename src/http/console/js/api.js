// The admin API from the console: same origin, the token from sessionStorage in the Authorization
// header (never in a URL), JSON in and out. Failures become an ApiError whose message is a sentence
// for a person, not the JSON the API answered.

const KEY = 'simpair.console.token';

export const session = {
  get token() {
    return sessionStorage.getItem(KEY);
  },
  signIn(token) {
    sessionStorage.setItem(KEY, token);
  },
  signOut() {
    sessionStorage.removeItem(KEY);
  },
};

export class ApiError extends Error {
  constructor(message, status) {
    super(message);
    this.status = status;
  }
}

/** Called on a 401 (the token no longer works): the app signs out. */
let onUnauthorized = () => {};
export function whenUnauthorized(fn) {
  onUnauthorized = fn;
}

function words(status, body, retryAfter) {
  const said = body && typeof body.error === 'string' ? body.error : '';
  const detail = said ? `: ${said}` : '';
  if (status === 400) return `The input was not accepted${detail}.`;
  if (status === 401) return 'The token was not accepted. Sign in again.';
  if (status === 403) return `Your role may not do this${detail}.`;
  if (status === 404) return `Not found${detail}.`;
  if (status === 409) return `Refused${detail}.`;
  if (status === 413) return 'The request is too large.';
  if (status === 422) return `Refused${detail}.`;
  if (status === 429) return `Too many wrong tokens from this address; try again in ${retryAfter || 60} seconds.`;
  if (status === 503) return `simpair cannot serve this right now${detail}. Try again shortly.`;
  return `simpair answered with an error (HTTP ${status})${detail}.`;
}

/** fetch → parsed JSON (null for 204); throws ApiError with a readable message. */
export async function api(method, path, body) {
  const headers = { accept: 'application/json' };
  const token = session.token;
  if (token) headers.authorization = `Bearer ${token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  let res;
  try {
    res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), credentials: 'same-origin', cache: 'no-store', redirect: 'error' });
  } catch {
    throw new ApiError('Could not reach simpair. Check the connection and try again.', 0);
  }
  let data = null;
  if (res.status !== 204) {
    try {
      data = await res.json();
    } catch {
      data = null;
    }
  }
  // Some answers are results with a non-2xx status (the ledger check's 409, readiness's 503).
  if (res.ok) return data;
  if (res.status === 401) onUnauthorized();
  throw new ApiError(words(res.status, data, res.headers.get('retry-after')), res.status);
}

/** Path segment encoding for values typed by the operator. */
export const seg = (s) => encodeURIComponent(String(s));
