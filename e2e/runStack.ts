/**
 * `npm run stack`: the native stack (Jaeger v2, Prometheus, the controller, the demo services with load) and the
 * preview host with the built plugin, on loopback; prints the URLs and stops everything on Ctrl-C. A preview, not
 * Grafana: `docker compose up` runs the plugin in real Grafana.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';

import { startHostedStack } from './hostedStack';

async function main(): Promise<void> {
  if (!existsSync(join(__dirname, '..', 'dist', 'module.js'))) {
    process.stderr.write('No built plugin in dist/: run `npm run build` first.\n');
    process.exit(2);
  }
  process.stdout.write('Starting Jaeger, Prometheus, the controller, the demo and the preview host…\n');
  const hostPort = Number(process.env.HOST_PORT ?? 3300);
  const running = await startHostedStack({ stack: { load: true }, hostPort });
  const { urls } = running.stack;
  const host = running.host.url;
  process.stdout.write(
    [
      '',
      `Tracing Ops preview host (not Grafana): ${host}/a/seed-tracingops-app/incident`,
      `  sign in as: ${host}/host/sign-in?as=editor (payments), ?as=viewer, ?as=other-editor (identity), ?as=admin`,
      `  settings:   ${host}/plugins/seed-tracingops-app`,
      `Jaeger query API:     ${urls.jaegerQuery}`,
      `Prometheus:           ${urls.prometheus}`,
      `Sampling controller:  ${urls.controller} (token: ${running.stack.controllerToken})`,
      `Demo gateway:         ${urls.demo.gateway}`,
      `Logs:                 ${running.stack.logDir}`,
      '',
      'Ctrl-C stops everything.',
      '',
    ].join('\n')
  );
  let stopping = false;
  const stop = () => {
    if (stopping) {
      return;
    }
    stopping = true;
    process.stdout.write('\nStopping…\n');
    running.stop().then(
      () => process.exit(0),
      () => process.exit(1)
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
