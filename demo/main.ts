/**
 * Runs the demo: the services named in `DEMO_SERVICES` (default: all four and the load generator) in
 * this process, exporting OTLP/HTTP traces and sampling as the controller says. See demo/README.md.
 *
 *   npx tsx demo/main.ts
 */
import { loadDemoConfig } from './config';
import { SERVICES, type ServiceName } from './faults';
import { type LogSink, createLogger, fileAndStdoutSink, stdoutSink } from './log';
import { startLoad } from './load';
import { startDemo } from './stack';
import { remoteTelemetry } from './telemetry';

async function main(): Promise<void> {
  const config = loadDemoConfig(process.env);
  const logSink: LogSink = config.logFile ? fileAndStdoutSink(config.logFile) : stdoutSink;
  const demo = await startDemo({
    services: SERVICES.filter((s: ServiceName) => config.components.includes(s)),
    host: config.host,
    ports: config.ports,
    urls: config.urls,
    faults: config.faults,
    tuning: config.tuning,
    telemetry: remoteTelemetry(config.sampling, config.otlpEndpoint),
    logSink,
  });
  const load = config.components.includes('load')
    ? startLoad({
        ...config.load,
        gatewayUrl: demo.urls.gateway,
        paymentsUrl: demo.urls.payments,
        fraudUrl: demo.urls.fraud,
        logger: createLogger('loadgen', logSink),
      })
    : undefined;

  const stop = async (signal: string) => {
    createLogger('demo', logSink).log('info', undefined, `stopping on ${signal}`);
    await load?.stop();
    await demo.close();
    // The Jaeger remote sampler polls on a timer it never clears; exit rather than wait for it.
    process.exit(0);
  };
  process.once('SIGINT', () => void stop('SIGINT'));
  process.once('SIGTERM', () => void stop('SIGTERM'));
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
