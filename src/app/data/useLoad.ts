/**
 * Runs one asynchronous load per `key` and reports it as loading, done or failed. A new key (or
 * `reload()`) aborts the previous load, so a slow answer for an old selection never overwrites
 * the current one; loading is derived from the key rather than set in the effect, so a finished
 * state of an old key is never shown as current. A load may report what it has so far (e.g. the
 * rows analysed while more traces arrive) through `progress`, which only the components that read
 * it with `useProgress` re-render for; nothing reported after the load's abort reaches them.
 */
import { startTransition, useEffect, useEffectEvent, useMemo, useState } from 'react';

export type Load<T> = { status: 'loading' } | { status: 'done'; value: T } | { status: 'failed'; error: Error };

/** What the running load reported last; undefined before its first report and after a new load starts. */
export interface Progress<T> {
  get(): T | undefined;
  subscribe(listener: () => void): () => void;
}

const LOADING = { status: 'loading' } as const;

/** The last report of the loads of one `useLoad`, tagged with the load it came from. */
function progressStore<T>() {
  let last: { load: string; value: T } | undefined;
  const listeners = new Set<() => void>();
  return {
    /** The last report of `load`, if it was the last to report. */
    of: (load: string) => (last?.load === load ? last.value : undefined),
    subscribe(listener: () => void) {
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    },
    set(load: string, value: T) {
      last = { load, value };
      listeners.forEach((listener) => listener());
    },
  };
}

export function useLoad<T>(
  load: (signal: AbortSignal, report: (partial: T) => void) => Promise<T>,
  key: string
): { load: Load<T>; reload: () => void; progress: Progress<T> } {
  const [generation, setGeneration] = useState(0);
  const [state, setState] = useState<{ key: string; load: Load<T> }>();
  const [reports] = useState(progressStore<T>);
  const current = `${generation}:${key}`;
  const run = useEffectEvent(load);

  useEffect(() => {
    const controller = new AbortController();
    const report = (partial: T) => !controller.signal.aborted && reports.set(current, partial);
    run(controller.signal, report).then(
      // A transition too: the last rows of a long list then render in slices, like the progress before them.
      (value) =>
        !controller.signal.aborted &&
        startTransition(() => setState({ key: current, load: { status: 'done', value } })),
      (error: unknown) =>
        !controller.signal.aborted &&
        setState({
          key: current,
          load: { status: 'failed', error: error instanceof Error ? error : new Error(String(error)) },
        })
    );
    return () => controller.abort();
  }, [current, reports]);
  // A new object per load, so a reader never shows an earlier load's progress as this one's.
  const progress = useMemo(
    () => ({ get: () => reports.of(current), subscribe: reports.subscribe }),
    [reports, current]
  );

  return {
    load: state?.key === current ? state.load : LOADING,
    reload: () => setGeneration((g) => g + 1),
    progress,
  };
}

/**
 * The latest progress of a load, re-rendering only the calling component. Rendered as a transition: a partial
 * result is not urgent, and a long list then yields to input while it renders.
 */
export function useProgress<T>(progress: Progress<T> | undefined): T | undefined {
  const [seen, setSeen] = useState<{ of?: Progress<T>; value?: T }>({});
  useEffect(() => {
    if (!progress) {
      return undefined;
    }
    const read = () => startTransition(() => setSeen({ of: progress, value: progress.get() }));
    read(); // whatever was reported before this component subscribed
    return progress.subscribe(read);
  }, [progress]);
  return seen.of === progress ? seen.value : undefined;
}
