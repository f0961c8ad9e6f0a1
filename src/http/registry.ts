import express, { Router, type Request, type RequestHandler, type Response } from 'express';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { z } from 'zod';
import type { Config } from '../config';
import type { Keys } from '../store/keys';
import { adminAuth, requireRole, type Role } from './access';
import { adminErrors } from './admin-errors';
import { parseOr400 } from './admin-schemas';

// One list of routes that both mounts and documents the admin API: each route names its method,
// path, role and the zod schemas of its path, query and body. mountRoutes() validates requests with
// exactly those schemas before the handler runs, and openapi.ts describes them from the same
// objects, so the document cannot drift from what is accepted. To add a route, add an entry to a
// router's list; to add a field, add it to its schema (admin-schemas.ts) — both show in
// GET /openapi.json without further work.

export type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';

export interface ResponseSpec {
  description: string;
  /** The body's shape (admin-responses.ts); none for 204. */
  schema?: z.ZodType;
  /** application/json unless given (e.g. the Prometheus text of /metrics). */
  contentType?: string;
}

type Out<S> = S extends z.ZodType ? z.output<S> : undefined;

export interface RouteSpec<P extends z.ZodType | undefined = z.ZodType | undefined, Q extends z.ZodType | undefined = z.ZodType | undefined, B extends z.ZodType | undefined = z.ZodType | undefined> {
  method: Method;
  /** Express syntax: `/v1/subscribers/:msisdn`. */
  path: string;
  /** The least role that may call it; null: no token needed. */
  role: Role | null;
  summary: string;
  description?: string;
  tag: string;
  params?: P;
  query?: Q;
  body?: B;
  /** False when the body may be left out altogether (then the handler sees undefined). */
  bodyRequired?: boolean;
  /** Success answers and the route's own refusals (404, 409); 400, 401, 403, 413, 429 and 503 are added from the spec. */
  responses: Record<number, ResponseSpec>;
}

export interface RouteInput<P, Q, B> {
  params: Out<P>;
  query: Out<Q>;
  body: Out<B>;
}

export interface ApiRoute extends RouteSpec {
  handle(input: { params: unknown; query: unknown; body: unknown }, req: Request, res: Response): Promise<void>;
}

/** A route: its spec and the handler that receives the parsed input (typed from the spec's schemas). */
export function route<P extends z.ZodType | undefined = undefined, Q extends z.ZodType | undefined = undefined, B extends z.ZodType | undefined = undefined>(
  spec: RouteSpec<P, Q, B>,
  handle: (input: RouteInput<P, Q, B>, req: Request, res: Response) => Promise<void>,
): ApiRoute {
  return { ...spec, handle: handle as ApiRoute['handle'] };
}

export interface MountOptions {
  /** Authenticates the operator (access.ts adminAuth); run for every route with a role. */
  auth?: RequestHandler;
  /** The JSON body parser; run only for routes with a body, and only after the role check. */
  json?: RequestHandler;
}

/**
 * Mounts each route: authentication and the role before anything is parsed (a caller who may not
 * make a change cannot make us parse its body), then the body parser, then path, query and body
 * validated in that order (the first problem is the 400's error).
 */
export function mountRoutes(router: Router, routes: readonly ApiRoute[], opts: MountOptions): void {
  for (const r of routes) {
    if ((r.role && !opts.auth) || (r.body && !opts.json)) throw new Error(`${r.method} ${r.path}: mounted without ${r.role && !opts.auth ? 'authentication' : 'a body parser'}`);
    const guards: RequestHandler[] = r.role ? [opts.auth!, requireRole(r.role)] : [];
    if (r.body) guards.push(opts.json!);
    router[r.method](r.path, ...guards, async (req: Request, res: Response) => {
      const input = {
        params: r.params ? parseOr400(r.params, req.params, 'path') : undefined,
        query: r.query ? parseOr400(r.query, { ...req.query }, 'query') : undefined,
        body: r.body && (r.bodyRequired !== false || req.body !== undefined) ? parseOr400(r.body, req.body, 'body') : undefined,
      };
      await r.handle(input, req, res);
    });
  }
}

/** A router of registry routes with the admin API's authentication, body parser (http.bodyLimit) and errors. */
export function routesRouter(deps: { redis: Redis; keys: Keys; config: Config; log: Logger }, routes: readonly ApiRoute[], api: string): Router {
  const r = Router();
  mountRoutes(r, routes, { auth: adminAuth(deps), json: express.json({ limit: deps.config.http.bodyLimit, strict: true }) });
  r.use(adminErrors(deps.log, api));
  return r;
}
