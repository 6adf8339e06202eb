/**
 * A goal-bounded spike's progress: traces recorded so far out of its goal, or why the controller cannot count
 * them (then the spike runs to its time limit).
 */
import React from 'react';
import { Text } from '@grafana/ui';

import type { Override } from '../../../contract';

export function GoalProgress({ goal }: { goal: NonNullable<Override['goal']> }) {
  if (goal.unavailable) {
    return (
      <Text color="warning" title={goal.unavailable}>
        goal {goal.stopAfterTraces} traces: cannot count, runs to its limit
      </Text>
    );
  }
  return (
    <Text color="secondary">
      or after {goal.traces ?? 0} / {goal.stopAfterTraces} traces
    </Text>
  );
}
