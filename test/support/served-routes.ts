import type { Express } from 'express';

// The routes an Express 5 app actually serves, read from its router stack (nested routers
// included): what the OpenAPI checks compare the document with, so a route mounted without its
// registry entry — or documented without being mounted — is found.

interface Layer {
  route?: { path: string | string[]; methods: Record<string, boolean> };
  handle?: { stack?: Layer[] };
}

/** `METHOD /path` (Express syntax) of every route, sorted; nested routers must be mounted at '/'. */
export function servedRoutes(app: Express): string[] {
  const out = new Set<string>();
  const walk = (stack: Layer[]) => {
    for (const layer of stack) {
      if (layer.route) {
        for (const p of [layer.route.path].flat()) for (const [m, on] of Object.entries(layer.route.methods)) if (on && m !== '_all') out.add(`${m.toUpperCase()} ${p}`);
      } else if (layer.handle?.stack) walk(layer.handle.stack);
    }
  };
  walk((app as unknown as { router: { stack: Layer[] } }).router.stack);
  return [...out].sort();
}
