/**
 * Grafana's global styles without their `@font-face` rules. Grafana serves Inter and Roboto Mono from its own
 * `public/fonts/`, which no npm package ships, so the host could only answer the browser's requests for them with
 * 404s. Without the rules the browser never asks, and renders the rest of the theme's font stacks (Helvetica,
 * Arial, sans-serif; monospace). The cache serves `@emotion/react`, which `GlobalStyles` renders with.
 */
import createCache, { type StylisElement } from '@emotion/cache';

function dropFontFaces(element: StylisElement): void {
  if (element.type === '@font-face') {
    // Stylis writes an at-rule only when it has children left.
    element.children = [];
  }
}

export const emotionCacheWithoutFonts = createCache({ key: 'host', stylisPlugins: [dropFontFaces] });
