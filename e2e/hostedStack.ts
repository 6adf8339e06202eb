/**
 * The real stack (e2e/stack) with the preview host in front of it: the simulated Grafana the controller asks for
 * teams, ownership and ID-token keys, then Jaeger, Prometheus, the controller and the demo, then the host serving
 * the built plugin with data sources pointing at them. Used by the flows and by `npm run stack`.
 */
import { type FakeGrafana, startFakeGrafana } from '../tests/controller/support/harness';
import { bundleHostPage } from './host/bundle';
import { type HostDataSource, type RunningHost, startHost } from './host/server';
import { DEMO_USERS, teamMembers } from './host/users';
import { type RunningStack, type StackOptions, startStack } from './stack';

/** The demo's ownership table, as an admin would enter it on the settings page. */
export const DEMO_OWNERSHIP = [
  { team: 'payments', services: ['gateway', 'payments', 'fraud'] },
  { team: 'identity', services: ['auth'] },
];

export const DATA_SOURCES = {
  traces: { uid: 'jaeger', type: 'jaeger', name: 'Jaeger (local)' },
  prometheus: { uid: 'prometheus', type: 'prometheus', name: 'Prometheus (span metrics)' },
} as const;

export interface HostedStack {
  stack: RunningStack;
  grafana: FakeGrafana;
  host: RunningHost;
  dataSources: HostDataSource[];
  stop(): Promise<void>;
}

export async function startHostedStack(
  options: { stack?: StackOptions; hostPort?: number } = {}
): Promise<HostedStack> {
  const teams = teamMembers(DEMO_USERS);
  const stops: Array<() => Promise<unknown>> = [];
  const stop = async () => {
    for (const step of stops.reverse()) {
      await step().catch(() => {});
    }
  };
  try {
    // Built while the stack starts: the bundle takes seconds, the stack longer.
    const bundle = bundleHostPage();
    const grafana = await startFakeGrafana(teams, DEMO_OWNERSHIP);
    stops.push(() => grafana.stop());
    const stack = await startStack({
      ...options.stack,
      grafanaUrl: grafana.url,
      grafanaServiceAccountToken: grafana.serviceAccountToken,
    });
    stops.push(() => stack.stop());
    const dataSources: HostDataSource[] = [
      { ...DATA_SOURCES.traces, url: stack.urls.jaegerQuery },
      { ...DATA_SOURCES.prometheus, url: stack.urls.prometheus },
    ];
    const host = await startHost({
      port: options.hostPort,
      bundle: await bundle,
      dataSources,
      jsonData: {
        tracesDatasourceUid: DATA_SOURCES.traces.uid,
        prometheusDatasourceUid: DATA_SOURCES.prometheus.uid,
        controllerUrl: stack.urls.controller,
        ownership: DEMO_OWNERSHIP,
      },
      secureJsonData: { controllerToken: stack.controllerToken },
      users: DEMO_USERS,
      teams: Object.keys(teams),
      signIdToken: (user) => grafana.sign({ login: user.login, role: user.role, userId: user.userId }),
      onSave: (jsonData) => grafana.setOwnership(jsonData.ownership ?? []),
    });
    stops.push(() => host.close());
    return { stack, grafana, host, dataSources, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
