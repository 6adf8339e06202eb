/**
 * A finding's rule as a badge coloured by severity, with the rule's full title as its (native) tooltip: the list
 * shows hundreds of badges, and Grafana's `Tooltip` mounts a floating-ui positioner per badge, which made showing
 * the first rows of a long list hold the page for ~100 ms.
 */
import React from 'react';
import { Badge, type BadgeColor } from '@grafana/ui';

import { RULES, type RuleId, type Severity } from '../../analysis';

export const RULE_LABELS: Record<RuleId, string> = {
  error: 'Error',
  'swallowed-error': 'Swallowed error',
  slow: 'Slow vs p99',
  long: 'Long',
  wide: 'N+1',
  deep: 'Deep',
  bottleneck: 'Bottleneck',
  'retry-storm': 'Retry storm',
};

const SEVERITY_COLORS: Record<Severity, BadgeColor> = { critical: 'red', warning: 'orange', info: 'blue' };

export function RuleBadge({ rule, severity }: { rule: RuleId; severity: Severity }) {
  const title = RULES.find((r) => r.id === rule)?.title;
  return <Badge color={SEVERITY_COLORS[severity]} text={RULE_LABELS[rule]} title={title} />;
}
