/**
 * The correlated view of one trace, shared by the dashboard panel and the app's Trace page: the
 * span picker and waterfall, the RED metrics of its services and the logs carrying its id. The
 * selected span is controlled by the caller (panel state or the page's URL).
 */
import { css } from '@emotion/css';
import React, { type ReactNode } from 'react';
import { type GrafanaTheme2 } from '@grafana/data';
import { LoadingPlaceholder, Stack, Text, useStyles2 } from '@grafana/ui';

import type { AnalysisSettings, Redactor, Trace } from '../../../analysis';
import type { Override } from '../../../contract';
import { traceBackend, useDataClients } from '../../data/clients';
import { type AnalysedTrace, loadAnalysedTrace } from '../../data/traceAnalysis';
import { useLoad } from '../../data/useLoad';
import { identityKey } from '../../data/identityKey';
import type { DataSourceSettings } from './dataSources';
import { RedMetrics } from './RedMetrics';
import { type ConfiguredIn, DataSourceMissing, LoadFailed } from './SectionNotice';
import { SpanPicker } from './SpanPicker';
import { TraceLogs } from './TraceLogs';
import { TraceWaterfall } from './TraceWaterfall';

const NO_EVIDENCE: ReadonlySet<string> = new Set();

/** The spans the findings point at, for the span picker to mark. */
export function evidenceOf(analysed: AnalysedTrace): ReadonlySet<string> {
  return new Set(analysed.findings.flatMap((finding) => finding.spanIds));
}

/** Shares of the height below the span picker; the waterfall gets most, as it is what a responder reads first. */
const SHARE = { waterfall: 0.45, metrics: 0.25, logs: 0.3 };
const PICKER_HEIGHT = 72;
const HEADING_HEIGHT = 32;

interface ViewProps {
  trace: Trace;
  /** The trace data source's is set: the trace came from it. */
  dataSources: DataSourceSettings & { tempoDatasourceUid: string };
  redactor: Redactor;
  selectedSpanId: string | undefined;
  onSelectSpan: (spanId: string | undefined) => void;
  /** Spans the analysis points at; the picker marks them. */
  evidence?: ReadonlySet<string>;
  configuredIn: ConfiguredIn;
  /** The sampling spikes the controller keeps, drawn on the RED charts; none where there is no controller. */
  spikes?: (signal?: AbortSignal) => Promise<readonly Override[]>;
  width: number;
  height: number;
}

export function CorrelatedView(props: ViewProps) {
  const {
    trace,
    dataSources,
    redactor,
    selectedSpanId,
    onSelectSpan,
    evidence = NO_EVIDENCE,
    configuredIn,
    spikes,
    width,
  } = props;
  const styles = useStyles2(getStyles);
  const clients = useDataClients(dataSources);
  const { prometheusDatasourceUid, lokiDatasourceUid } = dataSources;
  const selected = selectedSpanId ? trace.spanById(selectedSpanId) : undefined;
  const body = Math.max(0, props.height - PICKER_HEIGHT - 3 * HEADING_HEIGHT);
  const heightOf = (part: keyof typeof SHARE) => Math.max(160, Math.floor(body * SHARE[part]));

  return (
    <div className={styles.view}>
      <SpanPicker trace={trace} selectedSpanId={selected?.id} onSelect={onSelectSpan} evidence={evidence} />
      <Section title="Trace">
        <TraceWaterfall
          trace={trace}
          redactor={redactor}
          tempoUid={dataSources.tempoDatasourceUid}
          backend={traceBackend(dataSources.tempoDatasourceUid)}
          selectedSpanId={selected?.id}
          width={width}
          height={heightOf('waterfall')}
        />
      </Section>
      <Section
        title={
          selected ? `RED metrics of ${selected.service} · ${selected.name}` : 'RED metrics of the trace’s services'
        }
      >
        {clients.prometheus && prometheusDatasourceUid ? (
          <RedMetrics
            trace={trace}
            selected={selected}
            prometheus={clients.prometheus}
            prometheusUid={prometheusDatasourceUid}
            spanMetricsFlavour={clients.spanMetricsFlavour}
            spikes={spikes}
            width={width}
            height={heightOf('metrics')}
          />
        ) : (
          <DataSourceMissing kind="Prometheus" what="RED metrics" configuredIn={configuredIn} />
        )}
      </Section>
      <Section title={selected ? 'Logs of the span' : 'Logs of the trace'}>
        {clients.loki && lokiDatasourceUid ? (
          <TraceLogs
            trace={trace}
            selected={selected}
            loki={clients.loki}
            lokiUid={lokiDatasourceUid}
            redactor={redactor}
            width={width}
            height={heightOf('logs')}
          />
        ) : (
          <DataSourceMissing kind="Loki" what="logs" configuredIn={configuredIn} />
        )}
      </Section>
    </div>
  );
}

function Section({ title, children }: { title: string; children: ReactNode }) {
  return (
    <section aria-label={title}>
      <Stack direction="column" gap={1}>
        <Text element="h3" variant="h5">
          {title}
        </Text>
        {children}
      </Stack>
    </section>
  );
}

interface LoadedTraceProps {
  dataSources: DataSourceSettings;
  traceId: string;
  analysisSettings: AnalysisSettings;
  redactor: Redactor;
  configuredIn: ConfiguredIn;
  children: (analysed: AnalysedTrace, tracesUid: string) => ReactNode;
}

/**
 * Takes the trace through the app's one pipeline (`data/traceAnalysis`: backend, baselines, analysis, redaction)
 * and renders `children` with it, or says why there is no trace to show.
 */
export function LoadedTrace({
  dataSources,
  traceId,
  analysisSettings,
  redactor,
  configuredIn,
  children,
}: LoadedTraceProps) {
  const clients = useDataClients(dataSources);
  const tracesUid = dataSources.tempoDatasourceUid;
  const load = useLoad(
    (signal) => loadAnalysedTrace(clients, traceId, analysisSettings, redactor, signal),
    // The clients and the settings objects are stable per settings; they identify the load with the trace.
    `${tracesUid}/${traceId}/${identityKey(clients)}/${identityKey(analysisSettings)}/${identityKey(redactor)}`
  ).load;
  if ((!clients.tempo && !clients.jaeger) || !tracesUid) {
    return <DataSourceMissing kind="Tempo or Jaeger" what="trace, its metrics and logs" configuredIn={configuredIn} />;
  }
  if (load.status === 'loading') {
    return <LoadingPlaceholder text="Loading the trace…" />;
  }
  if (load.status === 'failed') {
    return <LoadFailed what="trace" error={load.error} />;
  }
  if (load.value.analysed === null) {
    return (
      <Text color="secondary">
        {clients.jaeger ? 'Jaeger' : 'Tempo'} has no trace {traceId}. It may be older than its retention, or not
        sampled.
      </Text>
    );
  }
  return <>{children(load.value.analysed, tracesUid)}</>;
}

const getStyles = (theme: GrafanaTheme2) => ({
  view: css({
    display: 'flex',
    flexDirection: 'column',
    gap: theme.spacing(2),
  }),
});
