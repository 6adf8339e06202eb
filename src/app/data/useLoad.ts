/**
 * Runs one asynchronous load per `key` and reports it as loading, done or failed. A new key (or
 * `reload()`) aborts the previous load, so a slow answer for an old selection never overwrites
 * the current one; loading is derived from the key rather than set in the effect, so a finished
 * state of an old key is never shown as current. A load may report what it has so far (`partial`,
 * e.g. the rows analysed while more traces arrive); nothing it reports after its abort is shown.
 */
import { startTransition, useEffect, useEffectEvent, useState } from 'react';

export type Load<T> =
  { status: 'loading'; partial?: T } | { status: 'done'; value: T } | { status: 'failed'; error: Error };

const LOADING = { status: 'loading' } as const;

export function useLoad<T>(
  load: (signal: AbortSignal, report: (partial: T) => void) => Promise<T>,
  key: string
): { load: Load<T>; reload: () => void } {
  const [generation, setGeneration] = useState(0);
  const [state, setState] = useState<{ key: string; load: Load<T> }>();
  const current = `${generation}:${key}`;
  const run = useEffectEvent(load);

  useEffect(() => {
    const controller = new AbortController();
    // A partial result is not urgent: rendered as a transition, a long list yields to input while it renders.
    const report = (partial: T) =>
      !controller.signal.aborted &&
      startTransition(() => setState({ key: current, load: { status: 'loading', partial } }));
    run(controller.signal, report).then(
      (value) => !controller.signal.aborted && setState({ key: current, load: { status: 'done', value } }),
      (error: unknown) =>
        !controller.signal.aborted &&
        setState({
          key: current,
          load: { status: 'failed', error: error instanceof Error ? error : new Error(String(error)) },
        })
    );
    return () => controller.abort();
  }, [current]);

  return {
    load: state?.key === current ? state.load : LOADING,
    reload: () => setGeneration((g) => g + 1),
  };
}
