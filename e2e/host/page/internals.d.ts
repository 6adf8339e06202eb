/** Types for the two @grafana/runtime modules the host imports by path (aliased in e2e/host/bundle.ts). */
declare module 'grafana-runtime-internals/PanelRenderer.mjs' {
  export function setPanelRenderer(
    renderer: import('react').ComponentType<import('@grafana/runtime').PanelRendererProps>
  ): void;
}
declare module 'grafana-runtime-internals/PluginPage.mjs' {
  export function setPluginPage(component: import('@grafana/runtime').PluginPageType): void;
}
