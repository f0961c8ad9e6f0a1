// HTTP calls of the tests: to simpair's API and console, to the simulator's control API. Imports
// nothing, so the simulator's own tests use it without loading src/.

/** One request; a JSON body is sent as JSON, the answer parsed as JSON where it is (else its text). */
export async function http<T = unknown>(method: string, url: string, body?: unknown, headers: Record<string, string> = {}): Promise<{ status: number; body: T }> {
  const res = await fetch(url, {
    method,
    headers: { ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    // not JSON: keep the text
  }
  return { status: res.status, body: parsed as T };
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
