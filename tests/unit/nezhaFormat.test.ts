/** The evaluation's reading of the Nezha layout: services from pod names, malformed rows skipped and counted. */
import { describe, expect, it } from '@jest/globals';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { RowCounts, readFaults, readMinute } from '../../eval/nezhaData';
import { nezhaTraces, serviceOfPod } from '../../eval/nezhaOtlp';

const TRACE = 'b0103bb0161ad7fa352fe1828eeb643a';

function directory(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'nezha-'));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(join(dir, path), path.endsWith('.gz') ? gzipSync(text) : text);
  }
  return dir;
}

const logLine = (level: string) =>
  `"{""log"":""16:42:22.382 ${level}  t.s.Impl#532 TraceID: ${TRACE} SpanID: 7e28bdb6a47af144 [x]\\n"",""stream"":""stdout""}"`;

describe('the Nezha layout', () => {
  it('names the service of a Deployment or StatefulSet pod, and leaves other names alone', () => {
    expect(serviceOfPod('ts-contacts-service-866bd68c97-xcqfx')).toBe('ts-contacts-service');
    expect(serviceOfPod('ts-gateway-service-6f6cfc45b-h5m2n')).toBe('ts-gateway-service');
    expect(serviceOfPod('mysql-0')).toBe('mysql');
    expect(serviceOfPod('checkout')).toBe('checkout');
  });

  it('skips and counts malformed rows, and reads the rest into traces with their error lines', () => {
    const header = 'TraceID,SpanID,ParentID,PodName,OperationName,StartTimeUnixNano,EndTimeUnixNano,Duration';
    const dir = directory({
      'd/trace/08_43_trace.csv.gz': [
        header,
        `${TRACE},520b067330e3ede5,root,ts-gateway-service-6f6cfc45b-h5m2n,/*,1674981768697000000,1674981769015316530,318316`,
        `${TRACE},5e89765a7f60ff70,520b067330e3ede5,ts-gateway-service-6f6cfc45b-h5m2n,HTTP POST,1674981768699127513,1674981769015277277,1`,
        `${TRACE},7e28bdb6a47af144,5e89765a7f60ff70,ts-auth-service-7f8d7d756d-k7b9j,/login,1674981768701000000,1674981769012521162,1`,
        `not-an-id,7e28bdb6a47af145,root,pod,op,1,2,1`,
        `${TRACE},7e28bdb6a47af146,root,pod,op,yesterday,2,1`,
      ].join('\n'),
      'd/log/08_43_log.csv.gz': [
        'Timestamp,TimeUnixNano,Node,PodName,Container,TraceID,SpanID,Log',
        `t,1674981768702000000,n,ts-auth-service-7f8d7d756d-k7b9j,server,${TRACE},7e28bdb6a47af144,${logLine('ERROR')}`,
        `t,1674981768702000000,n,ts-auth-service-7f8d7d756d-k7b9j,server,${TRACE},7e28bdb6a47af144,${logLine('INFO')}`,
        `t,1674981768702000000,n,ts-auth-service-7f8d7d756d-k7b9j,server,${TRACE},7e28bdb6a47af144,{not json`,
      ].join('\n'),
    });
    const counts = new RowCounts();
    const { spans, logs } = readMinute(dir, 'd', '08_43', counts);
    expect(counts).toMatchObject({ spans: 3, skippedSpans: 2, logs: 2, skippedLogs: 1, missingFiles: [] });
    const [trace] = nezhaTraces(spans, logs);
    expect(trace?.logs.errorLinesBySpan).toEqual(new Map([['7e28bdb6a47af144', 1]]));
    const kinds = trace!.json.resourceSpans.flatMap((r) => r.scopeSpans.flatMap((s) => s.spans.map((x) => x.kind)));
    expect(kinds.sort()).toEqual([2, 2, 3]); // two entries (gateway root, auth), one call out
  });

  it('reports a missing minute file and skips a fault entry that does not validate', () => {
    const dir = directory({
      'faults.json': JSON.stringify({
        faults: [
          { id: 'f1', day: '2023-01-29', inject_unix: 1, service: 's', inject_type: 'cpu', minutes: ['08_43'] },
          { id: 'f2', day: 'monday' },
        ],
      }),
    });
    const file = readFaults(dir);
    expect(file.faults.map((f) => f.id)).toEqual(['f1']);
    expect(file.invalidFaults).toHaveLength(1);
    const counts = new RowCounts();
    expect(readMinute(dir, '2023-01-29', '08_43', counts)).toEqual({ spans: [], logs: [] });
    expect(counts.missingFiles).toHaveLength(2);
  });
});
