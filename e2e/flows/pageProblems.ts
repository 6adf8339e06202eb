/**
 * What a visit leaves in the browser's console: console errors and warnings of the page, uncaught exceptions, and
 * requests that failed or were answered ≥ 400 (Chromium logs each as "Failed to load resource"). A flow watches a
 * page while it visits and asserts the list is empty, less the answers its backends give by design.
 */
import type { Page, Request, Response } from 'playwright-core';

export interface PageProblems {
  /** One line per problem seen since the watch began: what, and where. */
  readonly seen: string[];
  stop(): void;
}

/** A request's answer the page expects and reads as data, not as a failure. */
export type ExpectedAnswer = (url: URL, status: number) => boolean;

/**
 * Jaeger's v3 search answers an empty result with 404 "No traces found" (jaegertracing/jaeger#8707; still so in
 * v1.76): the app reads it as no traces (`src/clients/jaeger.ts`), and Chromium still logs the 404.
 */
export const jaegerEmptySearch =
  (dataSourceUid: string): ExpectedAnswer =>
  (url, status) =>
    status === 404 && url.pathname.endsWith(`/api/datasources/proxy/uid/${dataSourceUid}/api/v3/traces`);

export function watchPageProblems(page: Page, expected: ExpectedAnswer[] = []): PageProblems {
  const seen: string[] = [];
  const isExpected = (url: string, status: number) => expected.some((e) => e(new URL(url), status));
  const onResponse = (response: Response) => {
    const status = response.status();
    if (status < 400) {
      return;
    }
    if (!isExpected(response.url(), status)) {
      seen.push(`HTTP ${status} ${response.request().method()} ${response.url()}`);
    }
  };
  const onRequestFailed = (request: Request) => {
    const reason = request.failure()?.errorText;
    // A request the page cancelled (a new time range, leaving the page) is not a failure; Chromium logs none.
    if (reason !== 'net::ERR_ABORTED') {
      seen.push(`request failed (${reason}) ${request.method()} ${request.url()}`);
    }
  };
  const onConsole = (message: { type(): string; text(): string; location(): { url: string } }) => {
    if (message.type() !== 'error' && message.type() !== 'warning') {
      return;
    }
    // Chromium's own line for an answer ≥ 400: counted once, by the response above.
    if (message.text().startsWith('Failed to load resource')) {
      return;
    }
    seen.push(`console ${message.type()}: ${message.text()} (${message.location().url})`);
  };
  const onPageError = (error: Error) => seen.push(`uncaught: ${error.message}`);
  page.on('response', onResponse);
  page.on('requestfailed', onRequestFailed);
  page.on('console', onConsole);
  page.on('pageerror', onPageError);
  return {
    seen,
    stop() {
      page.off('response', onResponse);
      page.off('requestfailed', onRequestFailed);
      page.off('console', onConsole);
      page.off('pageerror', onPageError);
    },
  };
}
