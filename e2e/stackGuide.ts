/**
 * What `npm run stack` prints for a newcomer: where the preview host is and who to sign in as, each demo service with
 * the faults it owns and a `curl` that switches one, Jaeger, Prometheus, the controller and the logs. The native
 * stack's fixed ports are here too, the ones `docker compose` publishes and `demo/README.md` uses, so the README's
 * examples work as printed.
 */
import { DEFAULT_PORTS } from '../demo/config';
import { FAULTS, type FaultName, SERVICES, type ServiceName } from '../demo/faults';
import type { RunningStack } from './stack';
import type { PortOverrides } from './stack/ports';

/**
 * `npm run stack`'s ports unless `STACK_PORTS=free`: Jaeger's and Prometheus' usual ones, the controller where the
 * demo's samplers look by default, the demo's defaults. The rest of the stack's ports are picked free.
 */
export const NATIVE_STACK_PORTS = {
  jaegerQueryHttp: 16686,
  prometheus: 9090,
  controller: 8080,
  demo: DEFAULT_PORTS,
} as const satisfies PortOverrides;

export const NATIVE_HOST_PORT = 3300;

/** The fault the printed example switches on: the one "Why these traces?" explains best. */
export const EXAMPLE_FAULT: FaultName = 'slowLedgerShard';

const faultsOf = (service: ServiceName) => (Object.keys(FAULTS) as FaultName[]).filter((f) => FAULTS[f] === service);

/** The `curl` that switches `fault` on at the service that injects it. */
export function faultCommand(demo: Record<ServiceName, string>, fault: FaultName = EXAMPLE_FAULT): string {
  return `curl -X POST ${demo[FAULTS[fault]]}/faults -d '${JSON.stringify({ [fault]: true })}'`;
}

export function stackGuide(stack: Pick<RunningStack, 'urls' | 'controllerToken' | 'logDir'>, host: string): string {
  const { urls } = stack;
  const width = Math.max(...SERVICES.map((s) => s.length));
  const services = SERVICES.map((service) => {
    const owned = faultsOf(service);
    const language = service === 'fraud' ? ' (Go)' : '';
    return `  ${service.padEnd(width)}  ${urls.demo[service]}/faults${language}${owned.length ? `  ${owned.join(', ')}` : ''}`;
  });
  return [
    '',
    `Tracing Ops preview host (not Grafana): ${host}/a/seed-tracingops-app/incident`,
    `  sign in as: ${host}/host/sign-in?as=editor (payments), ?as=viewer, ?as=other-editor (identity), ?as=admin`,
    `  settings:   ${host}/plugins/seed-tracingops-app`,
    'Demo services, each with the faults it injects (GET shows them, POST switches them):',
    ...services,
    `  checkouts:  curl -X POST ${urls.demo.gateway}/checkout -d '{"user":"user-1","account":"acct-1","amount":42}'`,
    `  a fault:    ${faultCommand(urls.demo)}`,
    `Jaeger query API:     ${urls.jaegerQuery} (/api/v3/traces, /api/traces; its UI is a placeholder)`,
    `Jaeger OTLP/HTTP in:  ${urls.jaegerOtlpHttp}/v1/traces`,
    `Prometheus:           ${urls.prometheus}`,
    `Sampling controller:  ${urls.controller} (admin API /api/v1, token: ${stack.controllerToken})`,
    `Logs:                 ${stack.logDir}`,
    '',
    'Ctrl-C stops everything.',
    '',
  ].join('\n');
}
