/**
 * The stack's loopback ports: the ones a caller fixes, and free ones the system hands out for the rest. All are
 * picked at once, before anything starts, so components can be told each other's addresses up front.
 */
import { createServer } from 'node:net';

import type { ServiceName } from '../../demo/faults';

export interface StackPorts {
  jaegerOtlpGrpc: number;
  jaegerOtlpHttp: number;
  jaegerQueryHttp: number;
  jaegerQueryGrpc: number;
  jaegerSpanMetrics: number;
  jaegerHealth: number;
  prometheus: number;
  /** Picked always, used only when the stack runs Alertmanager (`alerting`). */
  alertmanager: number;
  controller: number;
  /** The JS services and, for `fraud`, the Go service. */
  demo: Record<ServiceName, number>;
}

export type PortOverrides = Partial<Omit<StackPorts, 'demo'>> & { demo?: Partial<Record<ServiceName, number>> };

export async function pickPorts(fixed: PortOverrides = {}): Promise<StackPorts> {
  const taken = new Set<number>(
    [...Object.values(fixed), ...Object.values(fixed.demo ?? {})].filter((p): p is number => typeof p === 'number')
  );
  const next = async (given: number | undefined): Promise<number> => {
    if (given !== undefined) {
      return given;
    }
    for (;;) {
      const port = await freePort();
      if (!taken.has(port)) {
        taken.add(port);
        return port;
      }
    }
  };
  return {
    jaegerOtlpGrpc: await next(fixed.jaegerOtlpGrpc),
    jaegerOtlpHttp: await next(fixed.jaegerOtlpHttp),
    jaegerQueryHttp: await next(fixed.jaegerQueryHttp),
    jaegerQueryGrpc: await next(fixed.jaegerQueryGrpc),
    jaegerSpanMetrics: await next(fixed.jaegerSpanMetrics),
    jaegerHealth: await next(fixed.jaegerHealth),
    prometheus: await next(fixed.prometheus),
    alertmanager: await next(fixed.alertmanager),
    controller: await next(fixed.controller),
    demo: {
      gateway: await next(fixed.demo?.gateway),
      auth: await next(fixed.demo?.auth),
      payments: await next(fixed.demo?.payments),
      fraud: await next(fixed.demo?.fraud),
    },
  };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))
      );
    });
  });
}
