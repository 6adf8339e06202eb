/**
 * The incident page's state in the URL, so a link pasted in the incident channel opens the same
 * view: time range (`from`/`to`, raw like Grafana's `now-1h`), scope, service and rule filters, the suspect the list
 * is narrowed to ("Where to look first": `suspect`, a service name matched literally), the list's view
 * (`list=traces` for one row per trace; grouped otherwise), and the Raise sampling dialog when open (`raise`: its
 * service, `raiseOperation`, and `raiseFor`: the service whose trouble the raise is for when that is another, so the
 * Trace page can link straight to it and the dialog can say why).
 */
import { useMemo } from 'react';
import { useSearchParams } from 'react-router-dom';
import { type DateTime, type RawTimeRange, type TimeRange, dateTime, rangeUtil } from '@grafana/data';

import type { RuleId } from '../../../analysis';
import { type ScopeChoice, formatScopeChoice, parseScopeChoice } from '../../scope/scope';

const DEFAULT_RANGE: RawTimeRange = { from: 'now-1h', to: 'now' };

export interface IncidentUrlState {
  raw: RawTimeRange;
  scope: ScopeChoice;
  service?: string;
  rule?: RuleId;
  suspect?: string;
  list?: 'traces';
  raise?: RaiseLink;
}

/** The Raise sampling dialog as a link opens it. */
export interface RaiseLink {
  service: string;
  operation?: string;
  /** The service the trouble is in, when it is not the one to raise. */
  troubleIn?: string;
}

type Change = Partial<{
  raw: RawTimeRange;
  scope: ScopeChoice;
  service: string | undefined;
  rule: RuleId | undefined;
  suspect: string | undefined;
  list: 'traces' | undefined;
  raise: RaiseLink | undefined;
}>;

export function useIncidentUrlState(): [IncidentUrlState, (change: Change) => void] {
  const [params, setParams] = useSearchParams();
  const from = params.get('from');
  const to = params.get('to');
  // One object per URL, not per render: the page evaluates `now` whenever `raw` changes identity, and a
  // re-render while a slow load is under way would otherwise move the range and restart the load (issue 14).
  const raw = useMemo(
    () => ({ from: timeParam(from, DEFAULT_RANGE.from), to: timeParam(to, DEFAULT_RANGE.to) }),
    [from, to]
  );
  const state: IncidentUrlState = {
    raw,
    scope: parseScopeChoice(params.get('scope')),
    service: params.get('service') || undefined,
    rule: (params.get('rule') as RuleId | null) || undefined,
    suspect: params.get('suspect') || undefined,
    list: params.get('list') === 'traces' ? 'traces' : undefined,
    raise: raiseLink(params),
  };
  const update = (change: Change) =>
    setParams((current) => {
      const next = new URLSearchParams(current);
      const set = (key: string, value: string | undefined) => (value ? next.set(key, value) : next.delete(key));
      if (change.raw) {
        set('from', String(change.raw.from.valueOf()));
        set('to', String(change.raw.to.valueOf()));
      }
      if (change.scope) {
        set('scope', formatScopeChoice(change.scope));
        // A service of the old scope may not be in the new one.
        next.delete('service');
      }
      if ('service' in change) {
        set('service', change.service);
      }
      if ('rule' in change) {
        set('rule', change.rule);
      }
      if ('suspect' in change) {
        set('suspect', change.suspect);
      }
      if ('list' in change) {
        set('list', change.list);
      }
      if ('raise' in change) {
        set('raise', change.raise?.service);
        set('raiseOperation', change.raise?.operation);
        set('raiseFor', change.raise?.troubleIn);
      }
      return next;
    });
  return [state, update];
}

function raiseLink(params: URLSearchParams): RaiseLink | undefined {
  const service = params.get('raise');
  if (!service) {
    return undefined;
  }
  return {
    service,
    operation: params.get('raiseOperation') || undefined,
    troubleIn: params.get('raiseFor') || undefined,
  };
}

/** Grafana's URL convention: relative times as written (`now-1h`), absolute ones as epoch milliseconds. */
function timeParam(value: string | null, fallback: string | DateTime): string | DateTime {
  if (!value) {
    return fallback;
  }
  return /^\d+$/.test(value) ? dateTime(Number(value)) : value;
}

/** Absolute range for a raw one, evaluated now (so a refresh moves `now`). */
export function toTimeRange(raw: RawTimeRange): TimeRange {
  return rangeUtil.convertRawToRange(raw);
}
