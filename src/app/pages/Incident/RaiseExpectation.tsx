/**
 * What a raise will do, in the dialog: the service's sampling rate now, and the traces per second to expect at the
 * new rate — requests that start their trace at the service, times the new rate, so at most its request rate times
 * the rate (calls from upstream keep their caller's decision).
 */
import React from 'react';
import { Text } from '@grafana/ui';

import { formatPercent, formatRateNumber } from '../../components/format';
import { RATE_SOURCE_NOTES, type SourcedRate } from '../../data/rateSource';

export interface RaiseExpectationProps {
  service: string;
  operation?: string;
  currentRate?: number;
  /** As typed in the form; ignored unless a rate above 0 and at most 100. */
  newRatePercent: string;
  requests?: SourcedRate;
}

export function RaiseExpectation({ service, operation, currentRate, newRatePercent, requests }: RaiseExpectationProps) {
  const percent = Number(newRatePercent);
  const newRate = newRatePercent.trim() && percent > 0 && percent <= 100 ? percent / 100 : undefined;
  const now =
    currentRate === undefined
      ? `The controller has no sampling rate for ${service} yet (it has not polled).`
      : `${service} keeps ${formatPercent(currentRate)} of the traces that start there now.`;
  let expected: string | undefined;
  if (newRate !== undefined && requests && requests.source !== 'sampled') {
    const upTo = `At ${formatPercent(newRate)}: up to ${formatRateNumber(requests.perSecond * newRate)} traces/s`;
    const of = `${formatRateNumber(requests.perSecond)} requests/s to ${service} × ${formatPercent(newRate)}`;
    expected = operation
      ? `${upTo} (${of}; fewer, as only requests to ${operation} that start their trace here count).`
      : `${upTo} (${of}, counting only requests that start their trace here).`;
  } else if (newRate !== undefined && requests && currentRate) {
    // Sampled spans at the current rate, scaled up: the same estimate when the whole rate is the service's own.
    const estimate = (requests.perSecond / currentRate) * newRate;
    expected = `At ${formatPercent(newRate)}: about ${formatRateNumber(estimate)} traces/s (${formatRateNumber(requests.perSecond)} sampled spans/s at ${formatPercent(currentRate)}, scaled), if they start at ${service}.`;
  } else if (newRate !== undefined) {
    expected = `No request rate of ${service} is known, so the traces per second at ${formatPercent(newRate)} cannot be estimated.`;
  }
  return (
    <div role="status" aria-label="What to expect">
      <Text element="p" color="secondary">
        {now}
      </Text>
      {expected && (
        <Text element="p" color="secondary" title={requests ? RATE_SOURCE_NOTES[requests.source] : undefined}>
          {expected}
        </Text>
      )}
    </div>
  );
}
