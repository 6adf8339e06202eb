/**
 * The end-to-end flows (`npm run test:e2e`): one environment — the real stack, the preview host with the built
 * plugin, Chromium — shared by the flows, which run one after another.
 */
import { afterAll, beforeAll, jest } from '@jest/globals';

import { analysisFlows } from './analysis.flow';
import { comparisonFlows } from './compare.flow';
import { type Environment, startEnvironment } from './environment';
import { firstVisitFlows } from './firstVisit.flow';
import { goalFlows } from './goal.flow';
import { latencyFlows } from './latency.flow';
import { outageFlows } from './outages.flow';
import { permissionFlows } from './permissions.flow';
import { samplingFlows } from './sampling.flow';
import { settingsFlows } from './settings.flow';
import { suspectFlows } from './suspects.flow';
import { traceFlows } from './traces.flow';

// Generous: real processes on 2 shared cores, maybe under other load. No flow measures a duration against a bound
// (durations are printed as figures; waits end on behaviour), so none is retried: a failure is a behaviour to look at.
jest.setTimeout(120_000);

let environment: Environment | undefined;
const env = () => {
  if (!environment) {
    throw new Error('the environment did not start');
  }
  return environment;
};

beforeAll(async () => {
  environment = await startEnvironment();
}, 900_000);

afterAll(async () => {
  await environment?.stop();
}, 60_000);

settingsFlows(env);
firstVisitFlows(env);
permissionFlows(env);
// Early, before the flows whose faults would sit in its baseline window (the hour before each range).
suspectFlows(env);
// Its swallowed-error checkouts come first and its steady load then runs for about eight minutes, so by the time
// the trace flows read their 5-minute ranges, only the load's clean traffic is in them.
samplingFlows(env);
// Right after the spike from the dialog: its own spikes are reverted or ended before the trace flows start.
goalFlows(env);
traceFlows(env);
comparisonFlows(env);
outageFlows(env);
// After the comparison: its own slow-shard traffic is a short burst, while this flow's fault runs for minutes and,
// until the lookback forgets it, is a slower stretch in the baselines of the flows after it.
latencyFlows(env);
// Last: it adds a data source and an init script to the shared browser context.
analysisFlows(env);
