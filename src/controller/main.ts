/**
 * Entry point: `npm run controller` (tsx) or `node dist-controller/controller/main.js`.
 * Reads the environment, starts the controller and shuts it down gracefully on SIGTERM/SIGINT.
 */
import { ConfigError, loadConfig } from './config';
import { createController } from './server';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }
  const controller = await createController(config);
  await controller.start();

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) {
      return;
    }
    stopping = true;
    controller.app.log.info({ signal }, 'shutting down');
    const deadline = setTimeout(() => {
      controller.app.log.error({ timeoutMs: config.shutdownTimeoutMs }, 'graceful shutdown timed out; exiting');
      process.exit(1);
    }, config.shutdownTimeoutMs);
    deadline.unref();
    controller.close().then(
      () => process.exit(0),
      (err: Error) => {
        controller.app.log.error({ err }, 'error during shutdown');
        process.exit(1);
      }
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

main().catch((err: Error) => {
  process.stderr.write(`sampling controller failed to start: ${err.message}\n`);
  process.exit(1);
});
