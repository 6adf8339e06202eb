/**
 * Production/dev bundle for Grafana, following the `@grafana/create-plugin` set-up that replaced the
 * deprecated `@grafana/toolkit`: an AMD `module.js` per plugin (the app, and each nested panel under
 * `src/app/panels/<name>/`), with everything Grafana provides at run time left external.
 */
import CopyWebpackPlugin from 'copy-webpack-plugin';
import fs from 'node:fs';
import path from 'node:path';
import TerserPlugin from 'terser-webpack-plugin';
import VirtualModulesPlugin from 'webpack-virtual-modules';

const root = path.resolve(import.meta.dirname);
const pluginJson = JSON.parse(fs.readFileSync(path.join(root, 'plugin.json'), 'utf8'));
const version = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')).version;
const panelsDir = path.join(root, 'src/app/panels');

/**
 * Modules Grafana shares with plugins at run time (`sharedDependenciesMap` in Grafana's plugin loader); bundling
 * them breaks plugins. `react-router-dom` is deliberately absent: Grafana exposes v5 under that name, so v6 plugins
 * bundle `react-router-dom` and share only `react-router`. `@grafana/i18n` is not shared either (only `i18next`).
 */
export const grafanaExternals = [
  { 'amd-module': 'module' },
  'lodash',
  'jquery',
  'moment',
  'slate',
  'emotion',
  '@emotion/react',
  '@emotion/css',
  'prismjs',
  'slate-plain-serializer',
  '@grafana/slate-react',
  'react',
  'react/jsx-runtime',
  'react/jsx-dev-runtime',
  'react-dom',
  'react-dom/client',
  'react-redux',
  'redux',
  'rxjs',
  'rxjs/operators',
  'i18next',
  'react-router',
  'd3',
  'angular',
  /^@grafana\/ui/i,
  /^@grafana\/runtime/i,
  /^@grafana\/data/i,
];

function nestedPanels() {
  if (!fs.existsSync(panelsDir)) {
    return [];
  }
  return fs
    .readdirSync(panelsDir)
    .filter(
      (name) =>
        fs.existsSync(path.join(panelsDir, name, 'plugin.json')) &&
        fs.existsSync(path.join(panelsDir, name, 'module.tsx'))
    );
}

function stampVersion(content) {
  return content
    .toString()
    .replace(/%VERSION%/g, version)
    .replace(/%TODAY%/g, new Date().toISOString().substring(0, 10))
    .replace(/%PLUGIN_ID%/g, pluginJson.id);
}

export default (env) => {
  const production = Boolean(env.production);
  const panels = nestedPanels();
  // The AMD library is declared per entry, not in `output`: the analysis worker's chunk (an entry webpack adds for
  // `new Worker(new URL(…, import.meta.url))`) must be a plain script, and would inherit `output.library`.
  const amd = (path) => ({ import: path, library: { type: 'amd' } });
  const entry = { module: amd('./src/app/module.tsx') };
  for (const name of panels) {
    entry[`panels/${name}/module`] = amd(`./src/app/panels/${name}/module.tsx`);
  }

  return {
    context: root,
    mode: production ? 'production' : 'development',
    devtool: production ? 'source-map' : 'eval-source-map',
    entry,
    externals: grafanaExternals,
    externalsType: 'amd',
    module: {
      rules: [
        {
          // Resolve chunk URLs relative to wherever Grafana served module.js from (sub-path installs, CDNs).
          test: /src\/app\/(panels\/[^/]+\/)?module\.tsx$/,
          use: [{ loader: 'imports-loader', options: { imports: 'side-effects grafana-public-path' } }],
        },
        {
          test: /\.[tj]sx?$/,
          exclude: /node_modules/,
          use: {
            loader: 'swc-loader',
            options: {
              jsc: {
                target: 'es2020',
                parser: { syntax: 'typescript', tsx: true },
                transform: { react: { runtime: 'automatic' } },
              },
            },
          },
        },
        { test: /\.css$/, use: ['style-loader', 'css-loader'] },
        { test: /\.(png|jpe?g|gif|svg)$/, type: 'asset/resource', generator: { filename: 'img/[name][ext]' } },
      ],
    },
    optimization: {
      minimize: production,
      minimizer: [new TerserPlugin({ extractComments: false })],
      // No shared chunks: the analysis worker must be one file, since a chunk it loaded itself would resolve
      // against the static `output.publicPath` from inside the worker, not the runtime public path.
      splitChunks: false,
    },
    output: {
      clean: true,
      filename: '[name].js',
      chunkFilename: production ? '[name].js?_cache=[contenthash]' : '[name].js',
      path: path.join(root, 'dist'),
      publicPath: `public/plugins/${pluginJson.id}/`,
      uniqueName: pluginJson.id,
    },
    plugins: [
      new VirtualModulesPlugin({
        'node_modules/grafana-public-path.js': `
import amdMetaModule from 'amd-module';
__webpack_public_path__ = amdMetaModule && amdMetaModule.uri
  ? amdMetaModule.uri.slice(0, amdMetaModule.uri.lastIndexOf('/') + 1)
  : 'public/plugins/${pluginJson.id}/';
`,
      }),
      new CopyWebpackPlugin({
        patterns: [
          { from: 'plugin.json', to: '.', transform: stampVersion },
          // The user-facing README Grafana shows on the plugin's page; the developers' README stays at the root.
          { from: 'src/README.md', to: '.', transform: stampVersion },
          { from: 'CHANGELOG.md', to: '.' },
          { from: 'LICENSE', to: '.' },
          { from: 'src/app/img', to: 'img' },
          { from: 'src/app/dashboards', to: 'dashboards', noErrorOnMissing: true },
          ...panels.flatMap((name) => [
            { from: `src/app/panels/${name}/plugin.json`, to: `panels/${name}/plugin.json`, transform: stampVersion },
            { from: `src/app/panels/${name}/img`, to: `panels/${name}/img`, noErrorOnMissing: true },
          ]),
        ],
      }),
    ],
    resolve: { extensions: ['.ts', '.tsx', '.js', '.jsx'] },
    performance: { hints: false },
    stats: 'errors-warnings',
  };
};
