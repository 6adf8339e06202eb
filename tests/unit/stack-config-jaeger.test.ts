/**
 * Cross-checks of the Jaeger variant of the stack (docker-compose.jaeger.yaml, provisioning-jaeger/,
 * deploy/prometheus-jaeger.yml, deploy/jaeger/config.yaml), which no engine runs here: the files
 * parse, the app settings and links point at provisioned data sources, the span-metrics flavour the
 * app is given is the one Jaeger's connector writes, and each component is reached on the port it
 * listens on.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';

import { OTEL_SPAN_METRICS, spanMetricNames } from '../../src/queries';
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

const JAEGER_CONFIG = 'deploy/jaeger/config.yaml';
const compose = yamlOf('docker-compose.jaeger.yaml');
const services: Record<string, ComposeService> = compose.services;
const datasources: Array<{ uid: string; type: string; url: string; jsonData?: Json }> = yamlOf(
  'provisioning-jaeger/datasources/datasources.yaml'
).datasources;
const app = yamlOf('provisioning-jaeger/plugins/app.yaml').apps[0];
const jaegerEnv = services.jaeger!.environment!;

describe('the Jaeger variant of the stack', () => {
  it.each([
    'docker-compose.jaeger.yaml',
    'deploy/prometheus-jaeger.yml',
    'provisioning-jaeger/datasources/datasources.yaml',
    'provisioning-jaeger/plugins/app.yaml',
  ])('%s parses', (file) => {
    expect(() => parse(read(file), { strict: true, uniqueKeys: true, merge: true })).not.toThrow();
  });

  it('runs Jaeger v2 and Prometheus without Tempo or Loki, and mounts and builds only files that exist', () => {
    expect(Object.keys(services)).toEqual(expect.arrayContaining(['jaeger', 'prometheus', 'grafana', 'controller']));
    expect(Object.keys(services).filter((name) => /tempo|loki/.test(name))).toEqual([]);
    const files = Object.values(services).flatMap((s) => [
      ...(s.build ? [s.build.dockerfile] : []),
      ...(s.volumes ?? []).filter((v) => v.startsWith('./')).map((v) => v.split(':')[0]!),
    ]);
    expect(files.filter((file) => !fs.existsSync(path.join(root, file)))).toEqual([]);
    const names = new Set(Object.keys(services));
    expect(
      Object.values(services)
        .flatMap((s) => s.depends_on ?? [])
        .filter((d) => !names.has(d))
    ).toEqual([]);
  });

  it('pins the Jaeger image to the release scripts/build-jaeger.sh builds (v1.N is v2.(N−63))', () => {
    const v1 = /VERSION=\$\{JAEGER_VERSION:-v1\.(\d+)\.(\d+)\}/.exec(read('scripts/build-jaeger.sh'));
    expect(v1).not.toBeNull();
    expect(services.jaeger!.image).toBe(`jaegertracing/jaeger:2.${Number(v1![1]) - 63}.${v1![2]}`);
  });

  it('provisions Jaeger and Prometheus under the UIDs the app settings use, and links only to them', () => {
    expect(datasources.map((d) => [d.type, d.uid])).toEqual([
      ['jaeger', 'jaeger'],
      ['prometheus', 'prometheus'],
    ]);
    const uids = new Set(datasources.map((d) => d.uid));
    expect(withDefaults(app.jsonData.tracesDatasourceUid)).toBe('jaeger');
    expect(withDefaults(app.jsonData.prometheusDatasourceUid)).toBe('prometheus');
    expect(app.jsonData).not.toHaveProperty('lokiDatasourceUid');
    for (const d of datasources) {
      expect(valuesOf(d.jsonData ?? null, 'datasourceUid').filter((uid) => !uids.has(uid as string))).toEqual([]);
    }
  });

  it('gives the app the span-metrics flavour the connector writes, and queries those names from trace links', () => {
    const { spanMetrics } = app.jsonData;
    expect(spanMetrics).toEqual({ flavour: 'otel', namespace: 'traces_span_metrics', unit: 'ms' });
    const names = spanMetricNames({ kind: 'otel', namespace: spanMetrics.namespace, unit: spanMetrics.unit });
    expect(names).toEqual(spanMetricNames(OTEL_SPAN_METRICS));
    const jaeger = datasources.find((d) => d.type === 'jaeger')!;
    const queries = valuesOf(jaeger.jsonData!, 'query') as string[];
    expect(queries.some((q) => q.includes(names.calls))).toBe(true);
    expect(queries.some((q) => q.includes(names.latencyBucket))).toBe(true);
    expect(valuesOf(jaeger.jsonData!, 'tags')).toEqual([[{ key: 'service.name', value: names.serviceLabel }]]);
  });

  it('mounts the variant’s provisioning into Grafana', () => {
    expect(services.grafana!.volumes).toContain('./provisioning-jaeger:/etc/grafana/provisioning:ro');
  });

  describe(`with ${JAEGER_CONFIG}`, () => {
    // Written by the stack work (e2e/stack); these checks need it in the tree.
    const config = fs.existsSync(path.join(root, JAEGER_CONFIG)) ? yamlOf(JAEGER_CONFIG) : undefined;
    const configText = config ? read(JAEGER_CONFIG) : '';

    it('exists', () => {
      expect(config).toBeDefined();
    });

    it('leaves the connector at its defaults (namespace traces.span.metrics, unit ms), which the app is told', () => {
      const connector = config.connectors.spanmetrics;
      expect(connector.namespace ?? 'traces.span.metrics').toBe('traces.span.metrics');
      expect(connector.histogram?.unit ?? 'ms').toBe(app.jsonData.spanMetrics.unit);
    });

    it('sets only addresses the config reads, each on every interface', () => {
      const read = new Set([...configText.matchAll(/\$\{env:([A-Z_]+)/g)].map((m) => m[1]));
      expect(Object.keys(jaegerEnv).filter((name) => !read.has(name))).toEqual([]);
      for (const [name, value] of Object.entries(jaegerEnv)) {
        if (name.endsWith('_ENDPOINT')) {
          expect(value).toMatch(/^0\.0\.0\.0:\d+$/);
        }
      }
    });

    it('wires demo → Jaeger → Prometheus → Grafana on the ports each one listens on', () => {
      const demo = services.payments!.environment!;
      expect(portOf(demo.OTEL_EXPORTER_OTLP_ENDPOINT!)).toBe(portOfEndpoint(jaegerEnv.JAEGER_OTLP_HTTP_ENDPOINT!));
      const jaeger = datasources.find((d) => d.type === 'jaeger')!;
      expect(portOf(jaeger.url)).toBe(portOfEndpoint(jaegerEnv.JAEGER_QUERY_HTTP_ENDPOINT!));
      const targets = (
        yamlOf('deploy/prometheus-jaeger.yml').scrape_configs as Array<{
          job_name: string;
          honor_labels?: boolean;
          static_configs: Array<{ targets: string[] }>;
        }>
      ).find((c) => c.job_name === 'spanmetrics')!;
      expect(targets.honor_labels).toBe(true);
      expect(targets.static_configs[0]!.targets).toEqual([
        `jaeger:${portOfEndpoint(jaegerEnv.JAEGER_SPANMETRICS_ENDPOINT!)}`,
      ]);
      expect(services.jaeger!.volumes).toContain(`./${JAEGER_CONFIG}:/etc/jaeger/config.yaml:ro`);
      expect(services.jaeger!.command).toEqual(['--config', '/etc/jaeger/config.yaml']);
    });
  });
});
