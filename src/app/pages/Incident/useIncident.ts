/**
 * Everything the incident page shows, wired from the URL state: the viewer's scope, the service
 * overview, the anomalous traces, the sampling state and the sampling actions. The page only lays
 * these out.
 */
import { useMemo, useState } from 'react';

import type { CreateOverrideBody, Override } from '../../../contract';
import { useAppSettings } from '../../data/useAppSettings';
import { useDataClients } from '../../data/clients';
import { createControllerClient } from '../../data/controller';
import { type AnomalousTraces, findAnomalousTraces } from '../../data/anomalousTraces';
import { type Suspects, findSuspects } from '../../data/suspects';
import { loadSampling, writeBlockedReason } from '../../data/sampling';
import { loadServiceOverview } from '../../data/serviceOverview';
import { sdkRequestMetrics } from '../../data/sdkRequestMetrics';
import { backendSrvTransport } from '../../data/transport';
import { useLoad } from '../../data/useLoad';
import { usePolledLoad } from '../../data/usePolledLoad';
import type { SourcedRate } from '../../data/rateSource';
import { useScope } from '../../data/useScope';
import { missingSettings, tracesDatasourceUid } from '../../settings';
import { useTraceFilters } from './traceFilters';
import { type RaiseLink, toTimeRange, useIncidentUrlState } from './urlState';

const controller = createControllerClient(backendSrvTransport);
/** However short the controller's poll interval, the page reads the sampling state at most this often. */
const SAMPLING_REFRESH_MIN_MS = 5000;
/**
 * How often the overview of a range that ends now is read again. Its rates are over 5 minutes at steps of 15 s or
 * more, so reading more often shows nothing new; a page left open no longer says "no metrics" once they exist.
 */
const OVERVIEW_REFRESH_MS = 30_000;

export function useIncident() {
  const { settings, analysis, redaction, maxCandidates, ignored } = useAppSettings();
  const clients = useDataClients(settings);
  const [url, setUrl] = useIncidentUrlState();
  const traceFilters = useTraceFilters();
  const [refreshes, setRefreshes] = useState(0);
  const ownership = useMemo(() => settings.ownership ?? [], [settings.ownership]);
  const scope = useScope(url.scope, url.service, ownership);
  const resolved = scope.status === 'done' && scope.value.resolved.ok ? scope.value.resolved : undefined;
  // `now` is evaluated when the URL's range changes or on a refresh, never on a mere re-render: `url.raw`
  // keeps its identity while the URL does.
  const range = useMemo(() => toTimeRange(url.raw), [url.raw, refreshes]); // eslint-disable-line react-hooks/exhaustive-deps
  const start = Math.floor(range.from.valueOf() / 1000);
  const end = Math.floor(range.to.valueOf() / 1000);
  const flavourKey = JSON.stringify(settings.spanMetrics ?? null);
  const key = resolved ? `${JSON.stringify(resolved.scope)}|${start}|${end}|${refreshes}` : 'no-scope';
  const filtersKey = JSON.stringify(traceFilters.filters);

  const traces = useLoad<AnomalousTraces | undefined>(
    async (signal, report) => {
      if (!resolved || (!clients.tempo && !clients.jaeger)) {
        return undefined;
      }
      return findAnomalousTraces(
        {
          tempo: clients.tempo,
          jaeger: clients.jaeger,
          prometheus: clients.prometheus,
          flavour: await clients.spanMetricsFlavour(signal),
          scope: resolved.scope,
          start,
          end,
          settings: analysis,
          redaction,
          maxCandidates,
          filters: traceFilters.filters,
          signal,
        },
        report
      );
    },
    `${key}|${tracesDatasourceUid(settings)}|${settings.prometheusDatasourceUid}|${flavourKey}|${filtersKey}|${maxCandidates}`
  );

  const suspects = useLoad<Suspects | undefined>(
    async (signal, report) => {
      if (!resolved || (!clients.tempo && !clients.jaeger)) {
        return undefined;
      }
      return findSuspects(
        {
          tempo: clients.tempo,
          jaeger: clients.jaeger,
          scope: resolved.scope,
          start,
          end,
          filters: traceFilters.filters,
          redaction,
          signal,
        },
        report
      );
    },
    `${key}|${tracesDatasourceUid(settings)}|${filtersKey}`
  );

  // A range that ends now keeps ending now for the spikes (one raised and ended after the page loaded is shown)
  // and for the overview (its rates are read again, up to the moment of reading).
  const endsNow = String(url.raw.to).startsWith('now');

  const overview = usePolledLoad(
    async (signal) => {
      if (!resolved || !clients.prometheus) {
        return undefined;
      }
      const { prometheus } = clients;
      const [flavour, sdk] = await Promise.all([clients.spanMetricsFlavour(signal), sdkRequestMetrics(prometheus)]);
      const history = settings.controllerUrl ? controller.history : undefined;
      const moved = endsNow ? Math.max(0, Math.floor(Date.now() / 1000) - end) : 0;
      return loadServiceOverview(
        { prometheus, flavour, sdk, history },
        resolved.scope,
        start + moved,
        end + moved,
        signal
      );
    },
    `${key}|${settings.prometheusDatasourceUid}|${flavourKey}|${settings.controllerUrl}`,
    () => (endsNow ? OVERVIEW_REFRESH_MS : undefined)
  );

  const scopeKey = resolved ? JSON.stringify(resolved.scope) : 'no-scope';
  const sampling = usePolledLoad(
    async (signal) => {
      if (!resolved || !settings.controllerUrl) {
        return undefined;
      }
      const range = { fromMs: start * 1000, toMs: endsNow ? Number.POSITIVE_INFINITY : end * 1000 };
      return loadSampling(controller, resolved.scope, range, signal);
    },
    `${scopeKey}|${settings.controllerUrl}|${start}|${end}|${refreshes}`,
    // Spikes start, reach their goals and end on the controller: read them again at least once a poll interval.
    (state) => (state ? Math.max(SAMPLING_REFRESH_MIN_MS, state.guardrails.pollIntervalHintSeconds * 1000) : undefined)
  );

  const [busy, setBusy] = useState(false);
  const [actionError, setActionError] = useState<string>();
  const [raisedSpike, setRaisedSpike] = useState<Override>();
  const openRaise = (target: string | RaiseLink | undefined) => {
    // A refusal belongs to the attempt it answered, not to the next dialog.
    setActionError(undefined);
    setUrl({ raise: typeof target === 'string' ? { service: target } : target });
  };

  const act = async (action: () => Promise<Override>, after?: (o: Override) => void) => {
    setBusy(true);
    setActionError(undefined);
    try {
      const result = await action();
      after?.(result);
      sampling.refresh();
    } catch (error) {
      setActionError((error as Error).message);
    } finally {
      setBusy(false);
    }
  };

  const samplingState = sampling.load.status === 'done' ? sampling.load.value : undefined;
  const viewer = scope.status === 'done' ? scope.value.viewer : undefined;

  return {
    url,
    setUrl,
    range,
    start,
    end,
    traceFilters,
    refresh: () => setRefreshes((n) => n + 1),
    missing: missingSettings(settings),
    ignored,
    scope,
    traces: traces.load,
    tracesProgress: traces.progress,
    suspects: suspects.load,
    suspectsProgress: suspects.progress,
    overview: overview.load,
    sampling: sampling.load,
    /** The latest request rate of a service from the overview, with its source. */
    requestRateOf: (service: string): SourcedRate | undefined => {
      const row = overview.load.status === 'done' ? overview.load.value?.find((r) => r.service === service) : undefined;
      return row?.rate.latest === undefined ? undefined : { perSecond: row.rate.latest, source: row.rate.source };
    },
    samplingRefreshError: sampling.refreshError,
    spikeCheckSources: { prometheus: clients.prometheus, controller, spanMetricsFlavour: clients.spanMetricsFlavour },
    blockedReason: (service?: string) =>
      viewer && samplingState ? writeBlockedReason(viewer, samplingState.me, service) : 'Loading permissions…',
    raiseFor: url.raise,
    openRaise,
    closeRaise: () => openRaise(undefined),
    raise: (body: CreateOverrideBody) =>
      act(
        () => controller.createOverride(body),
        (spike) => {
          setRaisedSpike(spike);
          openRaise(undefined);
        }
      ),
    revert: (id: string) => act(() => controller.revertOverride(id)),
    extend: (id: string) =>
      act(() =>
        controller.extendOverride(id, { durationSeconds: samplingState?.guardrails.defaultDurationSeconds ?? 900 })
      ),
    busy,
    actionError,
    raisedSpike,
    dismissRaisedSpike: () => setRaisedSpike(undefined),
  };
}
