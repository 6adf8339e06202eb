/**
 * What `npm run stack` prints (`e2e/stackGuide.ts`) against the stack it describes and the README: every URL of the
 * running stack is printed, each demo service's fault endpoint lists exactly the faults it injects, and the README's
 * fault example for the native stack is the printed one at the fixed ports.
 */
import { DEFAULT_PORTS } from '../../demo/config';
import { FAULTS, SERVICES } from '../../demo/faults';
import { EXAMPLE_FAULT, NATIVE_HOST_PORT, NATIVE_STACK_PORTS, faultCommand, stackGuide } from '../../e2e/stackGuide';
import { read } from './support/configFiles';

const at = (port: number) => `http://127.0.0.1:${port}`;
const demo = Object.fromEntries(SERVICES.map((s) => [s, at(NATIVE_STACK_PORTS.demo[s])])) as Record<
  (typeof SERVICES)[number],
  string
>;
const stack = {
  urls: {
    jaegerQuery: at(NATIVE_STACK_PORTS.jaegerQueryHttp),
    jaegerOtlpHttp: at(40001),
    jaegerMetrics: `${at(40002)}/metrics`,
    prometheus: at(NATIVE_STACK_PORTS.prometheus),
    controller: at(NATIVE_STACK_PORTS.controller),
    sampling: `${at(NATIVE_STACK_PORTS.controller)}/sampling`,
    demo,
    goService: demo.fraud,
  },
  controllerToken: 'token-123',
  logDir: '/tmp/stack-logs',
};
const guide = stackGuide(stack, at(NATIVE_HOST_PORT));
const lines = guide.split('\n');

describe('npm run stack', () => {
  it('prints the host, Jaeger, Prometheus, the controller with its token, the logs and every demo service', () => {
    for (const url of [
      `${at(NATIVE_HOST_PORT)}/a/seed-tracingops-app/incident`,
      stack.urls.jaegerQuery,
      `${stack.urls.jaegerOtlpHttp}/v1/traces`,
      stack.urls.prometheus,
      stack.urls.controller,
      stack.controllerToken,
      stack.logDir,
      ...SERVICES.map((s) => `${demo[s]}/faults`),
    ]) {
      expect(guide).toContain(url);
    }
  });

  it("lists each service's fault endpoint with exactly the faults that service injects", () => {
    for (const service of SERVICES) {
      const line = lines.find((l) => l.includes(`${demo[service]}/faults`))!;
      const listed = Object.keys(FAULTS).filter((f) => new RegExp(`\\b${f}\\b`).test(line));
      expect(listed.sort()).toEqual(
        Object.entries(FAULTS)
          .filter(([, owner]) => owner === service)
          .map(([f]) => f)
          .sort()
      );
    }
  });

  it('prints a curl that switches a fault on at the service that injects it', () => {
    const command = faultCommand(demo);
    expect(guide).toContain(command);
    expect(command).toBe(`curl -X POST ${demo[FAULTS[EXAMPLE_FAULT]]}/faults -d '{"${EXAMPLE_FAULT}":true}'`);
  });

  it("uses the demo's own default ports, so the README's and demo/README.md's examples reach the same services", () => {
    expect(NATIVE_STACK_PORTS.demo).toEqual(DEFAULT_PORTS);
    const readme = read('README.md');
    const native = readme.slice(readme.indexOf('### Without Docker'), readme.indexOf('## Test it'));
    const example = faultCommand(
      Object.fromEntries(SERVICES.map((s) => [s, `localhost:${NATIVE_STACK_PORTS.demo[s]}`])) as typeof demo
    );
    expect(native).toContain(example);
  });
});
