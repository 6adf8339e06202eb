/**
 * Jaeger v2 as a stack component: the binary from scripts/build-jaeger.sh (built once from the Go module proxy, then
 * cached) running deploy/jaeger/config.yaml, with every address set through the environment variables documented
 * at the top of that file and Badger's data in the stack's work directory.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';

import type { ComponentSpec } from './component';
import type { StackPorts } from './ports';
import { REPO_ROOT } from './paths';

const JAEGER_CONFIG = join(REPO_ROOT, 'deploy', 'jaeger', 'config.yaml');

/** scripts/build-jaeger.sh exits 3 when Jaeger cannot be obtained here (the module proxy refuses it). */
class JaegerUnavailableError extends Error {
  override readonly name = 'JaegerUnavailableError';
}

/**
 * The Jaeger binary: `JAEGER_BIN` when set, else whatever scripts/build-jaeger.sh prints (which waits for a build in
 * progress, and builds — minutes, cold — when nothing is cached).
 */
export async function jaegerBinary(): Promise<string> {
  if (process.env.JAEGER_BIN) {
    return process.env.JAEGER_BIN;
  }
  try {
    const { stdout } = await promisify(execFile)(join(REPO_ROOT, 'scripts', 'build-jaeger.sh'), [], {
      maxBuffer: 64 * 1024 * 1024,
    });
    return stdout.trim().split('\n').pop()!;
  } catch (err) {
    const e = err as Error & { code?: number; stderr?: string };
    const why = e.stderr?.trim().split('\n').slice(-5).join('\n') || e.message;
    if (e.code === 3) {
      throw new JaegerUnavailableError(`Jaeger v2 cannot be obtained here (scripts/build-jaeger.sh exit 3):\n${why}`);
    }
    throw new Error(`scripts/build-jaeger.sh failed (exit ${e.code}):\n${why}`);
  }
}

function jaegerEnv(ports: StackPorts, dataDir: string): Record<string, string> {
  const at = (port: number) => `127.0.0.1:${port}`;
  return {
    JAEGER_OTLP_GRPC_ENDPOINT: at(ports.jaegerOtlpGrpc),
    JAEGER_OTLP_HTTP_ENDPOINT: at(ports.jaegerOtlpHttp),
    JAEGER_QUERY_HTTP_ENDPOINT: at(ports.jaegerQueryHttp),
    JAEGER_QUERY_GRPC_ENDPOINT: at(ports.jaegerQueryGrpc),
    JAEGER_SPANMETRICS_ENDPOINT: at(ports.jaegerSpanMetrics),
    JAEGER_HEALTH_ENDPOINT: at(ports.jaegerHealth),
    JAEGER_BADGER_DIR: dataDir,
  };
}

export function jaegerSpec(binary: string, ports: StackPorts, dataDir: string, readyTimeoutMs: number): ComponentSpec {
  return {
    name: 'jaeger',
    command: binary,
    args: ['--config', JAEGER_CONFIG],
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...jaegerEnv(ports, dataDir) },
    readyUrl: `http://127.0.0.1:${ports.jaegerHealth}/status`,
    readyTimeoutMs,
  };
}
