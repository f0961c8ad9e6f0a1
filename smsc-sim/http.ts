// A small JSON-over-HTTP server on node:http: a route table, bounded bodies, JSON errors; raw
// routes for the few answers that are not JSON (the web page's files, server-sent events) or not in
// the control API's shape (the operator SIM-swap API).
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { log } from './log';

export interface Request {
  method: string;
  path: string;
  params: Record<string, string>;
  query: URLSearchParams;
  body: unknown;
}

export interface Reply {
  status: number;
  body: unknown;
}

interface RouteBase {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  pattern: string; // "/mo/:id"
}

export interface JsonRoute extends RouteBase {
  handle(req: Request): Reply | Promise<Reply>;
}

/**
 * Answers on its own (static files, server-sent events, the SIM-swap API with its own error shape
 * and headers); a raw route that takes a body reads it itself (readBody).
 */
export interface RawRoute extends RouteBase {
  raw(req: IncomingMessage, res: ServerResponse, params: Record<string, string>): void;
}

export type Route = JsonRoute | RawRoute;

const MAX_BODY = 1024 * 1024;

export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

function compile(pattern: string): RegExp {
  const src = pattern.replace(/:(\w+)/g, (_, name: string) => `(?<${name}>[^/]+)`);
  return new RegExp(`^${src}$`);
}

// An oversized body is drained, not cut off, so that the client reads the 413 instead of a reset.
export function readBody(req: IncomingMessage): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY) chunks.push(chunk);
    });
    req.on('error', reject);
    req.on('end', () => {
      if (size > MAX_BODY) return reject(new HttpError(413, 'body larger than 1 MiB'));
      const raw = Buffer.concat(chunks).toString('utf8');
      if (raw.trim() === '') return resolve(undefined);
      try {
        resolve(JSON.parse(raw));
      } catch {
        reject(new HttpError(400, 'invalid JSON'));
      }
    });
  });
}

function send(res: ServerResponse, reply: Reply): void {
  const body = JSON.stringify(reply.body);
  res.writeHead(reply.status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

export function createJsonServer(routes: Route[]): Server {
  const table = routes.map((r) => ({ ...r, regex: compile(r.pattern) }));
  return createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://localhost');
      const matches = table.map((r) => ({ r, m: r.regex.exec(url.pathname) })).filter((x) => x.m);
      if (matches.length === 0) return send(res, { status: 404, body: { error: `no such path: ${url.pathname}` } });
      const hit = matches.find((x) => x.r.method === req.method);
      if (!hit) return send(res, { status: 405, body: { error: `method ${req.method} not allowed on ${url.pathname}` } });
      try {
        const params = Object.fromEntries(Object.entries(hit.m!.groups ?? {}).map(([k, v]) => [k, decodeURIComponent(v)]));
        if ('raw' in hit.r) return hit.r.raw(req, res, params);
        const body = req.method === 'GET' || req.method === 'DELETE' ? undefined : await readBody(req);
        send(res, await hit.r.handle({ method: req.method!, path: url.pathname, params, query: url.searchParams, body }));
      } catch (err) {
        if (err instanceof HttpError) return send(res, { status: err.status, body: { error: err.message } });
        if (err instanceof URIError) return send(res, { status: 400, body: { error: 'malformed percent-encoding in the path' } });
        log.error('http handler failed', { path: url.pathname, error: (err as Error).stack });
        send(res, { status: 500, body: { error: 'internal error' } });
      }
    })();
  });
}

export function listen(server: Server, port: number, host: string): Promise<AddressInfo> {
  return new Promise((resolve, reject) => {
    const onError = (err: Error) => reject(new Error(`cannot listen for HTTP on ${host}:${port}: ${err.message}`));
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      server.on('error', (err) => log.error('http server error', { error: err.message }));
      resolve(server.address() as AddressInfo);
    });
  });
}
