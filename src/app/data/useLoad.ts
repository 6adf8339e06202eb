/**
 * Runs one asynchronous load per `key` and reports it as loading, done or failed. A new key (or
 * `reload()`) aborts the previous load, so a slow answer for an old selection never overwrites
 * the current one; loading is derived from the key rather than set in the effect, so a finished
 * state of an old key is never shown as current.
 */
import { useEffect, useEffectEvent, useState } from 'react';

export type Load<T> = { status: 'loading' } | { status: 'done'; value: T } | { status: 'failed'; error: Error };

const LOADING = { status: 'loading' } as const;

export function useLoad<T>(
  load: (signal: AbortSignal) => Promise<T>,
  key: string
): { load: Load<T>; reload: () => void } {
  const [generation, setGeneration] = useState(0);
  const [state, setState] = useState<{ key: string; load: Load<T> }>();
  const current = `${generation}:${key}`;
  const run = useEffectEvent(load);

  useEffect(() => {
    const controller = new AbortController();
    run(controller.signal).then(
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
