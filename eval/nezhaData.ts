/**
 * Reading a directory in the Nezha data set's layout (`shared/nezha/README.md`): `faults.json`, one gzipped trace CSV
 * and one log CSV per minute, and a fault-free minute per day. Rows that do not parse are skipped and counted, never
 * fatal: the evaluation has to run on the held-out half, whose files nobody here has seen.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import Papa from 'papaparse';
import { z } from 'zod';

const FaultSchema = z.object({
  id: z.string().min(1),
  day: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
  inject_unix: z.number().int().positive(),
  inject_time: z.string().optional(),
  service: z.string().min(1),
  inject_type: z.string().min(1),
  minutes: z.array(z.string().regex(/^\d{2}_\d{2}$/)).min(1),
});

const FaultsFileSchema = z.object({
  system: z.string().optional(),
  fault_free_minutes: z.record(z.string(), z.string().regex(/^\d{2}_\d{2}$/)).default({}),
  faults: z.array(z.unknown()),
});

export type Fault = z.infer<typeof FaultSchema>;

export interface FaultsFile {
  readonly system: string;
  readonly faults: readonly Fault[];
  /** `HH_MM` of the fault-free minute by day. */
  readonly faultFreeMinutes: Readonly<Record<string, string>>;
  /** Entries of `faults[]` that did not validate, by position. */
  readonly invalidFaults: readonly string[];
}

export function readFaults(dir: string): FaultsFile {
  const file = FaultsFileSchema.parse(JSON.parse(readFileSync(join(dir, 'faults.json'), 'utf8')));
  const faults: Fault[] = [];
  const invalidFaults: string[] = [];
  file.faults.forEach((entry, i) => {
    const parsed = FaultSchema.safeParse(entry);
    if (parsed.success) {
      faults.push(parsed.data);
    } else {
      invalidFaults.push(`faults[${i}]: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
    }
  });
  return { system: file.system ?? '', faults, faultFreeMinutes: file.fault_free_minutes, invalidFaults };
}

/** One span as the CSV records it; times in Unix nanoseconds as decimal strings. */
export interface SpanRow {
  readonly traceId: string;
  readonly spanId: string;
  /** Undefined for a root (`root` in the file). */
  readonly parentId: string | undefined;
  readonly pod: string;
  readonly operation: string;
  readonly startNanos: string;
  readonly endNanos: string;
}

/** One log line attached to a span; `level` as the logger wrote it (`INFO`, `WARN`, `ERROR`, …). */
export interface LogRow {
  readonly traceId: string;
  readonly spanId: string;
  readonly pod: string;
  readonly timeNanos: string;
  readonly level: string;
  readonly message: string;
}

/** Rows read and skipped, by file kind, over a whole run. */
export class RowCounts {
  spans = 0;
  logs = 0;
  skippedSpans = 0;
  skippedLogs = 0;
  missingFiles: string[] = [];
}

const HEX = /^[0-9a-f]{16}$|^[0-9a-f]{32}$/i;
const NANOS = /^\d{1,20}$/;

function readCsv(path: string, counts: RowCounts): Array<Record<string, string>> {
  if (!existsSync(path)) {
    counts.missingFiles.push(path);
    return [];
  }
  let text: string;
  try {
    text = gunzipSync(readFileSync(path)).toString('utf8');
  } catch {
    counts.missingFiles.push(`${path} (not gzip)`);
    return [];
  }
  return Papa.parse<Record<string, string>>(text, { header: true, skipEmptyLines: true }).data;
}

function readSpans(path: string, counts: RowCounts): SpanRow[] {
  const rows: SpanRow[] = [];
  for (const r of readCsv(path, counts)) {
    const parent = r.ParentID;
    const ok =
      HEX.test(r.TraceID ?? '') &&
      HEX.test(r.SpanID ?? '') &&
      (parent === 'root' || HEX.test(parent ?? '')) &&
      typeof r.PodName === 'string' &&
      r.PodName !== '' &&
      typeof r.OperationName === 'string' &&
      NANOS.test(r.StartTimeUnixNano ?? '') &&
      NANOS.test(r.EndTimeUnixNano ?? '');
    if (!ok) {
      counts.skippedSpans++;
      continue;
    }
    counts.spans++;
    rows.push({
      traceId: r.TraceID!.toLowerCase(),
      spanId: r.SpanID!.toLowerCase(),
      parentId: parent === 'root' ? undefined : parent!.toLowerCase(),
      pod: r.PodName!,
      operation: r.OperationName!,
      startNanos: r.StartTimeUnixNano!,
      endNanos: r.EndTimeUnixNano!,
    });
  }
  return rows;
}

/** `16:42:22.382 INFO  t.s.TravelServiceImpl#532 …`: the level is the word after the time. */
const LOG_LINE = /^\S+\s+([A-Z]+)\s+(.*)$/s;

function readLogs(path: string, counts: RowCounts): LogRow[] {
  const rows: LogRow[] = [];
  for (const r of readCsv(path, counts)) {
    let line: unknown;
    try {
      line = (JSON.parse(r.Log ?? '') as { log?: unknown }).log;
    } catch {
      line = undefined;
    }
    const match = typeof line === 'string' ? LOG_LINE.exec(line.trim()) : null;
    if (!match || !HEX.test(r.TraceID ?? '') || !HEX.test(r.SpanID ?? '') || !NANOS.test(r.TimeUnixNano ?? '')) {
      counts.skippedLogs++;
      continue;
    }
    counts.logs++;
    rows.push({
      traceId: r.TraceID!.toLowerCase(),
      spanId: r.SpanID!.toLowerCase(),
      pod: r.PodName ?? '',
      timeNanos: r.TimeUnixNano!,
      level: match[1]!,
      message: match[2]!,
    });
  }
  return rows;
}

/** The span and log rows of one minute file (`HH_MM`) of a day, or of a day's fault-free minute. */
export function readMinute(
  dir: string,
  day: string,
  minute: string,
  counts: RowCounts,
  faultFree = false
): { spans: SpanRow[]; logs: LogRow[] } {
  const base = faultFree ? join(dir, 'fault-free', day) : join(dir, day);
  return {
    spans: readSpans(join(base, 'trace', `${minute}_trace.csv.gz`), counts),
    logs: readLogs(join(base, 'log', `${minute}_log.csv.gz`), counts),
  };
}
