import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';

// `npm run lint` (dependency-cruiser with .dependency-cruiser.cjs) is what keeps the layers apart
// (README "Development"). It passing on the repository proves nothing if a rule cannot fire: here
// the same rule set runs on test/fixtures/dependency-rules, a small tree laid out like the
// repository's that breaks every rule once, and must report exactly those breaks — no more (the
// allowed imports next to them stay allowed), no fewer.

const ROOT = path.resolve(__dirname, '..', '..', '..');
const FIXTURE = path.join(ROOT, 'test', 'fixtures', 'dependency-rules');
const CLI = path.join(ROOT, 'node_modules', 'dependency-cruiser', 'bin', 'dependency-cruise.mjs');

/** Runs the rule set as `npm run lint` does (`--output-type err`: one line per violation, exit code = how many). */
function cruise(dir: string, targets: string[]): { status: number | null; violations: string[]; out: string } {
  const r = spawnSync(process.execPath, [CLI, '--config', path.join(ROOT, '.dependency-cruiser.cjs'), '--output-type', 'err', ...targets], { cwd: dir, encoding: 'utf8' });
  const out = `${r.stdout}${r.stderr}`;
  // "error <rule>: <from> → <to>", a circle's path on the lines after; packages by name (the
  // fixture resolves them in the repository's node_modules), built-ins as they are.
  const violations = [...out.matchAll(/error ([a-z-]+): (\S+) → \s*(\S+)/g)].map(([, rule, from, to]) => `${rule}: ${from} → ${/node_modules\/([^/]+)\//.exec(to)?.[1] ?? to}`);
  return { status: r.status, violations, out };
}

describe('npm run lint: the dependency rules', () => {
  it('reports every broken rule of the fixture tree, and only those, and fails', () => {
    const r = cruise(FIXTURE, ['src', 'smsc-sim']);
    assert.deepEqual(r.violations.sort(), [
      'domain-is-pure: src/domain/reads-store.ts → src/store/row.ts',
      'domain-uses-no-io-packages: src/domain/rule.ts → ioredis',
      'domain-uses-no-node-built-ins: src/domain/rule.ts → crypto',
      'ioredis-only-in-the-connection-factory: src/domain/rule.ts → ioredis',
      'jobs-below-the-edges: src/jobs/processor.ts → src/gateway/role.ts',
      'no-circular: smsc-sim/a.ts → smsc-sim/b.ts',
      'only-main-builds-queues-and-workers: src/gateway/role.ts → bullmq',
      'only-main-starts-servers: src/http/server.ts → http',
      'queues-are-plain-messages: src/queues/message.ts → src/domain/helper.ts',
      'simulator-stands-alone: smsc-sim/a.ts → src/domain/helper.ts',
      'smpp-knows-no-payments: src/smpp/session.ts → src/domain/helper.ts',
      'store-below-the-edges: src/store/row.ts → src/smpp/session.ts',
    ]);
    assert.equal(r.status, 12, `exit code = number of errors:\n${r.out}`);
  });

  it('passes a tree that keeps the rules (the fixture without its breaking files)', () => {
    const r = cruise(FIXTURE, ['src/domain/helper.ts', 'src/main/root.ts']);
    assert.deepEqual(r.violations, []);
    assert.equal(r.status, 0, r.out);
    assert.match(r.out, /no dependency violations found/);
  });
});
