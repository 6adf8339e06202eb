/**
 * Starts any subset of the demo services in this process — all four for a laptop or a test, one per
 * container in docker compose — each with its own telemetry, logger, faults and HTTP server. Services
 * a process does not run are reached at their configured URLs.
 */
import { type FaultName, Faults, type ServiceName } from './faults';
import { Downstream } from './http/client';
import { type RunningServer, startServer } from './http/server';
import { type LogSink, createLogger } from './log';
import { auth } from './services/auth';
import { fraud } from './services/fraud';
import { gateway } from './services/gateway';
import type { ServiceFactory, Tuning } from './services/kit';
import { payments } from './services/payments';
import { type TelemetryFactory, startTelemetry } from './telemetry';

const FACTORIES: Record<ServiceName, ServiceFactory> = { gateway, auth, payments, fraud };

/** Callees before callers, so a caller started here learns the real address of a callee started here. */
const START_ORDER: readonly ServiceName[] = ['fraud', 'payments', 'auth', 'gateway'];

export interface DemoOptions {
  /** The services this process runs. */
  services: readonly ServiceName[];
  host: string;
  /** Listening ports; 0 picks a free one. */
  ports: Record<ServiceName, number>;
  /** Where services that run elsewhere are reached. */
  urls: Record<ServiceName, string>;
  /** Faults on from the start. */
  faults: readonly FaultName[];
  tuning: Tuning;
  telemetry: TelemetryFactory;
  logSink: LogSink;
}

export interface RunningDemo {
  /** The URL of every service, the ones started here with their real ports. */
  readonly urls: Record<ServiceName, string>;
  /** The fault switches of the services started here (the same state `POST /faults` changes). */
  readonly faults: Partial<Record<ServiceName, Faults>>;
  /** Stops the servers, then flushes and stops telemetry. */
  close(): Promise<void>;
}

export async function startDemo(options: DemoOptions): Promise<RunningDemo> {
  const urls = { ...options.urls };
  const faults: Partial<Record<ServiceName, Faults>> = {};
  const stops: Array<() => Promise<void>> = [];
  const close = async () => {
    for (const stop of stops.splice(0).reverse()) {
      await stop();
    }
  };

  try {
    for (const service of START_ORDER.filter((s) => options.services.includes(s))) {
      const telemetry = startTelemetry(service, options.telemetry(service));
      stops.push(telemetry.shutdown);
      const logger = createLogger(service, options.logSink);
      const serviceFaults = new Faults(service, options.faults);
      const parts = FACTORIES[service]({
        tracer: telemetry.tracer,
        logger,
        faults: serviceFaults,
        tuning: options.tuning,
        downstream: (callee) => new Downstream(callee, urls[callee], telemetry.tracer, options.tuning.callTimeoutMs),
      });
      if (parts.close) {
        const closeParts = parts.close;
        stops.push(async () => closeParts());
      }
      const server: RunningServer = await startServer({
        service,
        tracer: telemetry.tracer,
        metrics: telemetry.metrics,
        logger,
        faults: serviceFaults,
        routes: parts.routes,
        host: options.host,
        port: options.ports[service],
      });
      stops.push(server.close);
      urls[service] = server.url;
      faults[service] = serviceFaults;
      logger.log('info', undefined, `${service} listening on ${server.url}`, {
        faults: JSON.stringify(serviceFaults.snapshot()),
      });
    }
  } catch (err) {
    await close();
    throw err;
  }
  return { urls, faults, close };
}
