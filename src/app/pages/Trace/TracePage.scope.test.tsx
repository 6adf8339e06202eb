/**
 * Issue 24, case 2: a service name that came from trace data is a name, never a pattern. A span whose
 * `service.name` is `*` must not turn the Trace page's RED, baseline or log queries into queries over every service.
 */
import { screen, waitFor } from '@testing-library/react';
import React from 'react';

import { buildTrace } from '../../../analysis';
import { type OtlpTraceJson, connectionPoolWait } from '../../../analysis/fixtures';
import { queryShape } from '../../../queries/queryShape.testing';
import {
  DATA_SOURCES,
  mockPanelRenderer,
  proxy,
  queriesSent,
  serveTrace,
} from '../../features/correlated/testing/correlatedBackend';
import { FakeBackend } from '../../testing/fakeBackend';
import { appMeta, renderInApp } from '../../testing/renderInApp';
import { TracePage } from './TracePage';

const mockBackend = new FakeBackend();
jest.mock('@grafana/runtime', () => ({
  ...jest.requireActual('@grafana/runtime'),
  getBackendSrv: () => mockBackend,
  PanelRenderer: (props: never) => mockPanelRenderer(props),
}));

/** The connection-pool trace with its `auth` service renamed `*`, as any instrumented process may call itself. */
function traceWithStarService(): OtlpTraceJson {
  const otlp = connectionPoolWait();
  for (const { resource } of otlp.resourceSpans) {
    for (const attribute of resource.attributes) {
      if (attribute.key === 'service.name' && attribute.value.stringValue === 'auth') {
        Object.assign(attribute.value, { stringValue: '*' });
      }
    }
  }
  return otlp;
}

/** The service matchers (`^(…)$`) among the string literals of the queries sent. */
function serviceRegexes(queries: readonly string[]): RegExp[] {
  return queries
    .flatMap((query) => queryShape(query).literals)
    .filter((literal) => literal.startsWith('^(') && literal.endsWith(')$'))
    .map((literal) => new RegExp(literal, 'u'));
}

it("keeps the Trace page's metric and log queries to the trace's services when one is named *", async () => {
  const otlp = traceWithStarService();
  const trace = buildTrace(otlp);
  expect(trace.services).toContain('*');
  mockBackend.reset();
  serveTrace(mockBackend, otlp);

  renderInApp(<TracePage />, { url: `/trace?traceId=${trace.traceId}`, meta: appMeta(DATA_SOURCES) });
  await screen.findByTestId('panel-traces');
  const prometheus = () => queriesSent(mockBackend, `${proxy('prom-uid')}/api/v1/query`);
  const loki = () => queriesSent(mockBackend, `${proxy('loki-uid')}/loki/api/v1/query_range`);
  // Three RED charts and the p99 baselines from Prometheus; the trace's logs from Loki.
  await waitFor(() => expect(prometheus().length).toBeGreaterThanOrEqual(4));
  await waitFor(() => expect(loki()).toHaveLength(1));

  const matchers = serviceRegexes([...prometheus(), ...loki()]);
  // Every query names the trace's services in a matcher.
  expect(matchers.length).toBeGreaterThanOrEqual(prometheus().length + loki().length);
  for (const matcher of matchers) {
    expect(trace.services.filter((service) => matcher.test(service))).toEqual(trace.services);
    expect(['ledger-audit', 'a', ''].some((other) => matcher.test(other))).toBe(false);
  }
});
