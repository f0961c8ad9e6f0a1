// The web page's files from smsc-sim/web/, served as they are (plain HTML, CSS and JavaScript
// modules: no build step). Only names in that folder are served, so no path can reach elsewhere;
// files are read per request so an edited page needs no restart. The content security policy
// keeps the page to this origin: nothing is fetched from anywhere else, by mistake or otherwise.
import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RawRoute } from './http';

export const WEB_DIR = path.join(__dirname, 'web');

const TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.svg': 'image/svg+xml',
};

const CSP = [
  "default-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

function notFound(res: ServerResponse, name: string): void {
  const body = JSON.stringify({ error: `no such file: ${name}` });
  res.writeHead(404, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

async function serve(res: ServerResponse, name: string): Promise<void> {
  const type = TYPES[path.extname(name)];
  // readdir, not the name as given: a name is served only if the folder lists it
  const listed = type && (await readdir(WEB_DIR).catch(() => [] as string[])).includes(name);
  if (!listed) return notFound(res, name);
  const body = await readFile(path.join(WEB_DIR, name));
  res.writeHead(200, {
    'content-type': type,
    'content-length': body.length,
    'cache-control': 'no-cache',
    'content-security-policy': CSP,
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
  });
  res.end(body);
}

function route(pattern: string, name: (params: Record<string, string>) => string): RawRoute {
  return {
    method: 'GET',
    pattern,
    raw(_req: IncomingMessage, res: ServerResponse, params) {
      serve(res, name(params)).catch((err: Error) => {
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' });
        res.end(`cannot read ${name(params)}: ${err.message}`);
      });
    },
  };
}

export const staticRoutes: RawRoute[] = [route('/', () => 'index.html'), route('/web/:file', (p) => p.file)];
