/**
 * A minimal AMD loader for the plugin's `module.js` (webpack's `libraryTarget: 'amd'`): Grafana loads plugins with
 * SystemJS and its AMD extra; here a global `define` hands the factory the shared modules by name, and `module` is
 * the `{ uri }` webpack reads its public path from.
 */
type Define = ((deps: string[], factory: (...modules: unknown[]) => unknown) => void) & { amd: object };

// `define` is one global, so modules load one at a time: the app and a panel may be asked for at once.
let previous: Promise<unknown> = Promise.resolve();

export function importAmdModule<T>(url: string, shared: Record<string, unknown>): Promise<T> {
  const loaded = previous.catch(() => undefined).then(() => loadAmdModule<T>(url, shared));
  previous = loaded;
  return loaded;
}

function loadAmdModule<T>(url: string, shared: Record<string, unknown>): Promise<T> {
  return new Promise((resolve, reject) => {
    let exported: T | undefined;
    const define: Define = Object.assign(
      (deps: string[], factory: (...modules: unknown[]) => unknown) => {
        const missing = deps.filter((name) => name !== 'module' && !(name in shared));
        if (missing.length) {
          reject(new Error(`${url} needs modules the host does not share: ${missing.join(', ')}`));
          return;
        }
        exported = factory(...deps.map((name) => (name === 'module' ? { uri: url } : shared[name]))) as T;
      },
      { amd: {} }
    );
    const script = document.createElement('script');
    script.src = url;
    script.onload = () => {
      delete (window as { define?: Define }).define;
      exported === undefined ? reject(new Error(`${url} did not call define()`)) : resolve(exported);
    };
    script.onerror = () => reject(new Error(`${url} could not be loaded`));
    (window as { define?: Define }).define = define;
    document.head.appendChild(script);
  });
}
