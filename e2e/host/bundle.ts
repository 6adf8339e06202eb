/**
 * Bundles the host page (page/main.tsx) with esbuild: the project's own @grafana/data|ui|runtime, React, the
 * router, RxJS and Emotion in one script plus its CSS, kept in memory. A few seconds; done once per host start.
 */
import { build } from 'esbuild';
import { join, resolve } from 'node:path';

export interface HostBundle {
  js: Uint8Array;
  css: Uint8Array;
  /** Files the bundle refers to (fonts, images), by their name under /host/. */
  assets: Map<string, Uint8Array>;
}

const root = resolve(__dirname, '../..');

export async function bundleHostPage(): Promise<HostBundle> {
  const result = await build({
    entryPoints: [join(__dirname, 'page/main.tsx')],
    bundle: true,
    minify: true,
    write: false,
    outdir: '/host',
    publicPath: '/host',
    format: 'iife',
    target: 'chrome120',
    jsx: 'automatic',
    define: { 'process.env.NODE_ENV': '"production"', global: 'window' },
    alias: { 'grafana-runtime-internals': join(root, 'node_modules/@grafana/runtime/dist/esm/components') },
    loader: { '.svg': 'file', '.woff': 'file', '.woff2': 'file', '.png': 'file', '.ttf': 'file', '.eot': 'file' },
    logLevel: 'silent',
  });
  const bundle: HostBundle = { js: new Uint8Array(), css: new Uint8Array(), assets: new Map() };
  for (const file of result.outputFiles) {
    const name = file.path.replace(/^\/host\//, '');
    if (name === 'main.js') {
      bundle.js = file.contents;
    } else if (name === 'main.css') {
      bundle.css = file.contents;
    } else {
      bundle.assets.set(name, file.contents);
    }
  }
  return bundle;
}
