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
  // Read after the countdown: "8m 57s left, or once 100 traces are recorded (12 so far)".
  return (
    <Text color="secondary">
      , or once {goal.stopAfterTraces} traces are recorded ({goal.traces ?? 0} so far)
    </Text>
  );
}
