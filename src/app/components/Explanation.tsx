/**
 * A finding's explanation as the pages show it: span labels, which the analysis quotes in backticks, set as code,
 * the same in the incident list and on the Trace page.
 */
import React from 'react';
import { Text } from '@grafana/ui';

/** Explanations quote span labels in backticks; these are the plain and quoted parts in order. */
export function explanationParts(explanation: string): Array<{ text: string; quoted: boolean }> {
  return explanation
    .split('`')
    .map((text, index) => ({ text, quoted: index % 2 === 1 }))
    .filter((part) => part.text !== '');
}

export function Explanation({ text }: { text: string }) {
  return (
    <Text>
      {explanationParts(text).map((part, i) =>
        part.quoted ? <code key={i}>{part.text}</code> : <React.Fragment key={i}>{part.text}</React.Fragment>
      )}
    </Text>
  );
}
