/**
 * The real stack for end-to-end tests and `npm run stack` (e2e/README.md): start it, read the backends, stop it.
 */
export { type ComponentName, type RunningStack, type StackOptions, type StackUrls, startStack } from './stack';
export { ComponentError } from './component';
export type { StackAlerting } from './alertmanager';
export { JaegerUnavailableError } from './jaeger';
export type { StackPorts } from './ports';
