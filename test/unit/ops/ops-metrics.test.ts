import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { registry } from '../../../src/metrics';
import '../../../src/jobs/ussd-metrics';

// The Grafana dashboard and the Prometheus alert rules in ops/ name only metrics simpair exports:
// renaming a metric without them fails here, not on an operator's screen.

const ROOT = path.resolve(__dirname, '..', '..', '..');

interface Panel {
  id: number;
  type: string;
  title?: string;
  targets?: Array<{ expr: string }>;
}
interface Rule {
  alert?: string;
  expr?: string;
  for?: string;
  labels?: { severity?: string };
  annotations?: { summary?: string };
}

const dashboard = JSON.parse(readFileSync(path.join(ROOT, 'ops/grafana/simpair.json'), 'utf8')) as { panels: Panel[]; templating: { list: Array<{ name: string }> } };
const rules = parse(readFileSync(path.join(ROOT, 'ops/prometheus/alerts.yml'), 'utf8')) as { groups: Array<{ name: string; rules: Rule[] }> };

/** Metric names in a PromQL expression; histogram series map back to their metric. */
function metricsIn(expr: string): string[] {
  return [...expr.matchAll(/\bsimpair_[a-z0-9_]+/g)].map((m) => m[0].replace(/_(bucket|sum|count)$/, ''));
}

describe('ops: dashboard and alert rules', () => {
  let exported: Set<string>;
  before(async () => {
    exported = new Set((await registry.getMetricsAsJSON()).map((m) => m.name));
  });

  const panels = dashboard.panels.filter((p) => p.type !== 'row');
  const allRules = rules.groups.flatMap((g) => g.rules);

  it('every metric the dashboard and the rules name is exported', () => {
    const used = new Set([...panels.flatMap((p) => (p.targets ?? []).flatMap((t) => metricsIn(t.expr))), ...allRules.flatMap((r) => metricsIn(r.expr ?? ''))]);
    assert.ok(used.size >= 20, `${used.size} metrics used`);
    assert.deepEqual([...used].filter((m) => !exported.has(m)).sort(), []);
  });

  it('the dashboard: unique panel ids, each panel titled with at least one query, a Prometheus datasource variable', () => {
    const ids = dashboard.panels.map((p) => p.id);
    assert.equal(new Set(ids).size, ids.length);
    for (const p of panels) {
      assert.ok(p.title, `panel ${p.id} has a title`);
      assert.ok((p.targets ?? []).length > 0 && p.targets!.every((t) => t.expr.trim() !== ''), `panel ${p.title} has queries`);
    }
    assert.ok(dashboard.templating.list.some((v) => v.name === 'datasource'));
  });

  it('every alert rule has a name, an expression, a duration, a severity and a summary', () => {
    assert.ok(allRules.length >= 10);
    for (const r of allRules) {
      assert.ok(r.alert && r.expr && r.for !== undefined && r.annotations?.summary, JSON.stringify(r));
      assert.match(r.labels?.severity ?? '', /^(critical|warning)$/, r.alert);
    }
    assert.equal(new Set(allRules.map((r) => r.alert)).size, allRules.length, 'alert names are unique');
  });

  it('promtool accepts the rules where it is installed', function () {
    const which = spawnSync('sh', ['-c', 'command -v promtool'], { encoding: 'utf8' });
    if (which.status !== 0) {
      console.log('      promtool is not installed here (Debian package prometheus): the rules were checked by the tests above only');
      return;
    }
    const r = spawnSync('promtool', ['check', 'rules', path.join(ROOT, 'ops/prometheus/alerts.yml')], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stdout + r.stderr);
  });
});
