/** The incident page (the app's default page): service overview, anomalous traces and sampling, for the viewer's scope. */
import React, { useState } from 'react';
import { PluginPage } from '@grafana/runtime';
import { Alert, Button, LoadingPlaceholder, Stack, Text, TextLink } from '@grafana/ui';

import { baselineAnchor } from '../../../analysis';
import type { AnomalousTrace, AnomalousTraces } from '../../data/anomalousTraces';
import type { Suspects } from '../../data/suspects';
import { scopeIncludes } from '../../scope/scope';
import { type Load, type Progress, useProgress } from '../../data/useLoad';
import { spikesByService } from '../../data/spikeLifecycle';
import { SETTINGS_URL } from '../../routes';
import { AnomalousTracesTable } from './AnomalousTracesTable';
import { BaselineNote } from './BaselineNote';
import { IncidentToolbar } from './IncidentToolbar';
import { RaiseSamplingDialog } from './RaiseSamplingDialog';
import { SamplingSection } from './SamplingSection';
import { ServiceOverviewTable } from './ServiceOverviewTable';
import { RaisedSpikeNotice } from './SpikeEffect';
import { NoAnomalies } from './NoAnomalies';
import { TraceFilterChips } from './TraceFilterChips';
import { WhereToLookFirst } from './WhereToLookFirst';
import { WhyTheseTraces } from './WhyTheseTraces';
import { SuggestedSpikes } from './SuggestedSpikes';
import { type SpikeSuggestion, suggestSpikes } from './suggestSpikes';
import { useIncident } from './useIncident';

/**
 * Loading and failure of one section; `render` gets the value, or what the load reported so far while it runs
 * (`progress`, with `describe` saying how far it got). Progress re-renders this section only, not the page.
 */
function Section<T>({
  title,
  load,
  render,
  progress,
}: {
  title: string;
  load: Load<T | undefined>;
  render: (value: T) => React.ReactNode;
  progress?: { of: Progress<T | undefined>; describe: (partial: T) => string };
}) {
  const reported = useProgress(progress?.of);
  const partial = load.status === 'loading' && progress ? reported : undefined;
  const shown = load.status === 'done' ? load.value : partial;
  // One shape whatever the state, so the rows shown while loading are the ones kept when it is done, not rebuilt.
  const body = (
    <>
      {load.status === 'loading' && (
        <LoadingPlaceholder
          text={partial !== undefined && progress ? progress.describe(partial) : `Loading ${title.toLowerCase()}…`}
        />
      )}
      {load.status === 'failed' && (
        <Alert severity="error" title={`${title}: failed`}>
          {load.error.message} Check the data sources in the <TextLink href={SETTINGS_URL}>settings</TextLink>.
        </Alert>
      )}
      {shown !== undefined && render(shown)}
    </>
  );
  return (
    <section aria-label={title}>
      <Text element="h3">{title}</Text>
      {body}
    </section>
  );
}

/** The rows the list shows: of the rule picked, and involving the suspect picked in "Where to look first". */
function shownRows(traces: readonly AnomalousTrace[], rule: string | undefined, suspect: string | undefined) {
  return traces.filter(
    (t) => (!rule || t.rules.some((r) => r.rule === rule)) && (!suspect || t.evidenceServices.includes(suspect))
  );
}

export function IncidentPage() {
  const page = useIncident();
  const scope = page.scope.status === 'done' ? page.scope.value : undefined;
  const samplingState = page.sampling.status === 'done' ? page.sampling.value : undefined;
  const spiking = new Set(samplingState?.overrides.map((o) => o.service));
  const spikesInRange = spikesByService([...(samplingState?.ended ?? []), ...(samplingState?.overrides ?? [])]);
  const services = samplingState?.services.map((s) => s.name) ?? [];
  const [suggested, setSuggested] = useState<SpikeSuggestion>();
  const raiseSuggested = (s: SpikeSuggestion) => {
    setSuggested(s);
    page.openRaise(s.service);
  };

  return (
    <PluginPage>
      <Stack direction="column" gap={2}>
        {page.missing.length > 0 && (
          <Alert severity="warning" title="Finish the set-up">
            Not configured yet: {page.missing.join(', ')}. <TextLink href={SETTINGS_URL}>Open the settings</TextLink>
          </Alert>
        )}
        {page.ignored.length > 0 && (
          <Alert severity="warning" title="Some settings are invalid">
            Ignored: {page.ignored.join('; ')}. <TextLink href={SETTINGS_URL}>Fix them in the settings</TextLink>
          </Alert>
        )}
        <IncidentToolbar
          range={page.range}
          onRangeChange={(range) => page.setUrl({ raw: range.raw })}
          onRefresh={page.refresh}
          scope={page.url.scope}
          teams={scope?.selectableTeams ?? []}
          canSeeAll={scope?.viewer.isAdmin ?? false}
          onScopeChange={(choice) => page.setUrl({ scope: choice })}
          service={page.url.service}
          services={services}
          onServiceChange={(service) => page.setUrl({ service })}
        />
        {page.scope.status === 'failed' && (
          <Alert severity="error" title="Your scope is unknown">
            {page.scope.error.message}
          </Alert>
        )}
        {scope && !scope.resolved.ok && (
          <Alert severity="info" title="Nothing in scope">
            {scope.resolved.reason}
          </Alert>
        )}
        {page.scope.status === 'loading' && <LoadingPlaceholder text="Resolving your teams…" />}
        {scope?.resolved.ok && (
          <>
            <Section
              title="Service overview"
              load={page.overview}
              render={(rows) => <ServiceOverviewTable rows={rows} spikesInRange={spikesInRange} />}
            />
            <Section
              title="Where to look first"
              load={page.suspects}
              progress={{
                of: page.suspectsProgress,
                describe: (partial: Suspects) =>
                  `Ranking what changed as traces arrive… ${partial.ranking?.rangeTraces ?? 0} traces of the range so far`,
              }}
              render={(suspects) => (
                <WhereToLookFirst
                  suspects={suspects}
                  inScope={(service) =>
                    scopeIncludes(scope.resolved.ok ? scope.resolved.scope : { kind: 'all' }, service)
                  }
                  selected={page.url.suspect}
                  onSelect={(suspect) => page.setUrl({ suspect })}
                />
              )}
            />
            <Section
              title="Anomalous traces"
              load={page.traces}
              progress={{
                of: page.tracesProgress,
                describe: (partial: AnomalousTraces) =>
                  `Analysing candidate traces as they arrive… ${partial.candidates} analysed so far`,
              }}
              render={(result) => (
                <Stack direction="column" gap={1}>
                  {result.baselineProblem ? (
                    <Alert severity="warning" title="No latency baselines">
                      The slow-vs-p99 rule is off: {result.baselineProblem}
                    </Alert>
                  ) : (
                    <BaselineNote baselines={result.latestBaselines} anchor={baselineAnchor(page.end * 1000)} />
                  )}
                  {result.truncated && (
                    <Text color="secondary">
                      {result.truncated} to keep the search bounded; narrow the scope or the time range to see them.
                    </Text>
                  )}
                  <TraceFilterChips filters={page.traceFilters.filters} onRemove={page.traceFilters.removeFilter} />
                  {page.url.suspect && (
                    <Stack gap={1} alignItems="center">
                      <Text color="secondary">Only traces whose evidence involves</Text>
                      <Button
                        size="sm"
                        variant="secondary"
                        icon="times"
                        aria-label={`Remove the suspect filter ${page.url.suspect}`}
                        onClick={() => page.setUrl({ suspect: undefined })}
                      >
                        {page.url.suspect}
                      </Button>
                    </Stack>
                  )}
                  {samplingState && (
                    <SuggestedSpikes
                      suggestions={suggestSpikes(
                        result.traces,
                        samplingState.services,
                        spiking,
                        samplingState.guardrails
                      )}
                      blockedReason={page.blockedReason}
                      onRaise={raiseSuggested}
                    />
                  )}
                  {page.url.suspect &&
                    result.traces.length > 0 &&
                    shownRows(result.traces, undefined, page.url.suspect).length === 0 && (
                      <Text color="secondary">
                        No anomalous trace listed has evidence involving {page.url.suspect}; its example trace in “Where
                        to look first” shows what changed.
                      </Text>
                    )}
                  {result.traces.length === 0 ? (
                    <NoAnomalies candidates={result.candidates} services={samplingState?.services ?? []} />
                  ) : (
                    <AnomalousTracesTable
                      traces={shownRows(result.traces, undefined, page.url.suspect)}
                      listedIn={{ start: page.start, end: page.end }}
                      rule={page.url.rule}
                      onRuleChange={(rule) => page.setUrl({ rule })}
                      view={page.url.list ?? 'groups'}
                      onViewChange={(view) => page.setUrl({ list: view === 'traces' ? 'traces' : undefined })}
                    />
                  )}
                  {page.traceFilters.comparing && scope?.resolved.ok ? (
                    <WhyTheseTraces
                      scope={scope.resolved.scope}
                      start={page.start}
                      end={page.end}
                      traceIds={shownRows(result.traces, page.url.rule, page.url.suspect).map((t) => t.traceId)}
                      filters={page.traceFilters.filters}
                      onAddFilter={page.traceFilters.addFilter}
                      onClose={() => page.traceFilters.setComparing(false)}
                    />
                  ) : (
                    result.traces.length > 0 && (
                      <Button variant="secondary" icon="search" onClick={() => page.traceFilters.setComparing(true)}>
                        Why these traces?
                      </Button>
                    )
                  )}
                </Stack>
              )}
            />
            <Section
              title="Sampling"
              load={page.sampling}
              render={(state) => (
                <Stack direction="column" gap={1}>
                  {page.raisedSpike && (
                    <RaisedSpikeNotice
                      spike={page.raisedSpike}
                      ended={state.ended.find((spike) => spike.id === page.raisedSpike?.id)}
                      readAt={state.readAt}
                      pollIntervalSeconds={state.guardrails.pollIntervalHintSeconds}
                      sources={page.spikeCheckSources}
                      onDismiss={page.dismissRaisedSpike}
                    />
                  )}
                  <SamplingSection
                    state={state}
                    now={new Date()}
                    blockedReason={page.blockedReason}
                    onRaise={page.openRaise}
                    onRevert={page.revert}
                    onExtend={page.extend}
                    busy={page.busy}
                    actionError={page.actionError}
                    refreshError={page.samplingRefreshError}
                  />
                  {page.raiseFor !== undefined && (
                    <RaiseSamplingDialog
                      target={page.raiseFor}
                      guardrails={state.guardrails}
                      prefill={suggested?.service === page.raiseFor.service ? suggested : undefined}
                      blockedReason={page.blockedReason}
                      samplingRateOf={(service) => state.services.find((s) => s.name === service)?.samplingRate}
                      requestRateOf={page.requestRateOf}
                      onSubmit={page.raise}
                      onDismiss={page.closeRaise}
                      busy={page.busy}
                      error={page.actionError}
                    />
                  )}
                </Stack>
              )}
            />
          </>
        )}
      </Stack>
    </PluginPage>
  );
}
