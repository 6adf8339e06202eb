/**
 * A load that keeps itself current: it runs once per `key` (loading, done or failed, as `useLoad`), then again
 * after `everyMs(value)` and on `refresh()`, in the background — the value shown stays until the next one
 * arrives, so a form open beside it keeps what was typed. A refresh that fails keeps the last value and says
 * why in `refreshError`; the next success clears it. A new key or unmounting aborts whatever runs.
 */
import { useEffect, useEffectEvent, useRef, useState } from 'react';

import type { Load } from './useLoad';

export interface PolledLoad<T> {
  load: Load<T>;
  /** Why the last refresh failed, while the value shown is the one before it. */
  refreshError?: Error;
  /** Loads again now, in the background. */
  refresh: () => void;
}

export function usePolledLoad<T>(
  load: (signal: AbortSignal) => Promise<T>,
  key: string,
  everyMs: (value: T) => number | undefined
): PolledLoad<T> {
  const [state, setState] = useState<{ key: string; load: Load<T>; refreshError?: Error }>();
  const run = useEffectEvent(load);
  const interval = useEffectEvent(everyMs);
  const wake = useRef<() => void>(() => {});

  useEffect(() => {
    const controller = new AbortController();
    const { signal } = controller;
    const sleep = (ms: number | undefined) =>
      new Promise<void>((resolve) => {
        const timer = ms === undefined ? undefined : setTimeout(resolve, ms);
        const done = () => {
          clearTimeout(timer);
          resolve();
        };
        wake.current = done;
        signal.addEventListener('abort', done, { once: true });
      });
    (async () => {
      let last: T | undefined;
      let loaded = false;
      while (!signal.aborted) {
        try {
          const value = await run(signal);
          if (signal.aborted) {
            return;
          }
          last = value;
          loaded = true;
          setState({ key, load: { status: 'done', value } });
        } catch (error) {
          if (signal.aborted) {
            return;
          }
          const failure = error instanceof Error ? error : new Error(String(error));
          setState((previous) =>
            loaded && previous?.key === key
              ? { ...previous, refreshError: failure }
              : { key, load: { status: 'failed', error: failure } }
          );
        }
        await sleep(loaded ? interval(last as T) : undefined);
      }
    })();
    return () => controller.abort();
  }, [key]);

  return {
    load: state?.key === key ? state.load : { status: 'loading' },
    refreshError: state?.key === key ? state.refreshError : undefined,
    refresh: () => wake.current(),
  };
}
