// The dependency rules of simpair, checked by `npm run lint` (dependency-cruiser), which `npm test`
// and so CI run. Each rule is one layer boundary of README "Development" (and docs/ARCHITECTURE.md):
//
//   src/domain   pure payment rules: no storage, transport, queue, HTTP, logging or Node built-ins
//   src/smpp     the SMPP transport: knows nothing of payments
//   src/store    Redis keys and Lua scripts: below the gateway, jobs and HTTP, and not tied to SMPP
//   src/main     the composition roots: the only modules that construct BullMQ queues and workers,
//                SMPP sessions, Redis connections and HTTP servers
//   smsc-sim/    the SMSC simulator stands alone: nothing from src/
//   everywhere   no circular imports (type-only imports count too: a circle of types is still a
//                circle for the reader)
//
// dependency-cruiser sees imports, not `new`, so "only src/main constructs X" is enforced as "only
// src/main imports X's runtime": everyone else may import X's types (`import type`), and receives
// the built objects (or, where the object needs the role's own parts, a factory) from src/main.
// bench/, test/ and scripts/ are free to import anything.

/** Packages that do I/O or hold process-wide state: never in the pure domain. */
const IO_PACKAGES = '(^|/)node_modules/(bullmq|ioredis|express|smpp|pino|prom-client|cluster-key-slot)/';
/** Node's servers: started only by a composition root. */
const NODE_SERVERS = '^(node:)?(http|https|http2|net|tls|dgram)$';

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'domain-is-pure',
      comment:
        'src/domain decides payments from what it is given (`now` is passed in): it imports nothing of the store, the SMPP transport, the gateway, jobs, HTTP, queues, config, the composition roots, logging or metrics.',
      severity: 'error',
      from: { path: '^src/domain/' },
      to: { path: '^src/(store|smpp|gateway|jobs|http|queues|config|main)/|^src/(log|metrics)\\.ts$' },
    },
    {
      name: 'domain-uses-no-io-packages',
      comment: 'src/domain imports none of bullmq, ioredis, express, smpp, pino, prom-client.',
      severity: 'error',
      from: { path: '^src/domain/' },
      to: { path: IO_PACKAGES },
    },
    {
      name: 'domain-uses-no-node-built-ins',
      comment: 'src/domain uses no Node built-in (no clock, randomness, file or network of its own): the caller passes them in.',
      severity: 'error',
      from: { path: '^src/domain/' },
      to: { dependencyTypes: ['core'] },
    },
    {
      name: 'smpp-knows-no-payments',
      comment: 'src/smpp is the SMPP transport: it imports nothing of the domain, the store, jobs, HTTP, queues, the gateway or the composition roots.',
      severity: 'error',
      from: { path: '^src/smpp/' },
      to: { path: '^src/(domain|store|jobs|http|queues|gateway|main)/' },
    },
    {
      name: 'store-below-the-edges',
      comment: 'src/store (Redis keys and Lua) is used by the gateway, jobs and HTTP, never the other way round, and does not depend on the SMPP transport.',
      severity: 'error',
      from: { path: '^src/store/' },
      to: { path: '^src/(smpp|gateway|http|jobs|main)/' },
    },
    {
      name: 'jobs-below-the-edges',
      comment: 'src/jobs (the worker\'s processors) take MOs from the queues and answer through them: they import nothing of the gateway, the HTTP API or the composition roots (the SMPP vocabulary an MO carries, src/smpp/address.ts and ussd.ts, is allowed).',
      severity: 'error',
      from: { path: '^src/jobs/' },
      to: { path: '^src/(gateway|http|main)/' },
    },
    {
      name: 'queues-are-plain-messages',
      comment: 'src/queues is where the SMPP side and the payment side meet, as plain JSON: it imports nothing of either side (config for queue options only).',
      severity: 'error',
      from: { path: '^src/queues/' },
      to: { path: '^src/(domain|store|smpp|gateway|jobs|http|main)/' },
    },
    {
      name: 'simulator-stands-alone',
      comment: 'smsc-sim/ plays the carrier\'s SMSC: it shares no code with simpair (src/), so the two cannot agree by accident.',
      severity: 'error',
      from: { path: '^smsc-sim/' },
      to: { path: '^src/' },
    },
    {
      name: 'no-circular',
      comment: 'No module imports itself through others (type-only imports included). Move what both sides need into a module both import.',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'only-main-builds-queues-and-workers',
      comment:
        'BullMQ Queue and Worker objects are constructed in src/main (the composition roots) and handed in; elsewhere in src/ bullmq is imported as types only. src/queues/job-errors.ts is the one exception: it re-exports UnrecoverableError, which processors throw.',
      severity: 'error',
      from: { path: '^src/', pathNot: '^src/main/|^src/queues/job-errors\\.ts$' },
      to: { path: '(^|/)node_modules/bullmq/', dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'only-main-opens-smpp-sessions',
      comment: 'SMPP sessions (src/smpp/esme-session.ts) are constructed in src/main; the gateway gets them through a factory from there and imports their types only.',
      severity: 'error',
      from: { path: '^src/', pathNot: '^src/(main|smpp)/' },
      to: { path: '^src/smpp/esme-session\\.ts$', dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'smpp-library-only-in-the-transport',
      comment: 'The node-smpp library is used through src/smpp only (which configures it: tables.ts, library.ts).',
      severity: 'error',
      from: { path: '^src/', pathNot: '^src/smpp/' },
      to: { path: '(^|/)node_modules/smpp/', dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'only-main-opens-redis-connections',
      comment:
        'Redis connections are made by the factories of src/store/redis.ts, which only src/main imports at run time (everyone else gets a connection handed in and imports its type); ioredis itself is imported at run time by src/store/redis.ts alone.',
      severity: 'error',
      from: { path: '^src/', pathNot: '^src/main/' },
      to: { path: '^src/store/redis\\.ts$', dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'ioredis-only-in-the-connection-factory',
      comment: 'See only-main-opens-redis-connections.',
      severity: 'error',
      from: { path: '^src/', pathNot: '^src/store/redis\\.ts$' },
      to: { path: '(^|/)node_modules/ioredis/', dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'only-main-starts-servers',
      comment:
        'HTTP (and other socket) servers are started in src/main: src/http builds the Express app, src/main listens. (src/smpp/esme-session.ts uses node:net for isIP; src/store/redis-server.ts launches the embedded redis-server and probes a free port.)',
      severity: 'error',
      from: { path: '^src/', pathNot: '^src/main/|^src/smpp/esme-session\\.ts$|^src/store/redis-server\\.ts$' },
      to: { dependencyTypes: ['core'], path: NODE_SERVERS, dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'not-to-unresolvable',
      comment: 'An import that does not resolve is a typo or a missing dependency.',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    // Type-only imports are dependencies too (they are how a layer leaks): see them before tsc drops them.
    tsPreCompilationDeps: true,
    doNotFollow: { path: 'node_modules' },
    // The lint test's fixtures break the rules on purpose (test/unit/lint/dependency-rules.test.ts).
    exclude: { path: '^test/fixtures/' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'] },
  },
};
