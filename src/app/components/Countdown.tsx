/** Time left until a sampling spike ends, ticking every second so a responder sees it run out. */
import React, { useEffect, useState } from 'react';
import { Text } from '@grafana/ui';

import { formatSecondsLeft, secondsLeft } from './format';

export function Countdown({ until }: { until: Date }) {
  const [now, setNow] = useState(() => new Date());
  const left = secondsLeft(until, now);

  useEffect(() => {
    if (left === 0) {
      return undefined;
    }
    const timer = setInterval(() => setNow(new Date()), 1000);
    return () => clearInterval(timer);
  }, [left]);

  return (
    <Text color={left === 0 ? 'secondary' : undefined}>
      <time dateTime={until.toISOString()}>{left === 0 ? 'ended' : `${formatSecondsLeft(left)} left`}</time>
    </Text>
  );
}
