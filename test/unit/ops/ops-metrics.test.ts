import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { registry } from '../../../src/metrics';
import '../../../src/jobs/ussd-metrics';

// The Grafana dashboard and the Prometheus alert rules in ops/ name only series simpair exports:
// renaming a metric without them fails here, not on an operator's screen or in a silent alert.

const ROOT = path.resolve(__dirname, '..', '..', '..');
const DASHBOARD = path.join(ROOT, 'ops/grafana/simpair.json');
const RULES = path.join(ROOT, 'ops/prometheus/alerts.yml');

interface Target {
  refId?: string;
  expr?: string;
  datasource?: { type?: string; uid?: string };
}
interface Panel {
  id: number;
  type: string;
  title?: string;
  datasource?: { type?: string; uid?: string };
  gridPos?: { x: number; y: number; w: number; h: number };
  targets?: Target[];
  panels?: Panel[];
}
interface Dashboard {
  schemaVersion: number;
  panels: Panel[];
  templating: { list: Array<{ name: string; type: string; query?: string }> };
}
interface Rule {
  alert?: string;
  record?: string;
  expr?: string;
  for?: string;
  labels?: { severity?: string };
  annotations?: { summary?: string; description?: string };
}

const dashboard = JSON.parse(readFileSync(DASHBOARD, 'utf8')) as Dashboard;
const rules = parse(readFileSync(RULES, 'utf8')) as { groups: Array<{ name: string; rules: Rule[] }> };

/** Every panel, including those inside collapsed rows. */
const allPanels: Panel[] = dashboard.panels.flatMap((p) => [p, ...(p.panels ?? [])]);
const panels = allPanels.filter((p) => p.type !== 'row');
const allRules = rules.groups.flatMap((g) => g.rules);

/** Every `expr` string anywhere in the dashboard (panels, nested rows, templating queries). */
function exprsIn(node: unknown, out: string[] = []): string[] {
  if (Array.isArray(node)) for (const n of node) exprsIn(n, out);
  else if (node && typeof node === 'object') {
    for (const [k, v] of Object.entries(node)) {
      if (k === 'expr' && typeof v === 'string') out.push(v);
      else exprsIn(v, out);
    }
  }
  return out;
}
const dashboardExprs = exprsIn(dashboard);
const ruleExprs = allRules.map((r) => r.expr ?? '');

/** The simpair series names a PromQL expression reads. */
function seriesIn(expr: string): string[] {
  return [...expr.matchAll(/\bsimpair_[a-z0-9_]+/g)].map((m) => m[0]);
}

/**
 * The series names Prometheus scrapes from simpair: a counter or gauge under its registered name
 * (prom-client counters carry `_total` in the name), a histogram as `_bucket`, `_sum` and `_count`
 * (the bare histogram name is no series), a summary under its name and `_sum`, `_count`.
 */
async function exportedSeries(): Promise<Map<string, string>> {
  const series = new Map<string, string>();
  for (const m of await registry.getMetricsAsJSON()) {
    const type = String(m.type);
    if (type === 'histogram') for (const s of ['_bucket', '_sum', '_count']) series.set(m.name + s, m.name);
    else if (type === 'summary') for (const s of ['', '_sum', '_count']) series.set(m.name + s, m.name);
    else series.set(m.name, m.name);
  }
  return series;
}

/** Series in `exprs` that simpair does not export. */
function unknownSeries(exprs: string[], exported: Map<string, string>): string[] {
  return [...new Set(exprs.flatMap(seriesIn))].filter((s) => !exported.has(s)).sort();
}

describe('ops: dashboard and alert rules', () => {
  let exported: Map<string, string>;
  before(async () => {
    exported = await exportedSeries();
  });

  it('the check itself refuses a renamed metric and a histogram without its suffix', () => {
    assert.deepEqual(unknownSeries(['sum(rate(simpair_mo_enqueued_total[5m]))', 'simpair_mo_processing_seconds_bucket'], exported), []);
    assert.deepEqual(unknownSeries(['sum(rate(simpair_mo_enqueued[5m]))'], exported), ['simpair_mo_enqueued']);
    assert.deepEqual(unknownSeries(['rate(simpair_mo_processing_seconds[5m])', 'simpair_mo_enqueued_total_count'], exported), [
      'simpair_mo_enqueued_total_count',
      'simpair_mo_processing_seconds',
    ]);
  });

  it('every metric the dashboard names is exported', () => {
    assert.ok(dashboardExprs.length >= 30, `${dashboardExprs.length} dashboard queries`);
    assert.deepEqual(unknownSeries(dashboardExprs, exported), []);
  });

  it('every metric the alert rules name is exported', () => {
    assert.deepEqual(unknownSeries(ruleExprs, exported), []);
  });

  it('the dashboard: unique panel ids, each panel titled with at least one query, on the ${datasource} variable', () => {
    assert.ok(dashboard.schemaVersion >= 36, `schemaVersion ${dashboard.schemaVersion}`);
    const v = dashboard.templating.list.find((t) => t.name === 'datasource');
    assert.ok(v && v.type === 'datasource' && v.query === 'prometheus', 'a Prometheus datasource variable named datasource');

    const ids = allPanels.map((p) => p.id);
    assert.ok(ids.every((id) => Number.isInteger(id)), 'integer panel ids');
    assert.equal(new Set(ids).size, ids.length, 'unique panel ids');
    assert.ok(panels.length >= 15, `${panels.length} panels`);
    for (const p of allPanels) assert.ok(p.title?.trim(), `panel ${p.id} has a title`);
    for (const p of panels) {
      const targets = p.targets ?? [];
      assert.ok(targets.length > 0, `panel "${p.title}" has a query`);
      assert.equal(new Set(targets.map((t) => t.refId)).size, targets.length, `panel "${p.title}": unique refIds`);
      for (const t of [p, ...targets]) assert.deepEqual(t.datasource, { type: 'prometheus', uid: '${datasource}' }, `panel "${p.title}" uses \${datasource}`);
      for (const t of targets) {
        assert.ok(t.expr?.trim(), `panel "${p.title}" query ${t.refId} has an expression`);
        // Ranges follow the scrape interval Grafana knows, not a fixed window.
        for (const m of (t.expr ?? '').matchAll(/\[([^\]]+)\]/g)) assert.equal(m[1], '$__rate_interval', `panel "${p.title}": ${t.expr}`);
      }
    }
  });

  it('the dashboard: panels do not overlap on the grid', () => {
    const placed = dashboard.panels.map((p) => ({ title: p.title, ...p.gridPos! }));
    for (const p of placed) assert.ok(p.w > 0 && p.h > 0 && p.x >= 0 && p.x + p.w <= 24, `panel "${p.title}" fits the 24 columns`);
    for (let i = 0; i < placed.length; i++) {
      for (let j = i + 1; j < placed.length; j++) {
        const a = placed[i]!;
        const b = placed[j]!;
        const overlap = a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
        assert.ok(!overlap, `panels "${a.title}" and "${b.title}" overlap`);
      }
    }
  });

  it('every alert rule has a name, an expression, a duration, a severity, a summary and a description', () => {
    assert.ok(rules.groups.length > 0 && rules.groups.every((g) => g.name && g.rules.length > 0), 'named, non-empty groups');
    assert.ok(allRules.length >= 10, `${allRules.length} rules`);
    for (const r of allRules) {
      const name = r.alert ?? JSON.stringify(r);
      assert.ok(r.alert, `an alert name: ${name}`);
      assert.ok(r.expr?.trim(), `${name}: expr`);
      assert.match(String(r.for ?? ''), /^([0-9]+(ms|[smhdwy]))+$/, `${name}: for`);
      assert.match(r.labels?.severity ?? '', /^(critical|warning)$/, `${name}: labels.severity`);
      assert.ok(r.annotations?.summary?.trim(), `${name}: annotations.summary`);
      assert.ok(r.annotations?.description?.trim(), `${name}: annotations.description`);
    }
    assert.equal(new Set(allRules.map((r) => r.alert)).size, allRules.length, 'alert names are unique');
  });

  it('the dashboard shows what operators watch (issue 14): each topic by the metrics it reads', () => {
    const topics: Record<string, string[]> = {
      'MO in': ['simpair_mo_enqueued_total'],
      'MT out': ['simpair_mt_submitted_total'],
      receipts: ['simpair_dlr_received_total'],
      'payment outcomes by kind': ['simpair_mo_processed_total'],
      'latency percentiles': ['simpair_mo_processing_seconds_bucket'],
      'queue depths': ['simpair_queue_jobs'],
      'bind state': ['simpair_smpp_connection_up', 'simpair_smpp_binds_up'],
      throttling: ['simpair_mt_throttled_total'],
      'rejects and lockouts': ['simpair_presenter_failures_total', 'simpair_sim_check_refused_total'],
      'webhook failures': ['simpair_webhook_deliveries_total'],
    };
    const named = new Set(dashboardExprs.flatMap(seriesIn));
    for (const [topic, names] of Object.entries(topics)) for (const n of names) assert.ok(named.has(n), `${topic}: the dashboard reads ${n}`);
    assert.ok(dashboardExprs.some((e) => /histogram_quantile\(0\.99/.test(e) && e.includes('simpair_mo_processing_seconds_bucket')), 'a p99 of MO processing');
  });

  it('the rules alert on link down, a growing queue, error rates and lockout spikes', () => {
    const exprOf = (name: string) => allRules.find((r) => r.alert === name)?.expr ?? '';
    assert.match(exprOf('SimpairNoTransmittingBind'), /simpair_smpp_connection_up/);
    assert.match(exprOf('SimpairConnectionDown'), /simpair_smpp_connection_up/);
    assert.match(exprOf('SimpairQueueGrowing'), /simpair_queue_jobs/);
    assert.match(exprOf('SimpairRepliesFailing'), /simpair_mt_failed_total/);
    assert.match(exprOf('SimpairPduRefusals'), /simpair_smpp_pdu_refused_total/);
    assert.match(exprOf('SimpairLockoutSpike'), /outcome="locked"/);
  });

  it('promtool accepts the rules (where promtool is installed)', () => {
    const which = spawnSync('sh', ['-c', 'command -v promtool'], { encoding: 'utf8' });
    if (which.status !== 0) {
      console.log('      promtool is not on the PATH (Debian package "prometheus"): `promtool check rules` not run; the rules were checked by the tests above only');
      return;
    }
    const r = spawnSync('promtool', ['check', 'rules', RULES], { encoding: 'utf8' });
    assert.equal(r.status, 0, `promtool check rules ${RULES}\n${r.stdout}${r.stderr}`);
  });
});
