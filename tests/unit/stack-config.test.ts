/**
 * Cross-checks of the docker compose stack and Grafana provisioning, which no engine runs here:
 * every file parses, every data source UID that the dashboard, the app settings or another data
 * source points at is provisioned, the compose file only mounts and builds files that exist, and the
 * ports each component is reached on are the ports it listens on.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';

import { Ownership, OwnershipTableSchema } from '../../src/contract';
import { parseStrategiesFile } from '../../src/controller/strategiesFile';
import { DEFAULT_PORTS } from '../../demo/config';
import {
  type ComposeService,
  type Json,
  portOf,
  portOfEndpoint,
  read,
  root,
  valuesOf,
  withDefaults,
  yamlOf,
} from './support/configFiles';

const datasources: Array<{
  uid: string;
  type: string;
  url: string;
  jsonData?: Json;
}> = yamlOf('provisioning/datasources/datasources.yaml').datasources;
const provisionedUids = new Set(datasources.map((d) => d.uid));
const datasource = (type: string) => datasources.find((d) => d.type === type)!;
const dashboard: Json = JSON.parse(read('src/app/dashboards/incident.json'));
const compose = yamlOf('docker-compose.yaml');
const manifest = JSON.parse(read('plugin.json'));
const correlatedPanel = JSON.parse(read('src/app/panels/correlated/plugin.json'));

describe('configuration files', () => {
  const files = [
    'docker-compose.yaml',
    ...fs.readdirSync(path.join(root, 'deploy')).map((f) => `deploy/${f}`),
    ...['datasources', 'dashboards', 'plugins'].flatMap((dir) =>
      fs.readdirSync(path.join(root, 'provisioning', dir)).map((f) => `provisioning/${dir}/${f}`)
    ),
    'src/app/dashboards/incident.json',
  ].filter((f) => /\.(ya?ml|json)$/.test(f));

  it.each(files)('%s parses', (file) => {
    expect(() => parse(read(file), { strict: true, uniqueKeys: true, merge: true })).not.toThrow();
  });

  it('gives the controller a Jaeger strategies file with 10% by default, which its own parser accepts', () => {
    const { strategies, warnings } = parseStrategiesFile(read('deploy/strategies.json'));
    expect(strategies.default.strategy).toEqual({
      type: 'probabilistic',
      samplingRate: 0.1,
    });
    expect(warnings).toEqual([]);
  });

  it('provisions one ownership table, valid by the contract, that puts every demo service in a team', () => {
    const app = (parse(read('provisioning/plugins/app.yaml')) as { apps: Array<{ jsonData: { ownership: unknown } }> })
      .apps[0];
    const ownership = new Ownership(OwnershipTableSchema.parse(app?.jsonData.ownership));
    expect(Object.keys(DEFAULT_PORTS).filter((service) => ownership.owners(service).length === 0)).toEqual([]);
    expect(ownership.owners('payments')).toEqual(['payments-team']);
  });
});

describe('data source UIDs', () => {
  it('provisions Tempo, Prometheus and Loki under the fixed UIDs tempo, prometheus and loki', () => {
    expect(datasources.map((d) => [d.type, d.uid])).toEqual([
      ['tempo', 'tempo'],
      ['prometheus', 'prometheus'],
      ['loki', 'loki'],
    ]);
  });

  it('links the data sources only to provisioned ones, in every direction the design asks for', () => {
    const tempo = datasource('tempo').jsonData as Record<string, { datasourceUid?: string; enabled?: boolean }>;
    expect(tempo.tracesToLogsV2?.datasourceUid).toBe('loki');
    expect(tempo.tracesToMetrics?.datasourceUid).toBe('prometheus');
    expect(tempo.serviceMap?.datasourceUid).toBe('prometheus');
    expect(tempo.nodeGraph?.enabled).toBe(true);
    expect(valuesOf(datasource('prometheus').jsonData!, 'datasourceUid')).toEqual(['tempo']);
    expect(valuesOf(datasource('loki').jsonData!, 'datasourceUid')).toEqual(['tempo']);
    for (const d of datasources) {
      expect(
        valuesOf(d.jsonData ?? null, 'datasourceUid').filter((uid) => !provisionedUids.has(uid as string))
      ).toEqual([]);
    }
  });

  it('lets the Loki derived field find the trace id in the JSON lines the demo services write', () => {
    const [field] = valuesOf(datasource('loki').jsonData!, 'matcherRegex') as string[];
    const line =
      '{"level":"info","service":"payments","trace_id":"4bf92f3577b34da6a3ce929d0e0e4736","span_id":"00f067aa0ba902b7"}';
    expect(new RegExp(field!).exec(line)?.[1]).toBe('4bf92f3577b34da6a3ce929d0e0e4736');
  });

  it('uses only provisioned UIDs in the app settings', () => {
    const [app] = yamlOf('provisioning/plugins/app.yaml').apps;
    const uids = ['tempoDatasourceUid', 'prometheusDatasourceUid', 'lokiDatasourceUid'].map((k) =>
      withDefaults(app.jsonData[k])
    );
    expect(uids).toEqual(['tempo', 'prometheus', 'loki']);
  });

  it('uses only provisioned UIDs in the incident dashboard', () => {
    const uids = new Set(valuesOf(dashboard, 'datasource').map((d) => (d as { uid: string }).uid));
    expect([...uids].sort()).toEqual(['prometheus', 'tempo']);
  });
});

describe('the incident dashboard', () => {
  const panels = valuesOf(dashboard, 'panels').flat() as Array<{
    id: number;
    type: string;
    targets?: Json[];
    options?: Json;
  }>;
  const variables = (
    valuesOf(dashboard, 'templating')[0] as {
      list: Array<{ name: string; type: string }>;
    }
  ).list;

  it('has a fixed UID and is shipped by the app from src/app/dashboards', () => {
    expect(dashboard).toMatchObject({
      uid: 'tracingops-incident',
      title: 'Incident overview',
    });
    const include = manifest.includes.find((i: { type: string }) => i.type === 'dashboard');
    expect(include).toEqual({
      type: 'dashboard',
      name: 'Incident overview',
      path: 'dashboards/incident.json',
    });
  });

  it('has a $service query variable and a $traceId textbox', () => {
    expect(variables.map((v) => [v.name, v.type])).toEqual([
      ['service', 'query'],
      ['traceId', 'textbox'],
    ]);
  });

  it('shows RED over Tempo span metrics, the anomalous traces from TraceQL, the service graph and the $traceId trace in the correlated panel', () => {
    const exprs = valuesOf(dashboard, 'expr') as string[];
    expect(exprs.filter((e) => e.includes('traces_spanmetrics_calls_total'))).toHaveLength(2);
    expect(exprs.filter((e) => e.includes('traces_spanmetrics_latency_bucket'))).toHaveLength(1);
    expect(exprs.every((e) => e.includes('service=~"$service"'))).toBe(true);
    expect(panels.map((p) => p.type)).toEqual(
      expect.arrayContaining(['timeseries', 'table', 'nodeGraph', correlatedPanel.id])
    );
    const tracePanel = panels.find((p) => p.type === correlatedPanel.id);
    expect(tracePanel?.options).toEqual({ traceId: '$traceId', dataSourceChoice: 'app' });
  });

  it('uses only variables it defines, or Grafana built-ins', () => {
    const text = JSON.stringify(dashboard);
    const used = new Set([...text.matchAll(/\$\{?(\w+)/g)].map((m) => m[1]));
    const defined = new Set(variables.map((v) => v.name));
    expect([...used].filter((name) => !defined.has(name!) && !name!.startsWith('__'))).toEqual([]);
  });

  it('links to app pages the manifest declares', () => {
    const pages = new Set(manifest.includes.map((i: { path?: string }) => i.path));
    const appLinks = (valuesOf(dashboard, 'url') as string[]).filter((url) => url.startsWith('/a/'));
    expect(appLinks.length).toBeGreaterThanOrEqual(2);
    expect(appLinks.filter((url) => !pages.has(url.split('?')[0]))).toEqual([]);
  });

  it('has unique panel ids', () => {
    const ids = panels.map((p) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
  });
});

describe('docker-compose.yaml', () => {
  const services: Record<string, ComposeService> = compose.services;

  it('builds from Dockerfiles and mounts files that exist', () => {
    const dockerfiles = Object.values(services).flatMap((s) => (s.build ? [s.build.dockerfile] : []));
    const mounts = Object.values(services)
      .flatMap((s) => s.volumes ?? [])
      .filter((v) => v.startsWith('./'))
      .map((v) => v.split(':')[0]!);
    expect([...dockerfiles, ...mounts].filter((file) => !fs.existsSync(path.join(root, file)))).toEqual([]);
  });

  it('depends only on services it defines', () => {
    const names = new Set(Object.keys(services));
    const deps = Object.values(services).flatMap((s) => s.depends_on ?? []);
    expect(deps.filter((d) => !names.has(d))).toEqual([]);
  });

  it('points Grafana, the app settings and the demo services at the port the controller listens on', () => {
    const controllerPort = String(services.controller!.environment!.CONTROLLER_PORT);
    expect(portOf(services.grafana!.environment!.TRACINGOPS_CONTROLLER_URL!)).toBe(controllerPort);
    const [app] = yamlOf('provisioning/plugins/app.yaml').apps;
    expect(portOf(withDefaults(app.jsonData.controllerUrl))).toBe(controllerPort);
    expect(portOf(services.payments!.environment!.SAMPLING_ENDPOINT!)).toBe(controllerPort);
    expect(
      yamlOf('deploy/prometheus.yml').scrape_configs.map(
        (c: { static_configs: Array<{ targets: string[] }> }) => c.static_configs[0]!.targets[0]
      )
    ).toContain(`controller:${controllerPort}`);
  });

  it('reaches every demo service on the port it listens on by default', () => {
    const env = services.gateway!.environment!;
    for (const [service, port] of Object.entries(DEFAULT_PORTS)) {
      expect(env[`${service.toUpperCase()}_URL`]).toBe(`http://${service}:${port}`);
      expect(services[service]!.ports).toEqual([`${port}:${port}`]);
    }
  });

  it('wires demo → collector → Tempo → Prometheus and collector → Loki on the ports each one listens on', () => {
    const collector = yamlOf('deploy/otel-collector.yaml');
    const tempo = yamlOf('deploy/tempo.yaml');
    const loki = yamlOf('deploy/loki.yaml');
    const collectorHttp = collector.receivers.otlp.protocols.http.endpoint;
    expect(services.payments!.environment!.OTEL_EXPORTER_OTLP_ENDPOINT).toBe(
      `http://otel-collector:${portOfEndpoint(collectorHttp)}`
    );
    expect(collector.exporters['otlp_grpc/tempo'].endpoint).toBe(
      `tempo:${portOfEndpoint(tempo.distributor.receivers.otlp.protocols.grpc.endpoint)}`
    );
    expect(portOf(collector.exporters['otlp_http/loki'].endpoint)).toBe(String(loki.server.http_listen_port));
    expect(portOf(datasource('tempo').url)).toBe(String(tempo.server.http_listen_port));
    expect(portOf(datasource('loki').url)).toBe(String(loki.server.http_listen_port));
    const [remoteWrite] = tempo.metrics_generator.storage.remote_write;
    expect(remoteWrite).toEqual({
      url: `${datasource('prometheus').url}/api/v1/write`,
      send_exemplars: true,
    });
    expect(services.prometheus!.command).toEqual(
      expect.arrayContaining(['--web.enable-remote-write-receiver', '--enable-feature=exemplar-storage'])
    );
    expect(tempo.overrides.defaults.metrics_generator.processors).toEqual(
      expect.arrayContaining(['service-graphs', 'span-metrics'])
    );
  });

  it('lets the collector tail the log files the demo services append to', () => {
    const include: string[] = yamlOf('deploy/otel-collector.yaml').receivers['filelog/demo'].include;
    const collectorMount = services['otel-collector']!.volumes!.find((v) => v.startsWith('demo-logs:'))!.split(':')[1]!;
    for (const name of ['gateway', 'auth', 'payments', 'fraud', 'loadgen']) {
      const logFile = services[name]!.environment!.DEMO_LOG_FILE!;
      expect(path.dirname(logFile)).toBe(collectorMount);
      expect(
        include.some((glob) => path.dirname(glob) === path.dirname(logFile) && logFile.endsWith(path.extname(glob)))
      ).toBe(true);
    }
  });

  it('provisions the incident dashboard from where the Grafana image puts the plugin, and opens Grafana on it', () => {
    const [provider] = yamlOf('provisioning/dashboards/dashboards.yaml').providers;
    const grafanaDockerfile = read('deploy/grafana.Dockerfile');
    const pluginDir = /COPY --from=plugin \/src\/dist (\S+)/.exec(grafanaDockerfile)?.[1];
    expect(provider.options.path).toBe(`${pluginDir}/dashboards`);
    expect(services.grafana!.environment!.GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH).toBe(
      `${pluginDir}/dashboards/incident.json`
    );
  });
});
