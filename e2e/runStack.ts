/**
 * `npm run stack`: the native stack (Jaeger v2, Prometheus, the controller, the demo services with load) and the
 * preview host with the built plugin, on loopback; prints every URL a newcomer needs (`stackGuide`) and stops
 * everything on Ctrl-C. A preview, not Grafana: `docker compose up` runs the plugin in real Grafana. Fixed ports
 * (`NATIVE_STACK_PORTS`, the host on `HOST_PORT` or 3300) so the README's examples work as printed;
 * `STACK_PORTS=free` picks free ones, to run beside another stack.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';

import { startHostedStack } from './hostedStack';
import { NATIVE_HOST_PORT, NATIVE_STACK_PORTS, stackGuide } from './stackGuide';

async function main(): Promise<void> {
  if (!existsSync(join(__dirname, '..', 'dist', 'module.js'))) {
    process.stderr.write('No built plugin in dist/: run `npm run build` first.\n');
    process.exit(2);
  }
  process.stdout.write('Starting Jaeger, Prometheus, the controller, the demo and the preview host…\n');
  const free = process.env.STACK_PORTS === 'free';
  const hostPort = Number(process.env.HOST_PORT ?? (free ? 0 : NATIVE_HOST_PORT));
  const running = await startHostedStack({
    stack: { load: true, ...(free ? {} : { ports: NATIVE_STACK_PORTS }) },
    hostPort,
  });
  process.stdout.write(stackGuide(running.stack, running.host.url));
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
  if (process.env.STACK_PORTS !== 'free' && /address already in use|EADDRINUSE/i.test(String(error))) {
    process.stderr.write('A fixed port is taken (another stack?): STACK_PORTS=free npm run stack picks free ones.\n');
  }
  process.exit(1);
});
