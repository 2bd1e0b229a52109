/**
 * Checks the operator-facing files under infra/, docker-compose.yml and
 * .dockerignore against the contract in docs/design.md and the code: metric
 * names, environment variables (the ones the config schemas in
 * packages/config declare), ports, routes and commands. These files are read by Prometheus,
 * Grafana, Docker and Kubernetes, none of which run in CI, so a typo in a
 * metric name would otherwise only show as an alert that never fires.
 *
 * Needs `promtool` (Debian package `prometheus`, which `.ci/run` installs).
 * YAML is parsed with the js-yaml that jest already brings in (pinned by
 * pnpm-lock.yaml), or with python3's PyYAML when that is missing.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ENV_VARIABLES_BY_PROCESS } from '@pushrail/config';

const ROOT = path.resolve(__dirname, '..', '..');
const INFRA = path.join(ROOT, 'infra');

// ---------------------------------------------------------------- contract

/** Counters and gauges, as exported by apps/ingest and apps/worker. */
const PLAIN_METRICS = [
  'pushrail_events_accepted_total',
  'pushrail_events_delivered_total',
  'pushrail_events_duplicates_skipped_total',
  'pushrail_events_dead_lettered_total',
  'pushrail_delivery_retries_total',
  'pushrail_delivery_errors_total',
  'pushrail_queue_waiting',
  'pushrail_queue_active',
  'pushrail_queue_delayed',
  'pushrail_queue_failed',
  'pushrail_queue_oldest_waiting_age_seconds',
  'pushrail_destination_paused',
  'pushrail_dead_letters',
  'pushrail_destination_connections_max',
  'pushrail_destination_info',
  'pushrail_http_requests_total',
];
/** Histograms: only their `_bucket`, `_sum` and `_count` series exist. */
const HISTOGRAMS = ['pushrail_batch_size', 'pushrail_delivery_latency_seconds', 'pushrail_http_request_duration_seconds'];
/** Every series name a query may use (`up` is Prometheus's own). */
const KNOWN_SERIES = new Set([
  ...PLAIN_METRICS,
  ...HISTOGRAMS.flatMap((h) => [`${h}_bucket`, `${h}_sum`, `${h}_count`]),
  'up',
]);

/** What each deployed process reads: its schema's variables (packages/config), nothing else. */
const PROCESS_ENV = {
  ingest: new Set(ENV_VARIABLES_BY_PROCESS.ingest),
  worker: new Set(ENV_VARIABLES_BY_PROCESS.worker),
  migrate: new Set(ENV_VARIABLES_BY_PROCESS.migrate),
} as const;
/** Every variable some deployed process reads. */
const DEPLOYED_ENV = new Set([...PROCESS_ENV.ingest, ...PROCESS_ENV.worker, ...PROCESS_ENV.migrate]);
/** The process each Kubernetes workload runs. */
const PROCESS_OF_WORKLOAD: Record<string, keyof typeof PROCESS_ENV> = {
  'pushrail-ingest': 'ingest',
  'pushrail-worker': 'worker',
  'pushrail-migrate': 'migrate',
};
/** Variables docker-compose.yml interpolates that configure images, not Pushrail. */
const COMPOSE_ONLY_VARS = new Set([
  'CONTROL_DB_PASSWORD',
  'CUSTOMER_DB_PASSWORD',
  'CUSTOMER_WRITER_PASSWORD',
  'GRAFANA_ADMIN_PASSWORD',
]);

const REQUIRED_ALERTS = [
  'DeadLettersGrowing',
  'OldestWaitingEventTooOld',
  'DeliveryErrorRateHigh',
  'DestinationPausedByFailures',
  'IngestDown',
  'WorkerDown',
  'QueueBacklogGrowing',
  'Ingest5xxRateHigh',
];

// ----------------------------------------------------------------- helpers

const read = (rel: string): string => fs.readFileSync(path.join(ROOT, rel), 'utf8');

type Yaml = any; // eslint-disable-line @typescript-eslint/no-explicit-any

/** Parses every document of a YAML text; null documents are dropped. */
const parseYamlAll: (text: string) => Yaml[] = (() => {
  const store = path.join(ROOT, 'node_modules', '.pnpm');
  const found = fs.existsSync(store)
    ? fs.readdirSync(store).filter((d) => /^js-yaml@\d/.test(d)).sort()
    : [];
  const latest = found[found.length - 1];
  if (latest !== undefined) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const jsyaml = require(path.join(store, latest, 'node_modules', 'js-yaml'));
    // js-yaml 3 has safeLoadAll; in 4, loadAll is the safe one (4 keeps a safeLoadAll that only throws).
    const major = Number(/^js-yaml@(\d+)/.exec(latest)![1]);
    const loadAll = (major >= 4 ? jsyaml.loadAll : jsyaml.safeLoadAll) as (t: string) => unknown[];
    return (text: string) => loadAll.call(jsyaml, text).filter((d) => d != null);
  }
  return (text: string) => {
    const py = spawnSync(
      'python3',
      ['-c', 'import sys,json,yaml; print(json.dumps([d for d in yaml.safe_load_all(sys.stdin) if d is not None]))'],
      { input: text, encoding: 'utf8' },
    );
    if (py.status !== 0) {
      throw new Error(
        'no YAML parser: neither js-yaml (a dependency of jest, under node_modules/.pnpm) nor python3 with PyYAML is available',
      );
    }
    return JSON.parse(py.stdout) as Yaml[];
  };
})();
const parseYaml = (text: string): Yaml => {
  const docs = parseYamlAll(text);
  expect(docs).toHaveLength(1);
  return docs[0];
};

/** Runs promtool; fails (never skips) when it is not installed. */
function promtool(...args: string[]): { status: number; output: string } {
  const run = spawnSync('promtool', args, { cwd: ROOT, encoding: 'utf8' });
  if (run.error) {
    const code = (run.error as NodeJS.ErrnoException).code;
    throw new Error(
      code === 'ENOENT'
        ? "promtool is not installed. It comes with Debian's `prometheus` package, which .ci/run installs " +
            '(apt-get install -y prometheus); install it and run the tests again.'
        : `promtool failed to start: ${run.error.message}`,
    );
  }
  return { status: run.status ?? -1, output: `${run.stdout}${run.stderr}` };
}

const PROMQL_WORDS = new Set([
  'by', 'without', 'on', 'ignoring', 'group_left', 'group_right',
  'and', 'or', 'unless', 'bool', 'offset', 'inf', 'nan',
]);

/**
 * The series names a PromQL expression selects. Not a parser: strings, label
 * matchers, ranges, grouping clauses and Grafana variables are blanked out,
 * then every identifier that is not a function call or a keyword is a name.
 */
function seriesNames(expr: string): string[] {
  const s = expr
    .replace(/\$\{[^}]*\}|\$\w+/g, ' ') // Grafana variables: $__rate_interval, ${DS_PROMETHEUS}
    .replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`/g, ' ') // string literals
    .replace(/\{[^}]*\}/g, ' ') // label matchers
    .replace(/\[[^\]]*\]/g, ' ') // range and subquery selectors
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' '); // label lists
  const names: string[] = [];
  for (const m of s.matchAll(/[A-Za-z_:][A-Za-z0-9_:]*/g)) {
    const before = s[m.index - 1] ?? ' ';
    if (/[0-9.]/.test(before)) continue; // the `m` of `5m`, the `e` of `1e3`
    if (PROMQL_WORDS.has(m[0].toLowerCase())) continue;
    if (s.slice(m.index + m[0].length).trimStart().startsWith('(')) continue; // a function
    names.push(m[0]);
  }
  return names;
}

function unknownSeries(expr: string): string[] {
  return seriesNames(expr).filter((n) => !KNOWN_SERIES.has(n));
}

/** Grafana variables replaced by values Prometheus accepts, for promtool. */
const asPlainPromql = (expr: string): string =>
  expr.replace(/\$__rate_interval|\$__interval|\$__range/g, '5m').replace(/\$\{?destination_id\}?/g, '.*');

// ------------------------------------------------------------------- tests

describe('seriesNames (the checker itself)', () => {
  it('finds series names and ignores functions, labels, ranges and variables', () => {
    expect(
      seriesNames(
        'histogram_quantile(0.99, sum by (destination_id, le) (rate(pushrail_delivery_latency_seconds_bucket{destination_id=~"$destination_id"}[$__rate_interval]))) > 1e3',
      ),
    ).toEqual(['pushrail_delivery_latency_seconds_bucket']);
    expect(seriesNames('up{job="worker"} == 0 or absent(up{job="worker"})')).toEqual(['up', 'up']);
    expect(seriesNames('a and on (destination_id) b offset 5m')).toEqual(['a', 'b']);
  });

  it('catches a typo and a histogram used without its suffix', () => {
    expect(unknownSeries('rate(pushrail_events_deliverd_total[5m])')).toEqual(['pushrail_events_deliverd_total']);
    expect(unknownSeries('pushrail_batch_size')).toEqual(['pushrail_batch_size']);
  });
});

describe('Prometheus', () => {
  const alertsFile = parseYaml(read('infra/prometheus/alerts.yml'));
  const rules: Yaml[] = alertsFile.groups.flatMap((g: Yaml) => g.rules);
  const byName = new Map<string, Yaml>(rules.map((r) => [r.alert, r]));

  it('prometheus.yml passes `promtool check config`', () => {
    const r = promtool('check', 'config', 'infra/prometheus/prometheus.yml');
    expect({ status: r.status, output: r.output }).toMatchObject({ status: 0 });
  });

  it('alerts.yml passes `promtool check rules`', () => {
    const r = promtool('check', 'rules', 'infra/prometheus/alerts.yml');
    expect({ status: r.status, output: r.output }).toMatchObject({ status: 0 });
  });

  it('scrapes ingest on 8080 and worker on 9091 under the job names the alerts use, and loads alerts.yml', () => {
    const config = parseYaml(read('infra/prometheus/prometheus.yml'));
    expect(config.rule_files).toEqual(['alerts.yml']);
    const jobs = new Map<string, Yaml>(config.scrape_configs.map((j: Yaml) => [j.job_name, j]));
    const targetsOf = (job: Yaml): string[] => [
      ...(job.static_configs ?? []).flatMap((c: Yaml) => c.targets),
      ...(job.dns_sd_configs ?? []).flatMap((c: Yaml) => c.names.map((n: string) => `${n}:${c.port}`)),
    ];
    expect(targetsOf(jobs.get('ingest'))).toEqual(['ingest:8080']);
    expect(targetsOf(jobs.get('worker'))).toEqual(['worker:9091']);
    for (const job of ['ingest', 'worker']) expect(jobs.get(job).metrics_path ?? '/metrics').toBe('/metrics');
  });

  it('has every required alert, each with a severity, a summary, a description and a runbook', () => {
    expect([...byName.keys()]).toEqual(expect.arrayContaining(REQUIRED_ALERTS));
    expect(byName.size).toBe(rules.length); // no duplicate names, no recording rules mixed in
    for (const rule of rules) {
      expect({ alert: rule.alert, severity: rule.labels?.severity }).toEqual({
        alert: rule.alert,
        severity: expect.stringMatching(/^(critical|warning|info)$/),
      });
      for (const key of ['summary', 'description', 'runbook']) {
        expect({ alert: rule.alert, key, text: String(rule.annotations?.[key] ?? '').trim().length > 20 }).toEqual({
          alert: rule.alert,
          key,
          text: true,
        });
      }
    }
  });

  it('uses only known metric names in alert expressions', () => {
    const bad = rules.map((r) => ({ alert: r.alert, unknown: unknownSeries(r.expr) })).filter((r) => r.unknown.length);
    expect(bad).toEqual([]);
  });

  it('points runbooks at the admin API and the pushrail CLI', () => {
    const runbook = (name: string): string => byName.get(name).annotations.runbook;
    expect(runbook('DeadLettersGrowing')).toContain('pushrail dead-letters list --destination');
    expect(runbook('DeadLettersGrowing')).toMatch(/pushrail dead-letters redrive --destination .* --since .* --until/);
    expect(runbook('DeadLettersGrowing')).toContain('/admin/v1/dead-letters/redrive');
    expect(runbook('DestinationPausedByFailures')).toContain('pushrail destinations resume');
    expect(runbook('DestinationPausedByFailures')).toContain('/resume');
    expect(runbook('DestinationPausedByFailures')).toContain('/test');
  });

  it('alert expressions select the right series (promtool test rules on sample data)', () => {
    const exprOf = (name: string): string => {
      const expr = byName.get(name)?.expr;
      if (typeof expr !== 'string') throw new Error(`alert ${name} is missing from alerts.yml`);
      return expr;
    };
    // Each case wraps an alert's own expression in count by (...) so it checks
    // which label sets would fire, not the exact sample values.
    const tests = [
      {
        name: 'DeliveryErrorRateHigh: 10% errors fires, 0% does not, errors with no delivery yet fires',
        interval: '1m',
        input_series: [
          { series: 'pushrail_delivery_errors_total{destination_id="d1",error_kind="transient"}', values: '0+60x20' },
          { series: 'pushrail_events_delivered_total{destination_id="d1"}', values: '0+540x20' },
          { series: 'pushrail_delivery_errors_total{destination_id="d2",error_kind="transient"}', values: '0x20' },
          { series: 'pushrail_events_delivered_total{destination_id="d2"}', values: '0+6000x20' },
          { series: 'pushrail_delivery_errors_total{destination_id="d3",error_kind="permanent"}', values: '0+60x20' },
          { series: 'pushrail_events_delivered_total{destination_id="d4"}', values: '0+6000x20' },
          { series: 'pushrail_delivery_errors_total{destination_id="d4",error_kind="transient"}', values: '0+60x20' },
        ],
        promql_expr_test: [
          {
            expr: `count by (destination_id) (${exprOf('DeliveryErrorRateHigh')})`,
            eval_time: '15m',
            exp_samples: [
              { labels: '{destination_id="d1"}', value: 1 },
              { labels: '{destination_id="d3"}', value: 1 },
            ],
          },
        ],
      },
      {
        name: 'DeadLettersGrowing fires per destination and error kind, and stops 15m after the last one',
        interval: '1m',
        input_series: [
          { series: 'pushrail_events_dead_lettered_total{destination_id="d1",error_kind="permanent"}', values: '0x9 5x40' },
          { series: 'pushrail_events_dead_lettered_total{destination_id="d1",error_kind="bad_row"}', values: '0x50' },
        ],
        promql_expr_test: [
          {
            expr: `count by (destination_id, error_kind) (${exprOf('DeadLettersGrowing')})`,
            eval_time: '15m',
            exp_samples: [{ labels: '{destination_id="d1",error_kind="permanent"}', value: 1 }],
          },
          { expr: `count(${exprOf('DeadLettersGrowing')})`, eval_time: '40m', exp_samples: [] },
        ],
      },
      {
        name: 'Paused, oldest waiting and backlog, deduplicated across exporters',
        interval: '1m',
        input_series: [
          { series: 'pushrail_destination_paused{destination_id="d1",reason="failures",instance="w1"}', values: '1x20' },
          { series: 'pushrail_destination_paused{destination_id="d1",reason="failures",instance="w2"}', values: '1x20' },
          { series: 'pushrail_destination_paused{destination_id="d2",reason="operator",instance="w1"}', values: '1x20' },
          { series: 'pushrail_queue_oldest_waiting_age_seconds{destination_id="d1",instance="w1"}', values: '0+60x20' },
          { series: 'pushrail_queue_oldest_waiting_age_seconds{destination_id="d2",instance="w1"}', values: '1x20' },
          { series: 'pushrail_queue_waiting{destination_id="d1",instance="w1"}', values: '0+200x40' },
          { series: 'pushrail_queue_waiting{destination_id="d2",instance="w1"}', values: '5000x40' },
        ],
        promql_expr_test: [
          {
            expr: `count by (destination_id) (${exprOf('DestinationPausedByFailures')})`,
            eval_time: '10m',
            exp_samples: [{ labels: '{destination_id="d1"}', value: 1 }],
          },
          {
            expr: `count by (destination_id) (${exprOf('OldestWaitingEventTooOld')})`,
            eval_time: '10m',
            exp_samples: [{ labels: '{destination_id="d1"}', value: 1 }],
          },
          {
            // d1 grows past 1000; d2 is large but flat.
            expr: `count by (destination_id) (${exprOf('QueueBacklogGrowing')})`,
            eval_time: '30m',
            exp_samples: [{ labels: '{destination_id="d1"}', value: 1 }],
          },
        ],
      },
      {
        name: 'IngestDown and WorkerDown fire on up == 0 and on a missing job',
        interval: '1m',
        input_series: [
          { series: 'up{job="ingest",instance="ingest:8080"}', values: '0x10' },
          { series: 'up{job="prometheus",instance="localhost:9090"}', values: '1x10' },
        ],
        promql_expr_test: [
          {
            expr: `count by (job) (${exprOf('IngestDown')})`,
            eval_time: '5m',
            exp_samples: [{ labels: '{job="ingest"}', value: 1 }],
          },
          {
            expr: `count by (job) (${exprOf('WorkerDown')})`,
            eval_time: '5m',
            exp_samples: [{ labels: '{job="worker"}', value: 1 }],
          },
        ],
      },
      {
        name: 'Ingest5xxRateHigh per route: 2 % 5xx fires, 0.5 % does not, 2 of 3 requests at a trickle does not',
        interval: '1m',
        input_series: [
          // Two ingest processes, each counting its own answers of the same route.
          { series: 'pushrail_http_requests_total{instance="i1",route="/v1/events",method="POST",status="202"}', values: '0+4900x20' },
          { series: 'pushrail_http_requests_total{instance="i1",route="/v1/events",method="POST",status="503"}', values: '0+100x20' },
          { series: 'pushrail_http_requests_total{instance="i2",route="/v1/events",method="POST",status="202"}', values: '0+4900x20' },
          { series: 'pushrail_http_requests_total{instance="i2",route="/v1/events",method="POST",status="503"}', values: '0+100x20' },
          { series: 'pushrail_http_requests_total{instance="i1",route="/v1/batch",method="POST",status="202"}', values: '0+9950x20' },
          { series: 'pushrail_http_requests_total{instance="i1",route="/v1/batch",method="POST",status="500"}', values: '0+50x20' },
          { series: 'pushrail_http_requests_total{instance="i1",route="/admin/v1/tenants",method="GET",status="200"}', values: '0+1x20' },
          { series: 'pushrail_http_requests_total{instance="i1",route="/admin/v1/tenants",method="GET",status="500"}', values: '0+0.1x20' },
        ],
        promql_expr_test: [
          {
            expr: `count by (route) (${exprOf('Ingest5xxRateHigh')})`,
            eval_time: '15m',
            exp_samples: [{ labels: '{route="/v1/events"}', value: 1 }],
          },
        ],
      },
      {
        name: 'DeliveryLatencyHigh on p99 above 5 s',
        interval: '1m',
        input_series: [
          { series: 'pushrail_delivery_latency_seconds_bucket{destination_id="slow",le="1"}', values: '0x20' },
          { series: 'pushrail_delivery_latency_seconds_bucket{destination_id="slow",le="10"}', values: '0+100x20' },
          { series: 'pushrail_delivery_latency_seconds_bucket{destination_id="slow",le="+Inf"}', values: '0+100x20' },
          { series: 'pushrail_delivery_latency_seconds_bucket{destination_id="fast",le="1"}', values: '0+100x20' },
          { series: 'pushrail_delivery_latency_seconds_bucket{destination_id="fast",le="10"}', values: '0+100x20' },
          { series: 'pushrail_delivery_latency_seconds_bucket{destination_id="fast",le="+Inf"}', values: '0+100x20' },
        ],
        promql_expr_test: [
          {
            expr: `count by (destination_id) (${exprOf('DeliveryLatencyHigh')})`,
            eval_time: '15m',
            exp_samples: [{ labels: '{destination_id="slow"}', value: 1 }],
          },
        ],
      },
    ];

    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pushrail-promtool-'));
    try {
      const file = path.join(dir, 'alerts-test.json'); // JSON is YAML, and promtool reads it
      fs.writeFileSync(file, JSON.stringify({ rule_files: [], evaluation_interval: '1m', tests }, null, 2));
      const r = promtool('test', 'rules', file);
      expect({ status: r.status, output: r.output }).toMatchObject({ status: 0 });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('Grafana', () => {
  const dashboard = JSON.parse(read('infra/grafana/dashboards/pushrail.json'));
  const panels: Yaml[] = dashboard.panels.flatMap((p: Yaml) => [p, ...(p.panels ?? [])]);
  const targets: Yaml[] = panels.flatMap((p) => (p.targets ?? []).map((t: Yaml) => ({ ...t, panel: p.title })));
  const vars = new Map<string, Yaml>(dashboard.templating.list.map((v: Yaml) => [v.name, v]));

  it('is dashboard uid pushrail with a datasource variable and a destination_id variable', () => {
    expect(dashboard.uid).toBe('pushrail');
    expect(dashboard.schemaVersion).toBeGreaterThanOrEqual(36);
    expect(vars.get('DS_PROMETHEUS')).toMatchObject({ type: 'datasource', query: 'prometheus' });
    const dest = vars.get('destination_id');
    expect(dest).toMatchObject({ type: 'query', includeAll: true, multi: true });
    expect(dest.definition).toBe('label_values(pushrail_queue_waiting, destination_id)');
    expect(dest.datasource.uid).toBe('${DS_PROMETHEUS}');
  });

  it('queries only through the datasource variable', () => {
    for (const p of panels.filter((p) => p.type !== 'row')) expect([p.title, p.datasource?.uid]).toEqual([p.title, '${DS_PROMETHEUS}']);
    for (const t of targets) expect([t.panel, t.datasource?.uid]).toEqual([t.panel, '${DS_PROMETHEUS}']);
  });

  it('uses only known metric names in panel queries', () => {
    expect(targets.length).toBeGreaterThan(10);
    const bad = targets.map((t) => ({ panel: t.panel, unknown: unknownSeries(t.expr) })).filter((t) => t.unknown.length);
    expect(bad).toEqual([]);
  });

  it('shows what the brief asks for', () => {
    const used = new Set(targets.flatMap((t) => seriesNames(t.expr)));
    for (const name of [
      'pushrail_events_accepted_total',
      'pushrail_events_delivered_total',
      'pushrail_delivery_latency_seconds_bucket',
      'pushrail_batch_size_bucket',
      'pushrail_queue_waiting',
      'pushrail_queue_active',
      'pushrail_queue_delayed',
      'pushrail_queue_oldest_waiting_age_seconds',
      'pushrail_dead_letters',
      'pushrail_delivery_retries_total',
      'pushrail_delivery_errors_total',
      'pushrail_destination_paused',
      'pushrail_destination_info',
      'pushrail_http_requests_total',
      'pushrail_http_request_duration_seconds_bucket',
    ]) {
      expect({ name, used: used.has(name) }).toEqual({ name, used: true });
    }
    const exprs = targets.map((t) => t.expr).join('\n');
    expect(exprs).toMatch(/histogram_quantile\(0\.5, [^\n]*pushrail_delivery_latency_seconds_bucket/);
    expect(exprs).toMatch(/histogram_quantile\(0\.99, [^\n]*pushrail_delivery_latency_seconds_bucket/);
    expect(exprs).toMatch(/histogram_quantile\(0\.99, [^\n]*pushrail_batch_size_bucket/);
  });

  it('has unique panel ids and no overlapping panels', () => {
    const ids = panels.map((p) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
    const boxes = panels.map((p) => ({ title: p.title, ...p.gridPos }));
    for (const b of boxes) expect(b.x + b.w).toBeLessThanOrEqual(24);
    for (let i = 0; i < boxes.length; i++) {
      for (let j = i + 1; j < boxes.length; j++) {
        const [a, b] = [boxes[i]!, boxes[j]!];
        const overlap = a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
        expect({ a: a.title, b: b.title, overlap }).toEqual({ a: a.title, b: b.title, overlap: false });
      }
    }
  });

  it('panel and autoscaler queries are valid PromQL (promtool check rules)', () => {
    const scaled = parseYamlAll(read('infra/k8s/keda-scaledobject.yaml'))[0];
    const kedaQueries: string[] = scaled.spec.triggers.map((t: Yaml) => t.metadata.query);
    for (const q of kedaQueries) expect({ q, unknown: unknownSeries(q) }).toEqual({ q, unknown: [] });
    const exprs = [...targets.map((t) => t.expr as string), ...kedaQueries];
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pushrail-promtool-'));
    try {
      const file = path.join(dir, 'dashboard-rules.json');
      const rules = exprs.map((e, i) => ({ record: `pushrail_dashboard:query_${i}`, expr: asPlainPromql(e) }));
      fs.writeFileSync(file, JSON.stringify({ groups: [{ name: 'dashboard', rules }] }));
      const r = promtool('check', 'rules', file);
      expect({ status: r.status, output: r.output }).toMatchObject({ status: 0 });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('provisions the Prometheus data source and the dashboard folder that docker-compose mounts', () => {
    const ds = parseYaml(read('infra/grafana/provisioning/datasources/prometheus.yml'));
    expect(ds.datasources).toEqual([expect.objectContaining({ type: 'prometheus', url: 'http://prometheus:9090' })]);
    const provider = parseYaml(read('infra/grafana/provisioning/dashboards/pushrail.yml'));
    const dashboardsPath = provider.providers[0].options.path;
    const grafana = parseYaml(read('docker-compose.yml')).services.grafana;
    expect(grafana.volumes).toContain(`./infra/grafana/dashboards:${dashboardsPath}:ro`);
    expect(grafana.volumes).toContain('./infra/grafana/provisioning:/etc/grafana/provisioning:ro');
  });
});

describe('docker-compose.yml', () => {
  const compose = parseYaml(read('docker-compose.yml'));
  const services = compose.services as Record<string, Yaml>;
  const scripts = JSON.parse(read('package.json')).scripts as Record<string, string>;

  it('has every service', () => {
    expect(Object.keys(services).sort()).toEqual(
      ['customer-postgres', 'grafana', 'ingest', 'migrate', 'postgres', 'prometheus', 'redis', 'worker'].sort(),
    );
  });

  it('runs Redis the way BullMQ needs it: noeviction, AOF fsync every second', () => {
    const cmd = ([] as string[]).concat(services.redis.command).join(' ');
    expect(services.redis.image).toMatch(/^redis:7/);
    expect(cmd).toContain('--appendonly yes');
    expect(cmd).toContain('--appendfsync everysec');
    expect(cmd).toContain('--maxmemory-policy noeviction');
  });

  it('starts each process with the command of the root package.json script', () => {
    const command = (s: string): string => services[s].command.join(' ');
    expect(command('ingest')).toBe(scripts['start:ingest']);
    expect(command('worker')).toBe(scripts['start:worker']);
    expect(command('migrate')).toBe(scripts['migrate']);
    expect(services.worker.deploy.replicas).toBe(2);
    expect(services.worker.stop_grace_period).toBe('60s');
    expect(services.ingest.ports).toContain('8080:8080');
    expect(services.ingest.environment.PORT).toBe('8080');
    expect(services.worker.environment.WORKER_METRICS_PORT).toBe('9091');
    expect(services.ingest.depends_on.migrate.condition).toBe('service_completed_successfully');
  });

  it('gives each Pushrail process only variables its config schema declares', () => {
    for (const name of ['migrate', 'ingest', 'worker'] as const) {
      const extra = Object.keys(services[name].environment).filter((k) => !PROCESS_ENV[name].has(k));
      expect({ service: name, extra }).toEqual({ service: name, extra: [] });
    }
    expect(services.ingest.environment.PUSHRAIL_ALLOW_PRIVATE_HOSTS).toBe('true');
    for (const name of ['ingest', 'worker']) {
      expect(services[name].environment.REDIS_URL).toBe('redis://redis:6379');
      expect(services[name].environment.DATABASE_URL).toMatch(/^postgres:\/\/pushrail:\$\{CONTROL_DB_PASSWORD:\?[^}]+\}@postgres:5432\/pushrail$/);
    }
  });

  it('takes every secret from .env, required, and documents each one', () => {
    const text = read('docker-compose.yml');
    const interpolated = new Set([...text.matchAll(/\$\{([A-Z0-9_]+)(:?[-?][^}]*)?\}/g)].map((m) => m[1]!));
    const unknown = [...interpolated].filter((v) => !DEPLOYED_ENV.has(v) && !COMPOSE_ONLY_VARS.has(v));
    expect(unknown).toEqual([]);
    for (const secret of ['PUSHRAIL_ENCRYPTION_KEY', 'PUSHRAIL_ADMIN_TOKEN', ...COMPOSE_ONLY_VARS]) {
      expect(text).toMatch(new RegExp(`\\$\\{${secret}:\\?`));
    }
    const example = read('infra/docker/env.example');
    const readme = read('infra/README.md');
    for (const v of interpolated) {
      expect({ v, inExample: new RegExp(`^${v}=`, 'm').test(example), inReadme: readme.includes(v) }).toEqual({
        v,
        inExample: true,
        inReadme: true,
      });
    }
  });

  it('mounts files that exist', () => {
    for (const [name, service] of Object.entries(services)) {
      for (const volume of (service.volumes ?? []) as string[]) {
        const source = volume.split(':')[0]!;
        if (!source.startsWith('./')) continue; // a named volume
        expect({ name, source, exists: fs.existsSync(path.join(ROOT, source)) }).toEqual({ name, source, exists: true });
      }
    }
  });
});

describe('customer database init', () => {
  const sql = read('infra/docker/customer-init.sql');

  it('creates the envelope table', () => {
    for (const column of [
      /event_id\s+UUID PRIMARY KEY/,
      /event_type\s+TEXT NOT NULL/,
      /occurred_at\s+TIMESTAMPTZ NOT NULL/,
      /customer_external_id\s+TEXT,/,
      /source\s+TEXT NOT NULL/,
      /payload\s+JSONB NOT NULL/,
      /metadata\s+JSONB,/,
      /received_at\s+TIMESTAMPTZ NOT NULL DEFAULT now\(\)/,
    ]) {
      expect(sql).toMatch(column);
    }
    expect(sql).toMatch(/CREATE SCHEMA IF NOT EXISTS pushrail;/);
    expect(sql).toMatch(/CREATE TABLE IF NOT EXISTS pushrail\.events \(/);
  });

  it('grants pushrail_writer USAGE and INSERT only, and takes TEMP away', () => {
    const grants = [...sql.matchAll(/^\s*GRANT\s+([^;]+);/gim)].map((m) => m[1]!.replace(/\s+/g, ' ').trim());
    expect(grants.sort()).toEqual(['INSERT ON pushrail.events TO pushrail_writer', 'USAGE ON SCHEMA pushrail TO pushrail_writer']);
    expect(sql).toMatch(/REVOKE TEMPORARY ON DATABASE :"dbname" FROM PUBLIC;/);
    expect(sql).toMatch(/CREATE ROLE pushrail_writer LOGIN PASSWORD :'writer_password';/);
  });
});

describe('Dockerfile and .dockerignore', () => {
  const dockerfile = read('infra/docker/Dockerfile');
  const pkg = JSON.parse(read('package.json')) as { packageManager: string; scripts: Record<string, string> };

  it('builds on node 20 with the pnpm of packageManager, frozen lockfile, then production dependencies only', () => {
    expect(dockerfile).toMatch(/^FROM node:20-bookworm-slim AS base$/m);
    expect(pkg.packageManager).toMatch(/^pnpm@/);
    expect(dockerfile).toContain(`npm install -g ${pkg.packageManager}`);
    expect(dockerfile).toMatch(/pnpm install --offline --frozen-lockfile /);
    expect(dockerfile).toMatch(/^RUN pnpm build$/m);
    expect(dockerfile).toMatch(/pnpm install --offline --frozen-lockfile --prod/);
  });

  it('runs as node, in production mode, ingest by default', () => {
    const run = dockerfile.slice(dockerfile.lastIndexOf('\nFROM '));
    expect(run).toMatch(/^USER node$/m);
    expect(run).toMatch(/^ENV NODE_ENV=production$/m);
    const cmd = /^CMD (\[.*\])$/m.exec(run);
    expect(JSON.parse(cmd![1]!).join(' ')).toBe(pkg.scripts['start:ingest']);
  });

  it('.dockerignore keeps dependencies, build output, state and secrets out of the context', () => {
    const ignored = read('.dockerignore').split('\n').map((l) => l.trim());
    for (const entry of ['**/node_modules', '**/dist', '.pushrail', '.git', '**/.turbo', '.env']) {
      expect(ignored).toContain(entry);
    }
  });
});

describe('Kubernetes manifests', () => {
  const k8s = path.join(INFRA, 'k8s');
  const files = fs
    .readdirSync(k8s, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.yaml'))
    .sort();
  const docs: Array<{ file: string; doc: Yaml }> = files.flatMap((file) =>
    parseYamlAll(fs.readFileSync(path.join(k8s, file), 'utf8')).map((doc) => ({ file, doc })),
  );
  const ofKind = (kind: string): Yaml[] => docs.filter((d) => d.doc.kind === kind).map((d) => d.doc);
  const named = (kind: string, name: string): Yaml => {
    const found = ofKind(kind).find((d) => d.metadata.name === name);
    expect({ kind, name, found: found !== undefined }).toEqual({ kind, name, found: true });
    return found;
  };
  const configMap = named('ConfigMap', 'pushrail');
  const secret = named('Secret', 'pushrail');
  const workloads = [...ofKind('Deployment'), ...ofKind('Job')];

  it('are namespace-agnostic and every kustomization lists files that exist', () => {
    for (const { file, doc } of docs) expect({ file, namespace: doc.metadata?.namespace }).toEqual({ file, namespace: undefined });
    for (const { file, doc } of docs.filter((d) => d.doc.kind === 'Kustomization')) {
      expect(doc.namespace).toBeUndefined();
      for (const resource of doc.resources as string[]) {
        expect({ file, resource, exists: fs.existsSync(path.join(k8s, path.dirname(file), resource)) }).toEqual({
          file,
          resource,
          exists: true,
        });
      }
      expect((doc.resources as string[]).some((r) => r.includes('secret'))).toBe(false);
    }
  });

  it('hold no real secret values', () => {
    for (const value of Object.values(secret.stringData as Record<string, string>)) expect(value).toContain('CHANGE_ME');
  });

  it('pass each process only variables its config schema declares, from keys the ConfigMap and Secret define', () => {
    for (const w of workloads) {
      const process = PROCESS_OF_WORKLOAD[w.metadata.name];
      expect({ workload: w.metadata.name, known: process !== undefined }).toEqual({ workload: w.metadata.name, known: true });
      for (const c of w.spec.template.spec.containers) {
        for (const e of c.env ?? []) {
          expect({ workload: w.metadata.name, env: e.name, read: PROCESS_ENV[process!].has(e.name) }).toMatchObject({ read: true });
          const cm = e.valueFrom?.configMapKeyRef;
          const sk = e.valueFrom?.secretKeyRef;
          if (cm) expect({ env: e.name, inConfigMap: cm.name === 'pushrail' && cm.key in configMap.data }).toMatchObject({ inConfigMap: true });
          if (sk) expect({ env: e.name, inSecret: sk.name === 'pushrail' && sk.key in secret.stringData }).toMatchObject({ inSecret: true });
        }
        expect(c.envFrom).toBeUndefined();
      }
    }
    for (const key of [...Object.keys(configMap.data), ...Object.keys(secret.stringData)]) {
      expect({ key, read: DEPLOYED_ENV.has(key) }).toEqual({ key, read: true });
    }
    expect(configMap.data.PORT).toBe('8080');
    expect(configMap.data.WORKER_METRICS_PORT).toBe('9091');
  });

  it('probe /readyz and /healthz on 8080 (ingest) and 9091 (worker), and give 60 s to drain', () => {
    const scripts = JSON.parse(read('package.json')).scripts as Record<string, string>;
    for (const [name, port, script] of [
      ['pushrail-ingest', 8080, 'start:ingest'],
      ['pushrail-worker', 9091, 'start:worker'],
    ] as const) {
      const spec = named('Deployment', name).spec.template.spec;
      expect(spec.terminationGracePeriodSeconds).toBe(60);
      expect(spec.securityContext.runAsNonRoot).toBe(true);
      const [c] = spec.containers;
      expect(c.command.join(' ')).toBe(scripts[script]);
      const portOf = (p: number | string): number => (typeof p === 'number' ? p : c.ports.find((x: Yaml) => x.name === p).containerPort);
      expect([c.readinessProbe.httpGet.path, portOf(c.readinessProbe.httpGet.port)]).toEqual(['/readyz', port]);
      expect([c.livenessProbe.httpGet.path, portOf(c.livenessProbe.httpGet.port)]).toEqual(['/healthz', port]);
    }
    expect(named('Job', 'pushrail-migrate').spec.template.spec.containers[0].command.join(' ')).toBe(scripts['migrate']);
  });

  it('scale ingest on CPU and the worker with KEDA, and protect both with PodDisruptionBudgets', () => {
    const hpa = named('HorizontalPodAutoscaler', 'pushrail-ingest');
    expect(hpa.spec.scaleTargetRef).toMatchObject({ kind: 'Deployment', name: 'pushrail-ingest' });
    expect(hpa.spec.metrics[0].resource.name).toBe('cpu');
    expect(named('Deployment', 'pushrail-ingest').spec.template.spec.containers[0].resources.requests.cpu).toBeDefined();
    const scaled = named('ScaledObject', 'pushrail-worker');
    expect(scaled.spec.scaleTargetRef.name).toBe('pushrail-worker');
    expect(scaled.spec.triggers.map((t: Yaml) => t.metadata.query)).toContain('sum(max by (destination_id) (pushrail_queue_waiting))');
    for (const name of ['pushrail-ingest', 'pushrail-worker']) {
      const pdb = named('PodDisruptionBudget', name);
      const labels = named('Deployment', name).spec.template.metadata.labels;
      expect(labels).toMatchObject(pdb.spec.selector.matchLabels);
    }
  });

  it('Services select the pods and reach the named ports', () => {
    for (const svc of ofKind('Service').filter((s) => s.metadata.labels?.['pushrail.dev/component'] !== 'redis')) {
      const deployment = ofKind('Deployment').find((d) =>
        Object.entries(svc.spec.selector).every(([k, v]) => d.spec.template.metadata.labels[k] === v),
      );
      expect({ service: svc.metadata.name, selects: deployment !== undefined }).toEqual({ service: svc.metadata.name, selects: true });
      const portNames = deployment.spec.template.spec.containers[0].ports.map((p: Yaml) => p.name);
      for (const p of svc.spec.ports) expect(portNames).toContain(p.targetPort);
      expect(['ingest', 'worker']).toContain(svc.metadata.labels['pushrail.dev/job']);
    }
  });
});

describe('Redis with a replica and Sentinel (docker-compose.ha.yml, infra/k8s/redis-ha)', () => {
  it('compose: a replica, three Sentinels with a quorum of 2, and ingest and worker pointed at them', () => {
    const ha = parseYaml(read('docker-compose.ha.yml')).services as Record<string, Yaml>;
    const base = parseYaml(read('docker-compose.yml')).services as Record<string, Yaml>;
    const replica = ha['redis-replica'].command.join(' ');
    expect(replica).toContain('--replicaof redis 6379');
    expect(replica).toContain('--maxmemory-policy noeviction');
    expect(replica).toContain('--appendonly yes');
    for (const name of ['sentinel-1', 'sentinel-2', 'sentinel-3']) {
      expect(ha[name].command.join(' ')).toContain('sentinel monitor pushrail redis 6379 2');
    }
    const url = 'redis+sentinel://sentinel-1:26379,sentinel-2:26379,sentinel-3:26379/pushrail';
    expect(ha.ingest.environment).toEqual({ REDIS_URL: url, PUSHRAIL_REDIS_MIN_REPLICAS: '1' });
    expect(ha.worker.environment).toEqual({ REDIS_URL: url });
    // Every service it overrides exists in the base file.
    for (const name of ['redis', 'ingest', 'worker']) expect(base[name]).toBeDefined();
  });

  it('k8s: two Redis pods started by a script that asks the Sentinels first, and three Sentinels with a quorum of 2', () => {
    const dir = path.join(INFRA, 'k8s', 'redis-ha');
    const docs = ['redis-scripts.yaml', 'redis.yaml', 'sentinel.yaml'].flatMap((f) => parseYamlAll(fs.readFileSync(path.join(dir, f), 'utf8')));
    const set = (name: string) => docs.find((d) => d.kind === 'StatefulSet' && d.metadata.name === name);
    expect(set('pushrail-redis').spec.replicas).toBe(2);
    expect(set('pushrail-sentinel').spec.replicas).toBe(3);
    const scripts = docs.find((d) => d.kind === 'ConfigMap').data;
    expect(scripts['redis.sh']).toContain('get-master-addr-by-name pushrail');
    expect(scripts['redis.sh']).toContain('--maxmemory-policy noeviction');
    expect(scripts['sentinel.sh']).toContain('sentinel monitor pushrail pushrail-redis-0.pushrail-redis 6379 2');
    for (const svc of docs.filter((d) => d.kind === 'Service')) {
      const selected = docs.find((d) => d.kind === 'StatefulSet' && d.spec.serviceName === svc.metadata.name);
      expect(selected.spec.template.metadata.labels).toMatchObject(svc.spec.selector);
    }
  });
});

describe('infra/README.md', () => {
  const readme = read('infra/README.md');

  it('explains every alert and how to make the secrets', () => {
    const alerts = parseYaml(read('infra/prometheus/alerts.yml')).groups.flatMap((g: Yaml) => g.rules.map((r: Yaml) => r.alert));
    for (const alert of alerts) expect({ alert, documented: readme.includes(`### ${alert}`) }).toEqual({ alert, documented: true });
    expect(readme).toContain("node -e \"console.log(require('crypto').randomBytes(32).toString('base64'))\"");
    for (const v of DEPLOYED_ENV) expect({ v, documented: readme.includes(`| \`${v}\` |`) }).toEqual({ v, documented: true });
  });
});
