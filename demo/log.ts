/**
 * JSON-lines logs on stdout (and optionally a file the collector tails) that carry `trace_id` and
 * `span_id` of the span they were written in, so Loki lines link to Tempo traces and back.
 */
import { type Context, trace } from '@opentelemetry/api';
import { appendFileSync } from 'node:fs';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
export type LogFields = Record<string, string | number | boolean | undefined>;
export type LogSink = (line: string) => void;

export interface Logger {
  log(level: LogLevel, ctx: Context | undefined, msg: string, fields?: LogFields): void;
}

export const stdoutSink: LogSink = (line) => process.stdout.write(line);

/** Writes every line to stdout and appends it to `path`; synchronous so lines are never interleaved. */
export function fileAndStdoutSink(path: string): LogSink {
  return (line) => {
    process.stdout.write(line);
    appendFileSync(path, line);
  };
}

export function createLogger(service: string, sink: LogSink): Logger {
  return {
    log(level, ctx, msg, fields = {}) {
      const span = ctx ? trace.getSpanContext(ctx) : undefined;
      const record = {
        time: new Date().toISOString(),
        level,
        service,
        msg,
        ...(span ? { trace_id: span.traceId, span_id: span.spanId } : {}),
        ...fields,
      };
      sink(`${JSON.stringify(record)}\n`);
    },
  };
}
