/**
 * The Trace page: one trace opened by id (`?traceId=`, optionally `&spanId=`), taken through the app's one trace
 * pipeline (the same baselines, analysis and redaction as the incident list: a trace's baselines depend on the
 * trace alone, so it gets the same verdict however it was opened), its findings with their evidence spans and the
 * baselines they were judged against, and the correlated view shared with the dashboard panel. The selected span
 * lives in the URL so a link opens the same view.
 */
import React, { SyntheticEvent, useMemo, useRef, useState } from 'react';
import { useSearchParams } from 'react-router-dom';
import { PluginPage } from '@grafana/runtime';
import { Button, Field, Input, LinkButton, Stack, Text, TextLink } from '@grafana/ui';

import type { Redactor, RuleId } from '../../../analysis';
import type { Override } from '../../../contract';
import { createControllerClient } from '../../data/controller';
import { backendSrvTransport } from '../../data/transport';
import { traceBackend } from '../../data/clients';
import { exploreTraceUrl } from '../../data/explore';
import type { AnalysedTrace } from '../../data/traceAnalysis';
import { useAppSettings } from '../../data/useAppSettings';
import { CorrelatedView, LoadedTrace, evidenceOf } from '../../features/correlated/CorrelatedView';
import { type DataSourceSettings, dataSourceSettings } from '../../features/correlated/dataSources';
import { parseTraceId } from '../../features/correlated/traceId';
import { AppPage, SETTINGS_URL, appUrl } from '../../routes';
import { raiseTarget } from './raiseTarget';
import { TraceBaselines } from './TraceBaselines';
import { TraceFindings } from './TraceFindings';
import { useElementWidth } from './useElementWidth';

/** Tall enough for a readable waterfall, metrics row and logs without a second scroll bar on a laptop. */
const VIEW_HEIGHT = 1100;
const FALLBACK_WIDTH = 1200;
const controller = createControllerClient(backendSrvTransport);
const spikesOf = async (signal?: AbortSignal) => (await controller.overrides(signal)).overrides;

/** Explore opens on the trace's own minutes, so the trace-by-id lookup stays within the backend's search window. */
const EXPLORE_MARGIN_MS = 5 * 60 * 1000;

export function TracePage() {
  const [searchParams, setSearchParams] = useSearchParams();
  const traceId = parseTraceId(searchParams.get('traceId') ?? '');
  const spanId = searchParams.get('spanId') || undefined;
  const { settings, analysis, redactor } = useAppSettings();
  const dataSources = useMemo(() => dataSourceSettings(settings), [settings]);

  const selectSpan = (id: string | undefined) =>
    setSearchParams((current) => {
      const next = new URLSearchParams(current);
      if (id) {
        next.set('spanId', id);
      } else {
        next.delete('spanId');
      }
      return next;
    });

  return (
    <PluginPage>
      <Stack direction="column" gap={2}>
        <OpenTraceForm traceId={traceId} onOpen={(id) => setSearchParams({ traceId: id })} />
        {traceId ? (
          <LoadedTrace
            key={traceId}
            dataSources={dataSources}
            traceId={traceId}
            analysisSettings={analysis}
            redactor={redactor}
            configuredIn="app"
          >
            {(analysed, tracesUid) => (
              <TraceDetails
                analysed={analysed}
                dataSources={{ ...dataSources, tempoDatasourceUid: tracesUid }}
                redactor={redactor}
                slowFactor={analysis.slowFactor}
                selectedSpanId={spanId}
                onSelectSpan={selectSpan}
                spikes={settings.controllerUrl ? spikesOf : undefined}
              />
            )}
          </LoadedTrace>
        ) : (
          <Text color="secondary">
            No trace selected. Find traces worth opening on the{' '}
            <TextLink href={appUrl(AppPage.Incident)}>incident page</TextLink>; choose the data sources in the{' '}
            <TextLink href={SETTINGS_URL}>settings</TextLink>.
          </Text>
        )}
      </Stack>
    </PluginPage>
  );
}

function OpenTraceForm({ traceId, onOpen }: { traceId: string | undefined; onOpen: (traceId: string) => void }) {
  const [draft, setDraft] = useState(traceId ?? '');
  const [invalid, setInvalid] = useState(false);
  const open = (event: SyntheticEvent) => {
    event.preventDefault();
    const parsed = parseTraceId(draft);
    setInvalid(parsed === undefined);
    if (parsed) {
      onOpen(parsed);
    }
  };
  return (
    <form onSubmit={open}>
      <Stack alignItems="flex-end">
        <Field
          label="Trace ID"
          invalid={invalid}
          error={invalid ? 'A trace ID is 32 (or 16) hexadecimal characters' : undefined}
          noMargin
        >
          <Input
            width={48}
            value={draft}
            placeholder="e.g. 4bf92f3577b34da6a3ce929d0e0e4736"
            onChange={(event) => setDraft(event.currentTarget.value)}
          />
        </Field>
        <Button type="submit">Open trace</Button>
      </Stack>
    </form>
  );
}

/** The incident page narrowed to this trace's root service and worst rule, with "Why these traces?" open. */
const whyTracesLikeThis = (service: string, rule: RuleId) => appUrl(AppPage.Incident, { service, rule, why: '1' });

interface DetailsProps {
  analysed: AnalysedTrace;
  dataSources: DataSourceSettings & { tempoDatasourceUid: string };
  redactor: Redactor;
  /** The `slow` rule's factor over the p99, to say what the baselines mean. */
  slowFactor: number;
  selectedSpanId: string | undefined;
  onSelectSpan: (spanId: string | undefined) => void;
  spikes?: (signal?: AbortSignal) => Promise<readonly Override[]>;
}

function TraceDetails({
  analysed,
  dataSources,
  redactor,
  slowFactor,
  selectedSpanId,
  onSelectSpan,
  spikes,
}: DetailsProps) {
  const { trace, findings } = analysed;
  const evidence = useMemo(() => evidenceOf(analysed), [analysed]);
  const viewRef = useRef<HTMLDivElement>(null);
  const width = useElementWidth(viewRef, FALLBACK_WIDTH);
  const selected = selectedSpanId ? trace.spanById(selectedSpanId) : undefined;
  const raise = raiseTarget(analysed);

  return (
    <Stack direction="column" gap={2}>
      <Stack justifyContent="space-between" alignItems="center">
        <Text element="h2" variant="h4">
          Trace {trace.traceId}
        </Text>
        <Stack>
          {trace.root && findings[0] && (
            <LinkButton
              variant="secondary"
              icon="search"
              href={whyTracesLikeThis(trace.root.service, findings[0].rule)}
            >
              Why traces like this?
            </LinkButton>
          )}
          <LinkButton
            icon="compass"
            variant="secondary"
            href={exploreTraceUrl({
              uid: dataSources.tempoDatasourceUid,
              backend: traceBackend(dataSources.tempoDatasourceUid),
              traceId: trace.traceId,
              fromMs: trace.startUnixMs - EXPLORE_MARGIN_MS,
              toMs: trace.startUnixMs + trace.durationMs + EXPLORE_MARGIN_MS,
            })}
          >
            Open in Explore
          </LinkButton>
          {raise && (
            <LinkButton
              icon="arrow-up"
              variant="secondary"
              href={appUrl(AppPage.Incident, {
                raise: raise.service,
                raiseOperation: raise.operation,
                raiseFor: raise.troubleIn,
              })}
              tooltip={`Traces like this start at ${raise.service}${raise.operation ? ` (${raise.operation})` : ''}, whose sampling decides for the whole trace`}
            >
              Raise sampling for {raise.service}
            </LinkButton>
          )}
        </Stack>
      </Stack>
      <section aria-label="Findings of the analysis">
        <TraceFindings trace={trace} findings={findings} selectedSpanId={selected?.id} onSelectSpan={onSelectSpan} />
      </section>
      <section aria-label="Latency baselines">
        <TraceBaselines analysed={analysed} slowFactor={slowFactor} />
      </section>
      <div ref={viewRef}>
        <CorrelatedView
          trace={trace}
          dataSources={dataSources}
          redactor={redactor}
          selectedSpanId={selected?.id}
          onSelectSpan={onSelectSpan}
          evidence={evidence}
          configuredIn="app"
          spikes={spikes}
          width={width}
          height={VIEW_HEIGHT}
        />
      </div>
    </Stack>
  );
}
