import { request, type IncomingHttpHeaders } from 'node:http';

// HTTP calls of the tests: to simpair's API and console, to the simulator's control API. Imports
// nothing of src/, so the simulator's own tests use it without loading it. Built on node:http
// rather than fetch so that a test can choose the client's source address (`from`: the API's
// per-address rule for failed authentications).

export interface HttpAnswer<T> {
  status: number;
  /** The body parsed as JSON where it is JSON, else its text (undefined when empty). */
  body: T;
  headers: IncomingHttpHeaders;
  text: string;
}

/** One request; a JSON body is sent as JSON, the answer parsed as JSON where it is (else its text). */
export async function http<T = unknown>(method: string, url: string, body?: unknown, headers: Record<string, string> = {}): Promise<{ status: number; body: T }> {
  const { status, body: parsed } = await httpAnswer<T>(method, url, body, headers);
  return { status, body: parsed };
}

/** The same request, answered with its headers and raw text too, from the source address `from` if given. */
export function httpAnswer<T = unknown>(method: string, url: string, body?: unknown, headers: Record<string, string> = {}, opts: { from?: string } = {}): Promise<HttpAnswer<T>> {
  const payload = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
  const target = new URL(url);
  if (target.protocol !== 'http:') return Promise.reject(new Error(`test http: only http:// URLs, not ${url}`));
  const sent: Record<string, string> = {
    ...(payload !== undefined ? { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(payload)) } : {}),
    ...headers,
  };
  return new Promise((resolve, reject) => {
    const req = request(
      { host: target.hostname.replace(/^\[|\]$/g, ''), port: target.port, method, path: target.pathname + target.search, headers: sent, ...(opts.from ? { localAddress: opts.from, agent: false } : {}) },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => (text += d));
        res.on('error', reject);
        res.on('end', () => {
          let parsed: unknown = text;
          try {
            parsed = text ? JSON.parse(text) : undefined;
          } catch {
            // not JSON: keep the text
          }
          resolve({ status: res.statusCode ?? 0, body: parsed as T, headers: res.headers, text });
        });
      },
    );
    req.on('error', reject);
    if (payload !== undefined) req.write(payload);
    req.end();
  });
}

export interface HttpClient {
  get<T = any>(path: string): Promise<T>;
  send<T = any>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }>;
  post<T = any>(path: string, body?: unknown): Promise<T>;
  put<T = any>(path: string, body?: unknown): Promise<T>;
}

/** Calls to one base URL (the simulator's control API): get/post/put answer the body of a 200 and throw on any other status. */
export function httpClient(baseUrl: string): HttpClient {
  const send = <T>(method: string, path: string, body?: unknown) => http<T>(method, baseUrl + path, body);
  const ok = async (method: string, path: string, body?: unknown) => {
    const r = await send<any>(method, path, body);
    if (r.status !== 200) throw new Error(`${method} ${path} → ${r.status} ${JSON.stringify(r.body)}`);
    return r.body;
  };
  return {
    get: (path) => ok('GET', path),
    send,
    post: (path, body) => ok('POST', path, body),
    put: (path, body) => ok('PUT', path, body),
  };
}
