import { z } from 'zod';
import type { Role } from './access';
import { ErrorBody } from './admin-responses';
import { route, type ApiRoute, type RouteSpec } from './registry';

// GET /openapi.json: an OpenAPI 3.1 description of every route in the registry (registry.ts),
// built from the route specs themselves — the zod schemas that validate requests and those that
// describe answers (admin-responses.ts) — with zod's own JSON Schema output (draft 2020-12, the
// dialect of OpenAPI 3.1). Schemas with an `id` become components, so generated clients get named
// types.

type Json = Record<string, unknown>;

const ROLES: Role[] = ['viewer', 'operator', 'admin'];

const ERRORS: Record<number, string> = {
  400: 'invalid input: the error names the field',
  401: 'missing or invalid bearer token',
  403: "the token's role may not do this",
  413: 'body over http.bodyLimit',
  429: 'too many wrong tokens from this address (see Retry-After)',
  503: 'the store is unavailable; try again',
};

/** Converts zod schemas, gathering named ones into `components` and pointing at them. */
class SchemaSet {
  readonly components: Record<string, Json> = {};

  convert(schema: z.ZodType, io: 'input' | 'output'): Json {
    const json = z.toJSONSchema(schema, { io, target: 'draft-2020-12', unrepresentable: 'any' }) as Json;
    const { $defs, ...rest } = json as Json & { $defs?: Record<string, Json> };
    delete rest.$schema;
    for (const [id, def] of Object.entries($defs ?? {})) this.components[id] ??= refsToComponents(def) as Json;
    const top = refsToComponents(rest) as Json;
    const id = z.globalRegistry.get(schema)?.id;
    if (!id) return top;
    delete top.id;
    this.components[id] ??= top;
    return { $ref: `#/components/schemas/${id}` };
  }
}

function refsToComponents(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(refsToComponents);
  if (!node || typeof node !== 'object') return node;
  const out: Json = {};
  for (const [k, v] of Object.entries(node)) out[k] = k === '$ref' && typeof v === 'string' ? v.replace('#/$defs/', '#/components/schemas/') : refsToComponents(v);
  return out;
}

const cap = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/** `get /v1/subscribers/:msisdn/devices` → `getSubscribersByMsisdnDevices`: unique per method and path. */
function operationId(r: RouteSpec): string {
  const parts = r.path.split('/').filter((p) => p && p !== 'v1');
  return r.method + parts.map((p) => (p.startsWith(':') ? `By${cap(p.slice(1))}` : p.split(/[^A-Za-z0-9]+/).map(cap).join(''))).join('');
}

/** `/v1/subscribers/:msisdn` → `/v1/subscribers/{msisdn}`. */
export function openApiPath(expressPath: string): string {
  return expressPath.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
}

function parametersOf(schemas: SchemaSet, schema: z.ZodType | undefined, where: 'path' | 'query'): Json[] {
  if (!schema) return [];
  const json = schemas.convert(schema, 'input') as { properties?: Record<string, Json>; required?: string[] };
  return Object.entries(json.properties ?? {}).map(([name, s]) => {
    const { description, ...rest } = s;
    return { name, in: where, required: where === 'path' || (json.required ?? []).includes(name), schema: rest, ...(description ? { description } : {}) };
  });
}

function operationOf(schemas: SchemaSet, r: RouteSpec): Json {
  const responses: Json = {};
  const error = (status: number, description: string) => {
    responses[status] = { description, content: { 'application/json': { schema: schemas.convert(ErrorBody, 'output') } } };
  };
  for (const [status, spec] of Object.entries(r.responses)) {
    if (Number(status) >= 400 && !spec.schema) error(Number(status), spec.description);
    else responses[status] = { description: spec.description, ...(spec.schema ? { content: { [spec.contentType ?? 'application/json']: { schema: schemas.convert(spec.schema, 'output') } } } : {}) };
  }
  const added = [...(r.params || r.query || r.body ? [400] : []), ...(r.role ? [401, 403, 429, 503] : []), ...(r.body ? [413] : [])];
  for (const status of added) if (!(status in responses)) error(status, ERRORS[status]);
  const allowed = r.role ? ROLES.slice(ROLES.indexOf(r.role)) : [];
  return {
    operationId: operationId(r),
    summary: r.summary,
    description: `${r.description ? `${r.description}\n\n` : ''}${r.role ? `Role: ${r.role} or above (${allowed.join(', ')}).` : 'No token needed.'}`,
    tags: [r.tag],
    'x-roles': allowed,
    security: r.role ? [{ bearerAuth: [] }] : [],
    ...(r.params || r.query ? { parameters: [...parametersOf(schemas, r.params, 'path'), ...parametersOf(schemas, r.query, 'query')] } : {}),
    ...(r.body ? { requestBody: { required: r.bodyRequired !== false, content: { 'application/json': { schema: schemas.convert(r.body, 'input') } } } } : {}),
    responses,
  };
}

export interface DocumentInfo {
  title: string;
  version: string;
  description: string;
}

/** The OpenAPI 3.1 document of `routes`. */
export function openApiDocument(routes: readonly RouteSpec[], info: DocumentInfo): Json {
  const schemas = new SchemaSet();
  const paths: Record<string, Json> = {};
  for (const r of routes) (paths[openApiPath(r.path)] ??= {})[r.method] = operationOf(schemas, r);
  return {
    openapi: '3.1.0',
    info,
    servers: [{ url: '/' }],
    tags: [...new Set(routes.map((r) => r.tag))].map((name) => ({ name })),
    security: [{ bearerAuth: [] }],
    paths,
    components: {
      securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer', description: 'An operator token (ADMIN_TOKEN or ADMIN_TOKENS); its role decides what it may do.' } },
      schemas: schemas.components,
    },
  };
}

/** GET /openapi.json serving `document`, built once at the first request (routes do not change while the process runs). */
export function openApiRoute(document: () => Json): ApiRoute {
  let built: string | null = null;
  return route({ method: 'get', path: '/openapi.json', role: null, tag: 'operations', summary: 'This document (OpenAPI 3.1)', responses: { 200: { description: 'the document', schema: z.record(z.string(), z.unknown()) } } }, async (_input, _req, res) => {
    built ??= JSON.stringify(document());
    res.type('application/json').send(built);
  });
}
