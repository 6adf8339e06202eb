/**
 * Debian's Prometheus and Alertmanager as child processes on loopback, with throw-away data directories and
 * short intervals, for tests of goal-bounded spikes and the Alertmanager webhook against the real programs.
 * Alertmanager's command line and Prometheus' `alerting` block are the real stack's (e2e/stack/alertmanager.ts).
 * `describeWithPrometheus` skips a suite when the binaries are missing, unless REQUIRE_PROMETHEUS=1.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { ALERTMANAGER_BIN, alertmanagerArgs, prometheusAlerting } from '../../../e2e/stack/alertmanager';
import { PROMETHEUS_BIN, PROMTOOL_BIN } from '../../../e2e/stack/prometheus';
import { tempDir } from './harness';

const available = existsSync(PROMETHEUS_BIN) && existsSync(ALERTMANAGER_BIN);
export const describeWithPrometheus = available || process.env.REQUIRE_PROMETHEUS === '1' ? describe : describe.skip;

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

export interface RunningProcess {
  url: string;
  dir: string;
  output(): string;
  stop(): Promise<void>;
}

async function waitReady(url: string, child: ChildProcess, output: () => string): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      throw new Error(`process exited with ${child.exitCode}:\n${output()}`);
    }
    const ok = await fetch(`${url}/-/ready`)
      .then((r) => r.ok)
      .catch(() => false);
    if (ok) {
      return;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`not ready after 30 s:\n${output()}`);
}

async function run(bin: string, args: (port: number, dir: string) => string[], dir: string): Promise<RunningProcess> {
  const port = await freePort();
  let out = '';
  const child = spawn(bin, args(port, dir), { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  const url = `http://127.0.0.1:${port}`;
  const output = () => out;
  try {
    await waitReady(url, child, output);
  } catch (err) {
    child.kill('SIGKILL');
    throw err;
  }
  return {
    url,
    dir,
    output,
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) {
          resolve();
          return;
        }
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

/**
 * Prometheus scraping `targets` every second, evaluating `rules` (a rule-file YAML string) every second; with
 * `history` (OpenMetrics text with timestamps), its storage holds those samples first, written by `promtool tsdb
 * create-blocks-from openmetrics` as a backfill would.
 */
export function startPrometheus(o: {
  targets: string[];
  rules?: string;
  alertmanager?: string;
  history?: string;
}): Promise<RunningProcess> {
  const dir = tempDir('tracingops-prometheus-');
  if (o.history) {
    writeFileSync(join(dir, 'history.om'), o.history);
    const made = spawnSync(PROMTOOL_BIN, ['tsdb', 'create-blocks-from', 'openmetrics', 'history.om', 'data'], {
      cwd: dir,
      encoding: 'utf8',
    });
    if (made.status !== 0) {
      throw new Error(`promtool could not write the history: ${made.stderr || made.error}`);
    }
  }
  const ruleFiles = o.rules ? [join(dir, 'rules.yml')] : [];
  if (o.rules) {
    writeFileSync(ruleFiles[0]!, o.rules);
  }
  const config = {
    global: { scrape_interval: '1s', evaluation_interval: '1s' },
    rule_files: ruleFiles,
    ...(o.alertmanager ? { alerting: prometheusAlerting(o.alertmanager.replace(/^https?:\/\//, '')) } : {}),
    scrape_configs: [{ job_name: 'spanmetrics', honor_labels: true, static_configs: [{ targets: o.targets }] }],
  };
  writeFileSync(join(dir, 'prometheus.yml'), JSON.stringify(config));
  return run(
    PROMETHEUS_BIN,
    (port) => [
      `--config.file=${join(dir, 'prometheus.yml')}`,
      `--storage.tsdb.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--log.level=warn',
    ],
    dir
  );
}

/** Alertmanager with the configuration `config` writes (YAML or JSON) for its directory, where `files` are. */
export function startAlertmanager(
  config: (dir: string) => string,
  files: Record<string, string> = {}
): Promise<RunningProcess> {
  const dir = tempDir('tracingops-alertmanager-');
  for (const [name, content] of Object.entries(files)) {
    writeFileSync(join(dir, name), content);
  }
  writeFileSync(join(dir, 'alertmanager.yml'), config(dir));
  return run(ALERTMANAGER_BIN, (port) => alertmanagerArgs(join(dir, 'alertmanager.yml'), join(dir, 'data'), port), dir);
}
