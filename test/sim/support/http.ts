// JSON calls to the simulator's control API, plus polling with a deadline for state that changes
// asynchronously (inboxes, MO records).

export interface Http {
  get<T = any>(path: string): Promise<T>;
  send<T = any>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }>;
  post<T = any>(path: string, body?: unknown): Promise<T>;
  put<T = any>(path: string, body?: unknown): Promise<T>;
}

export function http(baseUrl: string): Http {
  const send = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(baseUrl + path, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as any };
  };
  const ok = async (method: string, path: string, body?: unknown) => {
    const r = await send(method, path, body);
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

/** Calls `probe` until it returns something other than undefined, or fails at the deadline. */
export async function poll<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 5000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > until) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
