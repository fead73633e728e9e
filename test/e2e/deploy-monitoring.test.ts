// The monitoring files (deploy/prometheus, deploy/grafana) against what the services really
// export: a gateway process and a kiosk process are started and their /metrics read; every linli_* metric the alerting
// rules and the dashboard use must be exported (or come from Prometheus / node-exporter),
// every exported family must be on the dashboard; promtool checks the rules, runs their unit
// tests, checks the scrape config and parses every dashboard query.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { freePort, HMAC_KEY, killed, REPO, removeDir, spawnGateway, tempDir } from './gateway-helpers.ts';
import { startKioskProcess } from './kiosk-process.ts';

const DEPLOY = join(REPO, 'deploy');
const PROMTOOL = '/usr/bin/promtool'; // Debian's prometheus package (.ci/run installs it)

/** Outbox metrics of the center link (issue #11), not exported yet; the rules and the dashboard
 *  already use them under these names. */
/** From Prometheus itself and from prometheus-node-exporter. */
const EXTERNAL = [
  'up',
  'node_filesystem_avail_bytes',
  'node_filesystem_size_bytes',
  'node_systemd_unit_state',
];

const dirs: string[] = [];
let exported: Set<string>;
let families: string[];

/** Metric names in a PromQL expression (not label names, functions or keywords). */
function metricsIn(expr: string): string[] {
  const noStrings = expr.replace(/"[^"]*"/g, '""').replace(/\{[^}]*\}/g, '{}');
  return [...noStrings.matchAll(/\b(linli_[a-z0-9_]+|node_[a-z0-9_]+|up)\b/g)].map((m) => m[1]!);
}

function known(name: string): boolean {
  return exported.has(name) || EXTERNAL.includes(name);
}

beforeAll(async () => {
  const dataDir = tempDir();
  dirs.push(dataDir);
  const port = await freePort();
  const gw = await spawnGateway({
    LINLI_GW_DATA_DIR: dataDir,
    LINLI_GW_HMAC_KEY: HMAC_KEY,
    LINLI_GW_MQTT_HOST: '127.0.0.1',
    LINLI_GW_MQTT_PORT: '0',
    LINLI_GW_WS_PORT: '-1',
    LINLI_GW_HTTP_HOST: '127.0.0.1',
    LINLI_GW_HTTP_PORT: String(port),
  });
  const kioskDir = tempDir();
  dirs.push(kioskDir);
  exported = new Set<string>();
  families = [];
  const read = async (url: string) => {
    const res = await fetch(url);
    expect(res.status).toBe(200);
    const text = await res.text();
    for (const m of text.matchAll(/^# TYPE (\S+) (\w+)$/gm)) {
      families.push(m[1]!);
      exported.add(m[1]!);
      if (m[2] === 'histogram') for (const s of ['_bucket', '_sum', '_count']) exported.add(`${m[1]}${s}`);
    }
  };
  try {
    await read(`http://127.0.0.1:${port}/metrics`);
  } finally {
    gw.proc.kill('SIGTERM');
    await killed(gw.proc);
  }
  const kiosk = await startKioskProcess(
    {
      LINLI_KIOSK_DATA_DIR: kioskDir,
      LINLI_KIOSK_ADMIN_PASSWORD: 'monitoring-test-password-1',
      LINLI_KIOSK_IDCARD: 'none',
      LINLI_KIOSK_PRINTER: 'none',
      LINLI_KIOSK_SCANNER: 'none',
      LINLI_KIOSK_LOG_LEVEL: 'warn',
    },
    await freePort(),
  );
  try {
    await read(`${kiosk.base}/metrics`);
  } finally {
    kiosk.proc.kill('SIGTERM');
    await killed(kiosk.proc);
  }
}, 120_000);

afterAll(() => {
  for (const d of dirs) removeDir(d);
});

interface Rule {
  alert: string;
  expr: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

describe('alerting rules', () => {
  const doc = parse(readFileSync(join(DEPLOY, 'prometheus/alerts.yml'), 'utf8')) as {
    groups: { name: string; rules: Rule[] }[];
  };
  const rules = doc.groups.flatMap((g) => g.rules);

  it('use only metrics the gateway exports, each with a severity and a summary', () => {
    expect(exported.size).toBeGreaterThan(15);
    expect(families.filter((f) => f.startsWith('linli_kiosk_')).length).toBeGreaterThanOrEqual(8);
    for (const r of rules) {
      const names = metricsIn(r.expr);
      expect(names.length, r.alert).toBeGreaterThan(0);
      for (const n of names) expect(known(n), `${r.alert}: ${n}`).toBe(true);
      expect(['critical', 'warning']).toContain(r.labels?.severity);
      expect(r.annotations?.summary, r.alert).toBeTruthy();
    }
    const alerts = rules.map((r) => r.alert);
    for (const a of [
      'LinliBrokerLinkDown',
      'LinliStoreNotWritable',
      'LinliOutboxBacklog',
      'LinliDiskFullSoon',
    ])
      expect(alerts).toContain(a);
  });

  it('pass promtool check rules and their unit tests, and the scrape config passes promtool check config', () => {
    const check = spawnSync(PROMTOOL, ['check', 'rules', 'alerts.yml'], {
      cwd: join(DEPLOY, 'prometheus'),
      encoding: 'utf8',
    });
    expect(check.status, check.stdout + check.stderr).toBe(0);
    expect(check.stdout).toContain(`SUCCESS: ${rules.length} rules found`);
    const test = spawnSync(PROMTOOL, ['test', 'rules', 'alerts.test.yml'], {
      cwd: join(DEPLOY, 'prometheus'),
      encoding: 'utf8',
    });
    expect(test.status, test.stdout + test.stderr).toBe(0);
    const config = spawnSync(PROMTOOL, ['check', 'config', 'prometheus.yml'], {
      cwd: join(DEPLOY, 'prometheus'),
      encoding: 'utf8',
    });
    expect(config.status, config.stdout + config.stderr).toBe(0);
    const scrape = parse(readFileSync(join(DEPLOY, 'prometheus/prometheus.yml'), 'utf8')) as {
      scrape_configs: { job_name: string; metrics_path?: string }[];
    };
    // The rules' job label is the scrape config's job.
    expect(scrape.scrape_configs.map((s) => s.job_name)).toEqual(
      expect.arrayContaining(['linli-gateway', 'linli-kiosk']),
    );
  });
});

describe('Grafana dashboard', () => {
  const dash = JSON.parse(readFileSync(join(DEPLOY, 'grafana/linli.json'), 'utf8')) as {
    uid: string;
    title: string;
    panels: { id: number; type: string; title: string; targets?: { expr: string; refId: string }[] }[];
    templating: { list: { name: string }[] };
  };
  const targets = dash.panels.flatMap((p) => (p.targets ?? []).map((t) => ({ panel: p.title, ...t })));

  it('queries only exported metrics and shows every family the gateway exports', () => {
    expect(dash.uid).toBe('linli');
    const ids = dash.panels.map((p) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(dash.templating.list.map((v) => v.name)).toEqual(['datasource', 'instance', 'kiosk']);
    const used = new Set<string>();
    for (const t of targets)
      for (const n of metricsIn(t.expr)) {
        expect(known(n), `${t.panel}: ${n}`).toBe(true);
        used.add(n.replace(/_(bucket|sum|count)$/, ''));
        used.add(n);
      }
    // prom-client's default process metrics (process_*, nodejs_*) are exported by both services;
    // the dashboard shows every Linli family
    expect(exported.has('process_resident_memory_bytes')).toBe(true);
    expect(exported.has('nodejs_eventloop_lag_p99_seconds')).toBe(true);
    for (const f of families.filter((name) => name.startsWith('linli_')))
      expect(used.has(f), `exported ${f} not on the dashboard`).toBe(true);
  });

  it('every query is valid PromQL (promtool, with the dashboard variables filled in)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'linli-dash-'));
    dirs.push(dir);
    const rules = targets.map((t, i) => ({
      record: `linli_dashboard:query_${i}`,
      expr: t.expr
        .replaceAll('$__rate_interval', '1m')
        .replaceAll('$instance', '.*')
        .replaceAll('$kiosk', '.*'),
    }));
    writeFileSync(join(dir, 'queries.yml'), JSON.stringify({ groups: [{ name: 'dashboard', rules }] }));
    const out = execFileSync(PROMTOOL, ['check', 'rules', 'queries.yml'], { cwd: dir, encoding: 'utf8' });
    expect(out).toContain(`SUCCESS: ${rules.length} rules found`);
  });
});
