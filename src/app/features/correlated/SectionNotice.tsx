/**
 * What a section of the correlated view shows instead of data: which data source is missing and
 * where to choose it, or which one failed and what it said.
 */
import React from 'react';
import { Alert, TextLink } from '@grafana/ui';

import { SETTINGS_URL } from '../../routes';

/** Where the data sources are chosen: the panel's options can override the app's settings, the app's pages cannot. */
export type ConfiguredIn = 'panel' | 'app';

export type DataSourceKind = 'Tempo or Jaeger' | 'Prometheus' | 'Loki';

interface MissingProps {
  kind: DataSourceKind;
  /** What the section would show, e.g. "RED metrics". */
  what: string;
  configuredIn: ConfiguredIn;
}

export function DataSourceMissing({ kind, what, configuredIn }: MissingProps) {
  return (
    <Alert severity="info" title={`No ${kind} data source`}>
      The {what} need a {kind} data source. Choose one in the {configuredIn === 'panel' ? 'panel options or the ' : ''}
      <TextLink href={SETTINGS_URL}>Tracing Ops settings</TextLink>.
    </Alert>
  );
}

interface FailedProps {
  what: string;
  error: Error;
}

/** The clients' errors name the data source, its status and what to do; they are shown as they are. */
export function LoadFailed({ what, error }: FailedProps) {
  return (
    <Alert severity="error" title={`Could not load the ${what}`}>
      {error.message}
    </Alert>
  );
}
