// The dependency rules of simpair, checked by `npm run lint` (dependency-cruiser), which `npm test`
// and so CI run. Each rule is one layer boundary of README "Development" (and docs/ARCHITECTURE.md):
//
//   src/domain   pure payment rules: no storage, transport, queue, HTTP, logging or Node built-ins
//   src/smpp     the SMPP transport: knows nothing of payments
//   src/store    Redis keys and Lua scripts: below the gateway, jobs and HTTP, and not tied to SMPP
//   smsc-sim/    the SMSC simulator stands alone: nothing from src/
//   everywhere   no circular imports (type-only imports count too: a circle of types is still a
//                circle for the reader)
//
// bench/, test/ and scripts/ are free to import anything.

/** Packages that do I/O or hold process-wide state: never in the pure domain. */
const IO_PACKAGES = '(^|/)node_modules/(bullmq|ioredis|express|smpp|pino|prom-client|cluster-key-slot)/';

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
