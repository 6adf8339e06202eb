/**
 * Stand-in for react-inlinesvg in Jest: @grafana/ui's Icon fetches `public/img/icons/*.svg` from the Grafana
 * server, which does not exist in tests. Renders an empty svg tagged with the icon's name instead.
 */
import React from 'react';

export const cacheStore: Record<string, unknown> = Object.create(null);

export default function InlineSVG({ src }: { src: string }) {
  const name = src.replace(/^.*\/(.+)\.svg$/, '$1');
  return <svg xmlns="http://www.w3.org/2000/svg" data-testid={`icon-${name}`} viewBox="0 0 24 24" />;
}
