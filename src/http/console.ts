import path from 'node:path';
import express, { Router } from 'express';

// The operator's console (README "Console"): static HTML, CSS and ES modules from ./console, no
// build step, nothing from elsewhere. The page talks only to this origin's admin API with the
// token it keeps in the tab's sessionStorage (never in a URL, never in a cookie: no CSRF, and a
// closed tab forgets it). The policy below forbids inline script and styles, foreign origins and
// framing, so injected markup could not run even if some text were ever written as HTML.

export const CONSOLE_DIR = path.join(__dirname, 'console');

export const CONSOLE_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "connect-src 'self'",
  "img-src 'self'",
  "object-src 'none'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "form-action 'self'",
].join('; ');

const HEADERS: Record<string, string> = {
  'Content-Security-Policy': CONSOLE_CSP,
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
  // Small files that change with a release: always revalidated, so an upgrade shows at once.
  'Cache-Control': 'no-cache',
};

/** GET /console/ (index.html) and its files; /console redirects to /console/. */
export function consoleRouter(): Router {
  const r = Router();
  r.use(
    '/console',
    (_req, res, next) => {
      res.set(HEADERS);
      next();
    },
    express.static(CONSOLE_DIR, { index: 'index.html', dotfiles: 'ignore', fallthrough: true, redirect: true }),
  );
  return r;
}
