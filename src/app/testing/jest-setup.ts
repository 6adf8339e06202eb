/** jsdom lacks a few browser APIs that @grafana/ui components call while rendering. */
import '@testing-library/jest-dom';
import { configure } from '@testing-library/react';
import { ReadableStream } from 'node:stream/web';
import { TextDecoder, TextEncoder } from 'util';

Object.assign(global, { TextDecoder, TextEncoder });

// A page renders after several loads; on a 2-core machine running other suites, one second is not always enough.
// Waiting longer only costs time when a test is about to fail anyway.
configure({ asyncUtilTimeout: 15_000 });

Object.defineProperty(window, 'matchMedia', {
  writable: true,
  value: (query: string) => ({
    matches: false,
    media: query,
    onchange: null,
    addListener: () => {},
    removeListener: () => {},
    addEventListener: () => {},
    removeEventListener: () => {},
    dispatchEvent: () => false,
  }),
});

class NoopResizeObserver {
  observe() {}
  unobserve() {}
  disconnect() {}
}
Object.assign(global, { ResizeObserver: NoopResizeObserver });

HTMLCanvasElement.prototype.getContext = (() => null) as unknown as HTMLCanvasElement['getContext'];

// @grafana/ui's ScrollContainer (in Select menus) watches its edges with an IntersectionObserver.
class NoopIntersectionObserver {
  observe() {}
  unobserve() {}
  disconnect() {}
  takeRecords() {
    return [];
  }
}
Object.assign(global, { IntersectionObserver: NoopIntersectionObserver });

// jsdom has no Web Streams; the data clients read response bodies as streams, as browsers give them.
Object.assign(global, { ReadableStream });
